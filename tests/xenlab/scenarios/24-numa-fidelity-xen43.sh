#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# The xen43 policy predicts libxl: for a sequence of 4 guests,
# `xl-numa place --host live --policy xen43 --json CFG` run just before a
# plain `xl create CFG` names the node affinity libxl then gives the guest.
# Guests stay, so each prediction sees the earlier ones.  Created paused:
# libxl's placement does not look at whether a guest runs.
. /lib/xenlab/lib.sh
need_xlnuma
host_info

i=0
for spec in "memory=128 vcpus=1" "memory=256 vcpus=2" "memory=128 vcpus=2" \
            "memory=512 vcpus=1"; do
    i=$((i + 1))
    g=x43g$i
    cfg=$(mkcfg $g $spec)
    say "$g: $spec"
    xn "$XENLAB_RUN/$g.json" place --host live --policy xen43 --json "$cfg" ||
        bad "$g: xl-numa place exited $?"
    predicted=$(json_array "$XENLAB_RUN/$g.json" nodes)
    xl_create $g -p || { bad "$g: xl create failed"; continue; }
    got=$(node_affinity $g)
    echo "XENLAB-DATA guest=$g predicted=$(echo $predicted | tr ' ' ,) libxl=$(echo $got | tr ' ' ,)"
    [ "$predicted" = "$got" ] && ok "$g: xen43 predicted libxl's nodes $got" ||
        bad "$g: xen43 predicted '$predicted', libxl chose '$got'"
done
show xl list -n
finish "4 guests, xen43 == libxl"
