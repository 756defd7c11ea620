xl-numa place --host data/xenlab-2node --mode fast cfg/g1.cfg
