#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# cpus="nodes:1" with numa_placement="within" through `xl-numa create`
# keeps the memory on node 1.  The same guest through plain xl shows
# libxl's defect (no placement when cpus= is given); both are printed,
# only the xl-numa half decides the result.
. /lib/xenlab/lib.sh
need_xlnuma
host_info

cfg=$(mkcfg within1 'cpus="nodes:1"' 'numa_placement="within"')
cat "$cfg"
xn "$XENLAB_RUN/create.json" create --json "$cfg" -p ||
    abort "xl-numa create exited $?"
[ -n "$(domid within1)" ] || abort "guest within1 does not exist after xl-numa create"
show xl list -n within1
show xl vcpu-list within1
nodes=$(json_array "$XENLAB_RUN/create.json" nodes)
if [ -z "$nodes" ]; then
    bad "no nodes array in xl-numa's JSON"
elif subset "$nodes" 1; then
    ok "chosen nodes '$nodes' within node 1"
else
    bad "chosen nodes '$nodes' are not within node 1"
fi
got=$(vcpu_affinity within1 hard)
subset "$got" "$(cpus_of_nodes 1)" && ok "hard affinity $got within node 1" ||
    bad "hard affinity '$got' is not within node 1's cpus"
pages_dump
report_pages within1
check_memory_on within1 1
set -- $(pages_on "$(domid within1)" 1)
numa_pct=$3
xl destroy within1

say "the same guest through plain xl create"
mkcfg within1 'cpus="nodes:1"' > /dev/null
cat "$XENLAB_RUN/within1.cfg"
if xl_create within1 -p; then
    show xl list -n within1
    pages_dump
    report_pages within1
    set -- $(pages_on "$(domid within1)" 1)
    echo "XENLAB-DATA cpus=nodes:1 xl-numa=$numa_pct% plain-xl=$3% of pages on node 1"
    plain="plain xl: $3%"
else
    plain="plain xl create failed"
fi
finish "xl-numa: ${numa_pct:-?}% on node 1; $plain"
