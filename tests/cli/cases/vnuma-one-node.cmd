xl-numa place --host data/xenlab-2node --vnuma cfg/hvm-wide.cfg memory=512 vcpus=2
