xl-numa place --host data/xenlab-2node cfg/g1.cfg 'numa_placement_headroom="5%,7%"'
