xl-numa capture --host data/xenlab-2node --state s.json > /dev/null
cp s.json before.json
xl-numa destroy nosuch --host s.json; echo "exit $?"
xl-numa destroy Domain-0 --host s.json; echo "exit $?"
xl-numa destroy g1 --host data/xenlab-2node; echo "exit $?"
cp hosts/dl980.json dl980.json
xl-numa destroy db --host dl980.json; echo "exit $?"
cmp s.json before.json && cmp dl980.json hosts/dl980.json && echo unchanged
