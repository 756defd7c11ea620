xl-numa place --host data/xenlab-2node --need-memkb 100000000000000000000 --vcpus 100000
