xl-numa place --host data/xenlab-2node --need-memkb 1048576 --vcpus 1 --dma-aware --explain
