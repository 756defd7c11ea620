xl-numa capture --host data/xenlab-2node --state s.json
cp s.json orig.json
xl-numa create --host s.json cfg/g1.cfg
xl-numa create --host s.json cfg/big.cfg
xl-numa info --host s.json
xl-numa vcpu-list --host s.json
xl-numa destroy big --host s.json
xl-numa destroy g1 --host s.json
xl-numa info --host orig.json --json | grep -E 'memfree_kib|"name"' > before
xl-numa info --host s.json --json | grep -E 'memfree_kib|"name"' > after
cmp before after && echo 'free memory and domains as before'
