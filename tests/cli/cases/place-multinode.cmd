xl-numa place --host data/xenlab-2node --explain cfg/big.cfg
