xl-numa place --host data/xenlab-2node --need-memkb 2048000 --vcpus 1 --headroom 200
