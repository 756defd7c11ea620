xl-numa advise --host data/xenlab-2node --min-gain 101
