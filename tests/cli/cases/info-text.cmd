xl-numa info --host data/xenlab-2node
