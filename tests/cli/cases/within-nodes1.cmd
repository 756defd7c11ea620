xl-numa place --host data/xenlab-2node cfg/within-nodes1.cfg
