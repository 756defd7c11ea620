xl-numa place --host data/xenlab-2node --mode pin --force cfg/maxmem.cfg maxmem=3000
echo "exit $?"
xl-numa place --host data/xenlab-2node cfg/maxmem.cfg maxmem=3000 'numa_placement_mode="pin"' numa_placement_force=1
