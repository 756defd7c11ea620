xl-numa capture --host data/xenlab-2node --state s.json > /dev/null
cp s.json before.json
xl-numa create --host s.json --mode pin cfg/maxmem.cfg maxmem=3000
echo "exit $?"
cmp s.json before.json && echo unchanged
xl-numa create --host data/xenlab-2node --dry-run --mode pin cfg/maxmem.cfg maxmem=3000
