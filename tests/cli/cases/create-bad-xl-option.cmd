xl-numa create --host data/xenlab-2node --dry-run cfg/g1.cfg -f other.cfg
