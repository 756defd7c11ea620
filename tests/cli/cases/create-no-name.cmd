xl-numa create --host data/xenlab-2node --dry-run cfg/noname.cfg
