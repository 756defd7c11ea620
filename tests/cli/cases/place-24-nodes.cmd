for p in xen43 packed greedy closest; do
    xl-numa place --host cli-hosts/numactl-24node.txt --need-memkb 10485760 \
        --vcpus 4 --policy $p | grep -E '^(policy|placed):|cpus'
done
