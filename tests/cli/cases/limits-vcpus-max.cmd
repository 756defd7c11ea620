xl-numa place --host data/xenlab-2node cfg/g1.cfg vcpus=16384
