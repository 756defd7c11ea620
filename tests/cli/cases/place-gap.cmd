# A search cut short by --max-steps says how far from the best possible
# its answer can be on the policy's first key.
xl-numa place --host cli-hosts/bench-40.json --need-memkb 1220000000 \
    --vcpus 8 --policy xen42 --max-steps 200 2>/dev/null | grep -A1 '^note:'
xl-numa place --host cli-hosts/bench-40.json --need-memkb 1220000000 \
    --vcpus 8 --policy xen42 --max-steps 200 --json 2>/dev/null |
    grep -E '"(exact|gap|load)"'
