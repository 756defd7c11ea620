xl-numa place --host data/xenlab-2node cfg/pool.cfg 'pool="nosuch"' 'numa_placement="within"'
