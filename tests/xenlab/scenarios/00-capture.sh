#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# Capture the host as xl and Xen see it, for tests/data/xenlab-TOPO/:
# first with dom0 alone (dom0-only/), then with two 128 MB PV guests
# running (guests/): one plain, one with cpus_soft="nodes:1".
. /lib/xenlab/lib.sh

snapshot() {
    local st=$1
    capture "$st" xl-info-n.txt xl info -n
    capture "$st" xl-list-n.txt xl list -n
    capture "$st" xl-list-c.txt xl list -c
    capture "$st" xl-vcpu-list.txt xl vcpu-list
    capture "$st" xl-cpupool-list-c.txt xl cpupool-list -c
    capture "$st" xl-cpupool-list.txt xl cpupool-list
    # Xen prints the key dumps on its console; read them back from the ring.
    xen_keys u "$XENLAB_RUN/keys-u.txt"
    capture_file "$st" xl-debug-keys-u.txt "$XENLAB_RUN/keys-u.txt"
    grep -q 'Domain 0 (total' "$XENLAB_RUN/keys-u.txt" ||
        bad "$st: no per-domain pages in the debug-keys u dump"
    xen_keys H "$XENLAB_RUN/keys-H.txt"
    capture_file "$st" xl-debug-keys-H.txt "$XENLAB_RUN/keys-H.txt"
    grep -q 'heap\[node=' "$XENLAB_RUN/keys-H.txt" ||
        bad "$st: no heap[node=..] lines in the debug-keys H dump"
    grep 'DMA width' "$XENLAB_RUN/xen-boot-dmesg.txt" > "$XENLAB_RUN/dma.txt" ||
        bad "no 'DMA width' line in Xen's boot messages"
    capture_file "$st" xl-dmesg-dma.txt "$XENLAB_RUN/dma.txt"
}

snapshot dom0-only

mkcfg cap-plain vcpus=2 > /dev/null
mkcfg cap-soft1 vcpus=2 'cpus_soft="nodes:1"' > /dev/null
xl_create cap-plain || bad "xl create cap-plain failed"
xl_create cap-soft1 || bad "xl create cap-soft1 failed"
for g in cap-plain cap-soft1; do
    wait_guest_up $g 120 || bad "$g did not report GUEST-UP"
done

snapshot guests

finish "nodes=$(nr_nodes) $(sed 's/.*Domain heap //' "$XENLAB_RUN/dma.txt")"
