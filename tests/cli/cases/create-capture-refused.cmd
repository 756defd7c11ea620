xl-numa create --host data/xenlab-2node cfg/g1.cfg
