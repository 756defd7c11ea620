xl-numa place --host data/xenlab-2node --json cfg/cpus-nodes1.cfg
