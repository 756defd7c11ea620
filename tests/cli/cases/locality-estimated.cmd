# A capture without Xen's 'H' dump: the DMA split is estimated, and the
# decision says from what.
xl-numa place --host data/shared-xenlab-2node --policy closest --explain \
    cfg/g1.cfg
xl-numa place --host data/shared-xenlab-2node --json cfg/g1.cfg |
    grep expected_
