#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# `xl-numa create --mode pin CFG`: hard affinity is exactly the cpus of the
# chosen nodes and >= 99% of the guest's pages are on those nodes.
. /lib/xenlab/lib.sh
need_xlnuma
host_info

cfg=$(mkcfg pin1 memory=256 vcpus=2)
xn "$XENLAB_RUN/place.json" place --host live --mode pin --json "$cfg" ||
    bad "xl-numa place --mode pin exited $?"
xn "$XENLAB_RUN/create.json" create --mode pin --json "$cfg" -p ||
    abort "xl-numa create --mode pin exited $?"
nodes=$(json_array "$XENLAB_RUN/create.json" nodes)
[ -n "$nodes" ] || nodes=$(json_array "$XENLAB_RUN/place.json" nodes)
[ -n "$nodes" ] || abort "no nodes array in xl-numa's JSON"
[ -n "$(domid pin1)" ] || abort "guest pin1 does not exist after xl-numa create"

show xl list -n pin1
show xl vcpu-list pin1
want_cpus=$(cpus_of_nodes "$nodes")
got=$(vcpu_affinity pin1 hard)
[ "$got" = "$want_cpus" ] && ok "hard affinity $got" ||
    bad "hard affinity '$got', cpus of nodes $nodes are '$want_cpus'"
echo "node affinity: $(node_affinity pin1)"
pages_dump
report_pages pin1
check_memory_on pin1 "$nodes"
finish "nodes $(echo $nodes | tr ' ' ,), pinned to cpus $(echo $want_cpus | tr ' ' ,)"
