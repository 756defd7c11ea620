xl-numa place --host data/xenlab-2node --vnuma --need-memkb 1048576 --vcpus 4
