xl-numa place --host data/dl980/numactl-H.txt --need-memkb 4194304 --vcpus 16 --explain
