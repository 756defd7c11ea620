#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
# xenlab guest /init: report in on the console, then idle.
/bin/busybox --install -s /bin
mount -t proc proc /proc
echo "GUEST-UP $(uname -r) vcpus=$(grep -c ^processor /proc/cpuinfo)" \
     "$(grep MemTotal /proc/meminfo | tr -s ' ')" \
     "uptime=$(cut -d' ' -f1 /proc/uptime)s"
while :; do sleep 3600; done
