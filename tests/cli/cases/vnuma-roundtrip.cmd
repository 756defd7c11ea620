# The emitted lines, read back as config lines: libxlutil parses them,
# their sizes add up to maxmem= and their vCPUs to maxvcpus=, and the
# pnode= makes the guest placed by hand.
set -- $(xl-numa place --host data/xenlab-2node --vnuma --mode pin cfg/hvm-wide.cfg |
         sed -n '/^xl overrides:/,$s/^  //p')
printf '%s\n' "$@"
xl-numa place --host data/xenlab-2node cfg/hvm-wide.cfg maxmem=1536 maxvcpus=4 "$@"
