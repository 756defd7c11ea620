xl-numa info --host data/xenlab-2node/dom0-only
