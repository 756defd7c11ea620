xl-numa place --host data/xenlab-2node --need-memkb 4194304 --vcpus 1 --json
