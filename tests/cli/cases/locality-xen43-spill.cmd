# xen43 chooses node 0 for its free memory, most of which is Xen's DMA
# zone: the guest is expected to land mostly elsewhere, and is warned of.
xl-numa place --host cli-hosts/dma-tight.json --explain cfg/g1.cfg
