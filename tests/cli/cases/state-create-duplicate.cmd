xl-numa capture --host data/xenlab-2node --state s.json > /dev/null
xl-numa create --host s.json cfg/g1.cfg > /dev/null
cp s.json before.json
xl-numa create --host s.json cfg/g1.cfg
echo "exit $?"
cmp s.json before.json && echo unchanged
