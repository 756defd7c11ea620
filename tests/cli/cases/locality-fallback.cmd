# No set of nodes holds 504 MiB above Xen's DMA zone: spread takes its
# choice without the rule and says where the pages are expected.
xl-numa place --host cli-hosts/dma-tight.json --policy spread \
    --need-memkb 516096 --vcpus 1 --explain
