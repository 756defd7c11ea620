#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# What libxl's own automatic placement does: four plain PV guests (no
# placement keys) created one after another with `xl -vvv create`.  For
# each: the node affinity libxl chose (xl list -n), libxl's placement log
# lines, and where Xen put the pages (debug key u).  Guests are created
# paused (-p): placement does not depend on it and TCG cpu time is scarce.
# Data only for now: PASS when all guests were created and read.
. /lib/xenlab/lib.sh

sizes="128 256 128 256"
vcpus="1 2 2 1"
i=0
for mem in $sizes; do
    i=$((i + 1))
    nv=$(echo $vcpus | cut -d' ' -f$i)
    g=fid$i
    mkcfg $g memory=$mem vcpus=$nv > /dev/null
    say "$g: memory=$mem vcpus=$nv"
    if ! xl_create $g -p; then
        bad "xl create $g failed"
        continue
    fi
    aff=$(node_affinity $g)
    echo "XENLAB-DATA guest=$g memory=$mem vcpus=$nv node_affinity=$aff"
    [ -n "$aff" ] || bad "$g: no node affinity read"
    pages_dump
    report_pages $g
    [ -n "$(pages_of "$(domid $g)")" ] || bad "$g: no pages read"
done
show xl list -n
show xl vcpu-list
cat "$XENLAB_RUN/pages.txt"
finish "$i guests: $(for g in fid1 fid2 fid3 fid4; do printf '%s->%s ' $g "$(node_affinity $g | tr ' ' ,)"; done)"
