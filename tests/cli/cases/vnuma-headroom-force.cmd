# With 300 MiB of headroom the set fits (988 + 680 MiB), but node 1
# would give its vnode 94 MiB of its headroom: refused, unless forced.
xl-numa place --host data/xenlab-2node --vnuma --headroom 300 cfg/hvm-wide.cfg
echo "exit $?"
xl-numa place --host data/xenlab-2node --vnuma --headroom 300 --force cfg/hvm-wide.cfg
