xl-numa create --host data/xenlab-2node --dry-run --vnuma cfg/hvm-wide.cfg -p
