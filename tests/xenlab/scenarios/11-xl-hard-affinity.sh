#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# libxl's hard-affinity defect: a guest with cpus="nodes:1" and no
# placement keys, created with plain xl.  libxl does no placement when
# cpus= is given and leaves the node affinity "all", so Xen may put the
# memory anywhere (PRIOR-ART.md, libxl defect 1).  Prints where it landed;
# data only for now: PASS when the guest was created and its pages read.
. /lib/xenlab/lib.sh

mkcfg hard1 'cpus="nodes:1"' > /dev/null
xl_create hard1 -p || abort "xl create hard1 failed"
show xl list -n hard1
show xl vcpu-list hard1
pages_dump
report_pages hard1
set -- $(pages_on "$(domid hard1)" 1)
[ "${2:-0}" -gt 0 ] || abort "hard1: no pages read"
echo "XENLAB-DATA guest=hard1 cpus=nodes:1 node_affinity=$(node_affinity hard1 | tr ' ' ,) on_node1=$1/$2 ($3%)"
finish "cpus=nodes:1 -> node affinity $(node_affinity hard1 | tr ' ' ,), $3% of pages on node 1"
