xl-numa place --host data/xenlab-2node cfg/cpus-soft.cfg 'numa_placement="within"'
