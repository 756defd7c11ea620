# DMA awareness: --no-dma-aware beats the policy's default, the config's
# numa_placement_dma_aware beats the default, the option beats the key.
xl-numa place --host cli-hosts/dma-tight.json --policy spread \
    --no-dma-aware cfg/g1.cfg | head -n 3
xl-numa place --host cli-hosts/dma-tight.json --policy spread cfg/g1.cfg \
    numa_placement_dma_aware=0 | head -n 3
xl-numa place --host cli-hosts/dma-tight.json cfg/g1.cfg \
    numa_placement_dma_aware=1 | head -n 3
xl-numa place --host cli-hosts/dma-tight.json --dma-aware cfg/g1.cfg \
    numa_placement_dma_aware=0 | head -n 3
