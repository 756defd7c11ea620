xl-numa place --host data/xenlab-2node cfg/hvm-wide.cfg numa_placement_vnuma=1
