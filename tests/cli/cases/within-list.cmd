xl-numa place --host data/xenlab-2node cfg/cpus-list.cfg 'numa_placement="within"'
