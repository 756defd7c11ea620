xl-numa capture --host data/xenlab-2node --state s.json > /dev/null
xl-numa create --host s.json cfg/big.cfg > /dev/null
cp s.json before.json
xl-numa create --host s.json --json cfg/big.cfg 'name="big2"'
echo "exit $?"
cmp s.json before.json && echo unchanged
