xl-numa advise --host data/xenlab-2node --apply
