for p in xen43 xen42 greedy packed spread closest; do
    xl-numa place --host data/dl980/numactl-H.txt --need-memkb 4194304 \
        --vcpus 16 --policy $p | grep -E '^(policy|placed):'
done
