xl-numa place --host data/xenlab-2node cfg/vnuma.cfg maxmem=1024
