xl-numa place --host data/xenlab-2node cfg/g1.cfg 'cpus="0-1"' 'pool="Pool-0"'
