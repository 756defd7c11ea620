xl-numa place --host data/xenlab-2node --mode pin --json cfg/maxmem.cfg maxmem=3000
