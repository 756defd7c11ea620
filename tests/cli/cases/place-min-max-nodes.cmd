xl-numa place --host data/dl980/numactl-H.txt --need-memkb 1048576 --vcpus 2 --min-nodes 3 --max-nodes 3 --policy closest
