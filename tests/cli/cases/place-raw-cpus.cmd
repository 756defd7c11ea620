xl-numa place --host data/xenlab-2node --need-memkb 131072 --vcpus 2 --cpus nodes:1
