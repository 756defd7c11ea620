#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# `xl-numa create CFG` (affinity mode): the guest's node affinity
# (xl list -n) and soft affinity (xl vcpu-list) are the chosen nodes and
# their cpus, hard affinity is left alone, and >= 99% of its pages are on
# the chosen nodes.  The chosen nodes come from `xl-numa create --json`,
# or from `xl-numa place --json` run just before when create prints none.
. /lib/xenlab/lib.sh
need_xlnuma
host_info

cfg=$(mkcfg aff1 memory=256 vcpus=2)
xn "$XENLAB_RUN/place.json" place --host live --json "$cfg" ||
    bad "xl-numa place exited $?"
xn "$XENLAB_RUN/create.json" create --json "$cfg" -p ||
    abort "xl-numa create exited $?"
nodes=$(json_array "$XENLAB_RUN/create.json" nodes)
[ -n "$nodes" ] || nodes=$(json_array "$XENLAB_RUN/place.json" nodes)
[ -n "$nodes" ] || abort "no nodes array in xl-numa's JSON"
[ -n "$(domid aff1)" ] || abort "guest aff1 does not exist after xl-numa create"

show xl list -n aff1
show xl vcpu-list aff1
want_cpus=$(cpus_of_nodes "$nodes")
got=$(node_affinity aff1)
[ "$got" = "$nodes" ] && ok "node affinity $got" ||
    bad "node affinity '$got', chosen nodes '$nodes'"
got=$(vcpu_affinity aff1 soft)
[ "$got" = "$want_cpus" ] && ok "soft affinity $got" ||
    bad "soft affinity '$got', cpus of nodes $nodes are '$want_cpus'"
got=$(vcpu_affinity aff1 hard)
[ "$got" = "$(expand all "$(nr_cpus)")" ] && ok "hard affinity all" ||
    bad "hard affinity '$got' in affinity mode (expected all cpus)"
pages_dump
report_pages aff1
check_memory_on aff1 "$nodes"
finish "nodes $(echo $nodes | tr ' ' ,)"
