xl-numa place --host data/xenlab-2node cfg/cpus-soft.cfg 'cpus_soft="1,9"'
