# spread is DMA-aware by default: node 0 lacks the need above Xen's DMA
# zone, node 1 has it.
xl-numa place --host cli-hosts/dma-tight.json --policy spread --json cfg/g1.cfg
