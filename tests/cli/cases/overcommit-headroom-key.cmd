xl-numa place --host data/xenlab-2node cfg/headroom.cfg
echo "exit $?"
xl-numa place --host data/xenlab-2node --headroom 0 cfg/headroom.cfg
