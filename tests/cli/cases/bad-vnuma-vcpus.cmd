# One vCPU cannot be on two vnodes.
xl-numa place --host data/xenlab-2node --vnuma cfg/hvm-big.cfg memory=1600 vcpus=1
