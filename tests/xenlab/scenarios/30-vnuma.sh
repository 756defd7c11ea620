#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# `--vnuma`: a guest with more vCPUs than a node has pCPUs, shown to it as
# one virtual NUMA node per chosen node (xl's vnuma=).
#  1. PV: xl-numa refuses (exit 1), and so does libxl: a plain
#     `xl create -p` of a PV guest with a vnuma= fails with "PV vNUMA is
#     not yet supported".
#  2. PVH: xl-numa refuses, and libxl fails to build one: its ACPI
#     builder takes the ENOBUFS of its first xc_domain_getvnuma call for
#     a failure ("xc_domain_getvnuma failed").  Both reasons xl-numa
#     gives are checked here.
#  3. HVM: the vnuma= and per-vCPU cpus_soft= that `xl-numa place --vnuma`
#     prints go through `xl -N create` (xl's dry run: xl parses them and
#     builds the domain config, pnodes checked against the host); every
#     vnode's memkb must be in the config xl prints.
#  4. Where dom0 has hvmloader and a device model (this lab's has not),
#     `xl-numa create --vnuma -p` builds the HVM guest: each vnode's
#     memory comes from its node only, so node N holds >= 99% of its
#     vnode's size in pages.  Otherwise a XENLAB-DATA line says why not.
. /lib/xenlab/lib.sh
need_xlnuma
host_info

nodes_n=$(nr_nodes)
cpus_n=$(nr_cpus)
[ "${nodes_n:-0}" -ge 2 ] || abort "needs 2 nodes, xl info -n says ${nodes_n:-?}"
# One vCPU more than a node's pCPUs: the guest needs two nodes or more.
vcpus=$((cpus_n / nodes_n + 1))
vnuma2='vnuma = [ ["pnode=0","size=128","vcpus=0","vdistances=10,20"], ["pnode=1","size=128","vcpus=1","vdistances=20,10"] ]'

# refused TYPE NAME REASON: xl-numa place --vnuma exits 1 with REASON
refused() {
    local cfg rc
    cfg=$(mkcfg "$2" "type=\"$1\"" memory=256 vcpus=$vcpus)
    xn "$XENLAB_RUN/$2.txt" place --host live --vnuma "$cfg"
    rc=$?
    if [ $rc = 1 ] && grep -q "$3" "$XENLAB_RUN/$2.txt.err"; then
        ok "$1 guest refused by xl-numa"
    else
        bad "$1 guest: xl-numa place --vnuma exited $rc without '$3'"
    fi
}

# libxl_refuses TYPE NAME REASON: plain xl create -p with a 2-vnode
# vnuma= fails, and its log says REASON.
libxl_refuses() {
    mkcfg "$2" "type=\"$1\"" memory=256 vcpus=2 > /dev/null
    echo "$vnuma2" >> "$XENLAB_RUN/$2.cfg"
    cat "$XENLAB_RUN/$2.cfg"
    if xl_create "$2" -p; then
        bad "libxl built a $1 guest with vnuma=: xl-numa's refusal is out of date"
        xl destroy "$2"
    elif grep -q "$3" "$XENLAB_RUN/create-$2.log"; then
        ok "libxl, $1: $3"
    else
        bad "plain xl create of a $1 vNUMA guest failed for another reason"
    fi
}

say "1. PV"
refused pv vnpv "PV vNUMA is not yet supported"
libxl_refuses pv vnpvx "PV vNUMA is not yet supported"

say "2. PVH"
refused pvh vnpvh "xc_domain_getvnuma failed"
libxl_refuses pvh vnpvhx "xc_domain_getvnuma failed"

say "3. HVM: xl parses the emitted vnuma= (xl -N create)"
cfg=$(mkcfg vn1 'type="hvm"' memory=256 vcpus=$vcpus)
xn "$XENLAB_RUN/place.txt" place --host live --vnuma "$cfg" ||
    abort "xl-numa place --vnuma exited $?"
# The override lines have no blanks: one word each.
set -- $(sed -n '/^xl overrides:/,$s/^  //p' "$XENLAB_RUN/place.txt")
case "${1:-}" in
vnuma=*) ok "vnuma= emitted with $(($# - 1)) other line(s)" ;;
*) abort "no vnuma= line among the overrides (is the guest on one node?)" ;;
esac
# vnode lines: "  vnode V:  node P, S MiB, vCPUs ..." -> "V P S"
sed -n 's/^  vnode \([0-9]*\):  node \([0-9]*\), \([0-9]*\) MiB.*/\1 \2 \3/p' \
    "$XENLAB_RUN/place.txt" > "$XENLAB_RUN/vnodes.txt"
nr_vnodes=$(wc -l < "$XENLAB_RUN/vnodes.txt")
[ "$nr_vnodes" -ge 2 ] && ok "$nr_vnodes vnodes" ||
    abort "$nr_vnodes vnode line(s) in xl-numa's output"

echo "+ xl -N create $cfg $*"
xl -N create "$cfg" "$@" > "$XENLAB_RUN/dry.txt" 2>&1
rc=$?
cat "$XENLAB_RUN/dry.txt"
if [ $rc = 0 ] && grep -q vnuma_nodes "$XENLAB_RUN/dry.txt"; then
    ok "xl -N create accepted the overrides"
else
    bad "xl -N create exited $rc (or printed no vnuma_nodes)"
fi
while read -r v p size; do
    grep -q -E "\"memkb\": *$((size * 1024))([^0-9]|\$)" "$XENLAB_RUN/dry.txt" &&
        ok "vnode $v (node $p): memkb $((size * 1024)) in xl's config" ||
        bad "vnode $v (node $p): no memkb $((size * 1024)) in xl's config"
done < "$XENLAB_RUN/vnodes.txt"

say "4. built, where dom0 can build an HVM guest"
# PV: libxl refuses (1.); PVH: libxl always builds ACPI tables for it and
# fails (2.), acpi=0 or not; HVM: needs hvmloader and a device model.
dm=
for d in /usr/lib/xen-4.17/bin/qemu-system-i386 /usr/bin/qemu-system-i386; do
    [ -x "$d" ] && dm=$d && break
done
if [ -z "$dm" ] || [ ! -f /usr/lib/xen-4.17/boot/hvmloader ]; then
    echo "XENLAB-DATA vnuma=not-built reason=no-device-model-or-hvmloader-in-dom0"
    finish "PV and PVH refused as libxl does; $nr_vnodes vnodes parsed by xl -N create (HVM; not built: no device model in this dom0)"
    exit 0
fi
xn "$XENLAB_RUN/create.txt" create --vnuma "$cfg" -p ||
    abort "xl-numa create --vnuma exited $?"
id=$(domid vn1)
[ -n "$id" ] || abort "guest vn1 does not exist after xl-numa create"
show xl list -n vn1
show xl vcpu-list vn1
pages_dump
report_pages vn1
nodes=
while read -r v p size; do
    nodes="$nodes $p"
    got=$(pages_of "$id" | awk -v n="$p" '$1 == n { print $2 }')
    want=$((size * 256))
    echo "XENLAB-DATA vnode=$v pnode=$p size_pages=$want on_pnode=${got:-0}"
    if [ $(( ${got:-0} * 100 )) -ge $((want * 99)) ]; then
        ok "vnode $v: ${got} pages on node $p (its size: $want)"
    else
        bad "vnode $v: ${got:-0} pages on node $p, its size is $want"
    fi
done < "$XENLAB_RUN/vnodes.txt"
finish "PV and PVH refused as libxl does; $nr_vnodes vnodes parsed by xl -N create and built (HVM) on nodes $(echo $nodes | tr ' ' ,)"
