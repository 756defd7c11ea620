xl-numa capture --host data/xenlab-2node cap
