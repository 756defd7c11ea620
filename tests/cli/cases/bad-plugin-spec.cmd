xl-numa place --host data/xenlab-2node --policy plugin:./lowload.so cfg/g1.cfg
