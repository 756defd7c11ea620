xl-numa place --host data/xenlab-2node cfg/maxmem.cfg
