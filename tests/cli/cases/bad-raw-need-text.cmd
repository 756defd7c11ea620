xl-numa place --host data/xenlab-2node --need-memkb 1G --vcpus 1
