xl-numa place --host data/xenlab-2node --need-memkb 1024 --vcpus 1 --headroom 120%
