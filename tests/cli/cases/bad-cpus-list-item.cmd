xl-numa place --host data/xenlab-2node cfg/cpus-list.cfg 'cpus=["2", "x"]'
