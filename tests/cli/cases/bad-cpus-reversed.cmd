xl-numa place --host data/xenlab-2node cfg/cpus-nodes1.cfg 'cpus="3-1"'
