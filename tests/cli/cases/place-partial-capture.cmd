xl-numa place --host data/shared-xenlab-2node --explain cfg/g1.cfg
