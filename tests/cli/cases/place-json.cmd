xl-numa place --host data/xenlab-2node --json cfg/g1.cfg
