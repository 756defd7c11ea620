xl-numa place --host data/xenlab-2node cfg/headroom.cfg 'numa_placement_headroom="101%"'
