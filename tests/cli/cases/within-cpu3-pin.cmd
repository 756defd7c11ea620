xl-numa place --host data/xenlab-2node --mode pin cfg/within-cpu3.cfg
