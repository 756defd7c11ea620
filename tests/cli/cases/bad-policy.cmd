xl-numa place --host data/xenlab-2node --policy fastest cfg/g1.cfg
