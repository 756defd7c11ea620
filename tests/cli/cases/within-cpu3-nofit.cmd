xl-numa place --host data/xenlab-2node cfg/within-cpu3.cfg vcpus=2
