# Half of 2 GiB does not fit node 1 (980 MiB free): vNUMA memory
# cannot spill, and --force cannot help.
xl-numa place --host data/xenlab-2node --vnuma cfg/hvm-big.cfg
echo "exit $?"
xl-numa place --host data/xenlab-2node --vnuma --force cfg/hvm-big.cfg
