xl-numa place --host data/xenlab-2node --mode pin cfg/g1.cfg
