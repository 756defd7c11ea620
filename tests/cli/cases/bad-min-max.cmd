xl-numa place --host data/xenlab-2node --need-memkb 1024 --vcpus 1 --min-nodes 2 --max-nodes 1
