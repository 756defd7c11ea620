# 23 vCPUs need 3 nodes of the DL980 (10 pCPUs each): 8, 8 and 7 vCPUs;
# 20000 MiB is 6666 MiB a vnode and 2 left over, on vnode 0.
xl-numa place --host hosts/dl980-numactl.txt --vnuma --policy closest cfg/hvm-big.cfg memory=20000 vcpus=23
