xl-numa place --host data/xenlab-2node --mode pin cfg/cpus-list.cfg 'numa_placement="within"'
