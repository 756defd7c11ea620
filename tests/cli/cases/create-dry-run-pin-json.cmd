xl-numa create --host data/xenlab-2node --dry-run --mode pin --json cfg/big.cfg -c
