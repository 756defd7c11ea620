# 40 nodes, load first, a memory need that binds: the reduction fixes
# nodes before the search, and the answer is exact.
xl-numa place --host cli-hosts/bench-40.json --need-memkb 1220000000 \
    --vcpus 8 --explain | grep -E -A2 '^(placed|reduced|why):'
xl-numa place --host cli-hosts/bench-40.json --need-memkb 1220000000 \
    --vcpus 8 --explain --json | grep -E '"(fixed_in|fixed_out|load_bound|exact|outcome)"'
