for p in xen43 greedy packed spread closest; do
    xl-numa place --host data/dl980/numactl-H.txt --need-memkb 1048576 \
        --vcpus 2 --policy $p | grep -E '^(policy|placed):'
done
