# g2 is pinned (hard) to node 1 and its memory is on node 0.
xl-numa advise --host data/shared-xenlab-2node
