#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# cpupools.  A guest with pool= is skipped by rule (exit 2, with a reason)
# as libxl does.  Then node 1's cpus move from Pool-0 to a new pool, and a
# guest in that pool with numa_placement="within" is placed inside it: its
# chosen nodes are node 1, it runs in the pool, its memory is on node 1.
. /lib/xenlab/lib.sh
need_xlnuma
host_info

cfg=$(mkcfg pool0 'pool="Pool-0"')
xn "$XENLAB_RUN/skip.json" place --host live --json "$cfg"
rc=$?
reason=$(json_str "$XENLAB_RUN/skip.json" reason)
[ $rc = 2 ] && ok "pool= skipped by rule (exit 2)" ||
    bad "pool= guest: exit $rc, expected 2 (skipped by rule)"
[ -n "$reason" ] && ok "reason: $reason" || bad "pool= guest: no reason given"

cpus1=$(cpus_of_nodes 1)
for c in $cpus1; do
    show xl cpupool-cpu-remove Pool-0 "$c" || abort "cpupool-cpu-remove $c failed"
done
list=$(for c in $cpus1; do printf '"%s",' "$c"; done | sed 's/,$//')
printf 'name = "xlab-n1"\nsched = "credit2"\ncpus = [%s]\n' "$list" \
    > "$XENLAB_RUN/xlab-n1.pool"
cat "$XENLAB_RUN/xlab-n1.pool"
show xl cpupool-create "$XENLAB_RUN/xlab-n1.pool" || abort "xl cpupool-create failed"
show xl cpupool-list -c

cfg=$(mkcfg inpool1 'pool="xlab-n1"' 'numa_placement="within"' memory=256)
xn "$XENLAB_RUN/create.json" create --json "$cfg" -p
rc=$?
[ $rc = 0 ] || abort "xl-numa create in pool xlab-n1 exited $rc (expected 0, placed)"
[ -n "$(domid inpool1)" ] || abort "guest inpool1 does not exist after xl-numa create"
show xl list -c inpool1
show xl vcpu-list inpool1
nodes=$(json_array "$XENLAB_RUN/create.json" nodes)
placed=$(json_raw "$XENLAB_RUN/create.json" placed)
[ "$placed" = true ] && ok "placed" || bad "placed is '$placed'"
[ "$nodes" = 1 ] && ok "chosen nodes: 1" || bad "chosen nodes '$nodes', the pool is node 1"
pool=$(xl list -c inpool1 | awk 'NR == 2 { print $NF }')
[ "$pool" = xlab-n1 ] && ok "runs in pool $pool" || bad "runs in pool '$pool'"
pages_dump
report_pages inpool1
check_memory_on inpool1 1
finish "skipped with exit 2 ($reason); inside pool xlab-n1 -> node $nodes"
