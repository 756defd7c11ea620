#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# xenlab dom0 /init: bring up the Xen toolstack, run the scenarios named by
# xenlab.run= on the command line (default: all of /scenarios/*.sh) in
# order, each in its own section with its own markers, and power off.
# The host (lab.sh) decides pass/fail from the markers:
#   XENLAB-DOM0 ...                  progress of this script
#   XENLAB-BEGIN name=N / XENLAB-END name=N rc=R   one scenario's section
#   XENLAB-RESULT name=N PASS|FAIL detail          printed by the scenario
#   XENLAB-DONE                      every scenario ran

/bin/busybox --install -s /bin
export PATH=/usr/bin:/usr/sbin:/bin:/sbin:/usr/lib/xen-4.17/bin
export HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /run/xen /run/xenstored /run/lock /run/xenlab \
         /var/log/xen/console /var/lib/xen /var/lib/xenstored

step() { echo "XENLAB-DOM0 [$(cut -d' ' -f1 /proc/uptime)s] $*"; }

power_off() {
    sync
    poweroff -f
    sleep 5
    # Fallback: QEMU's isa-debug-exit device.
    printf '\001' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
    sleep 3600
}

for arg in $(cat /proc/cmdline); do
    case $arg in
    xenlab.topo=*) export XENLAB_TOPO=${arg#xenlab.topo=} ;;
    xenlab.run=*)  run=$(echo "${arg#xenlab.run=}" | tr : ' ') ;;
    esac
done
step "init started, topology ${XENLAB_TOPO:-?}"

# The Xen control devices are modules in Debian's kernel.
for m in xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs; do
    insmod /lib/modules/xenlab/$m.ko || step "insmod $m FAILED"
done
mount -t xenfs xenfs /proc/xen || step "mounting xenfs FAILED"

# The /usr/sbin wrappers pick an implementation by asking a running Xen;
# call the C xenstored directly.
export XENSTORED_ROOTDIR=/run/xenstored
/usr/lib/xen-4.17/bin/xenstored --pid-file /run/xenstored.pid
i=0
until xenstore-read -s / >/dev/null 2>&1; do
    i=$((i + 1))
    [ $i -gt 30 ] && { step "xenstored did not come up"; break; }
    sleep 1
done
/usr/lib/xen-4.17/bin/xen-init-dom0 || step "xen-init-dom0 FAILED"
/usr/lib/xen-4.17/bin/xenconsoled --pid-file /run/xenconsoled.pid \
    --log=guest --log-dir=/var/log/xen/console
if xl info >/dev/null 2>&1; then
    step "toolstack up"
else
    step "toolstack FAILED: xl info does not work"
fi

# Xen's boot messages (the DMA width line among them) before any
# scenario clears the ring; and the host as dom0 alone sees it.
xl dmesg > /run/xenlab/xen-boot-dmesg.txt 2>&1
xl info -n > /run/xenlab/xl-info-n.txt 2>&1

. /lib/xenlab/lib.sh

# The scenarios this boot runs (xenlab.run=a:b on the command line), or all.
[ -n "${run:-}" ] || run=$(cd /scenarios && ls *.sh | sed 's/\.sh$//')
for name in $run; do
    s=/scenarios/$name.sh
    step "scenario $name"
    echo "XENLAB-BEGIN name=$name"
    # A scenario may ask for more time: "# xenlab-timeout: N".
    limit=$(sed -n 's/^# xenlab-timeout: *\([0-9][0-9]*\).*/\1/p' "$s" | head -n 1)
    limit=${limit:-${XENLAB_SCENARIO_TIMEOUT:-240}}
    XENLAB_SCENARIO=$name timeout "$limit" sh "$s" 2>&1
    rc=$?
    if [ ! -e "/run/xenlab/result.$name" ]; then
        why="rc=$rc"
        case $rc in 124|137|143) why="timed out after ${limit}s" ;; esac
        echo "XENLAB-RESULT name=$name FAIL script ended ($why) without a result"
    fi
    reset_host
    echo "XENLAB-END name=$name rc=$rc"
done

step "all scenarios ran"
echo "XENLAB-DONE"
power_off
