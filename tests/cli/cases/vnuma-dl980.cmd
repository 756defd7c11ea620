# The seed's DL980 guest as HVM, closest: one vnode on each node of the
# pair at distance 12; 16 vCPUs, 8 each; 20480 MiB, 10240 each.
xl-numa place --host hosts/dl980-numactl.txt --vnuma --policy closest cfg/hvm-big.cfg memory=20480 vcpus=16
