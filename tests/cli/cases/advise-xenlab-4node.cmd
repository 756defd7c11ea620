# cap-plain's pages are half on node 1, half on node 2, and it needs both
# nodes' pCPUs for its two vCPUs: 50% local is the best it can get.
xl-numa advise --host data/xenlab-4node
