xl-numa place --host data/xenlab-2node --vnuma --mode pin cfg/hvm-wide.cfg
