# The set has the memory outside the headroom (1188 + 880 MiB), but Xen
# takes the guest from both nodes in turn, half each: node 1 would give
# 74 MiB of its headroom.  Affinity mode places; pin mode refuses.
xl-numa place --host data/xenlab-2node --headroom 100 cfg/g1.cfg memory=1900
echo "exit $?"
xl-numa place --host data/xenlab-2node --headroom 100 --mode pin cfg/g1.cfg memory=1900
