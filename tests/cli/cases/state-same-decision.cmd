xl-numa capture --host data/xenlab-2node --state s.json
for c in g1 big maxmem within-nodes1 within-cpu3 hvm-stubdom; do
    xl-numa place --host data/xenlab-2node --json --explain cfg/$c.cfg > dir.json
    xl-numa place --host s.json --json --explain cfg/$c.cfg > state.json
    cmp dir.json state.json && echo "$c: same decision"
done
xl-numa place --host data/xenlab-2node --need-memkb 1048576 --vcpus 1 --headroom 400 --json > dir.json
xl-numa place --host s.json --need-memkb 1048576 --vcpus 1 --headroom 400 --json > state.json
cmp dir.json state.json && echo 'raw: same decision'
