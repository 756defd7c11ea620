# Eight 256 MiB PV guests recorded in a copy of the lab's 2-node host, by
# xen43 (libxl's choice) and by spread (DMA-aware by default).  xen43
# alternates (fewer runnable vCPUs first, then more free memory, Xen's
# DMA zone counted): its seventh guest gets node 0, whose memory above
# the zone is short, and is expected to land mostly on node 1.  spread
# counts only the memory above the zone and takes both nodes for it.
for p in xen43 spread; do
    xl-numa capture --host data/xenlab-2node --state $p.json > /dev/null ||
        exit
    i=0
    while [ $i -lt 8 ]; do
        i=$((i + 1))
        xl-numa create --host $p.json --policy $p --json cfg/g1.cfg memory=256 \
            "name=\"$p$i\"" > g.json 2> /dev/null || echo "exit $?"
        tr -d ' \n' < g.json | sed -E 's/.*"nodes":\[([0-9,]*)\].*"expected_pages_per_node":\[([0-9,]*)\],"expected_local_pct":([0-9.]+).*/'"$p$i"' nodes=\1 pages=\2 local=\3/'
        echo
    done
done
