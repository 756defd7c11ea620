# The largest memory= on a state file: no candidate, nothing recorded.
xl-numa capture --host data/xenlab-2node --state s.json > /dev/null
cp s.json before.json
xl-numa create --host s.json cfg/g1.cfg memory=1099511627776 \
    maxmem=1099511627776 'name="huge"'
echo "exit $?"
cmp s.json before.json && echo unchanged
