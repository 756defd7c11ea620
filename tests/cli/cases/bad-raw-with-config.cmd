xl-numa place --host data/xenlab-2node --need-memkb 1024 --vcpus 1 cfg/g1.cfg
