xl-numa place --host data/xenlab-2node --frobnicate cfg/g1.cfg
