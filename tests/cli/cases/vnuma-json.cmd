xl-numa place --host data/xenlab-2node --vnuma --json cfg/hvm-wide.cfg
