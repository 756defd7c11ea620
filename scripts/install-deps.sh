#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Installs everything this project needs on Debian 12 (run as root).
#   scripts/install-deps.sh          build + unit-test dependencies
#   scripts/install-deps.sh --lab    also what the Xen lab (tests/xenlab) needs
set -eu
BUILD="build-essential autoconf automake libtool pkg-config
       libxen-dev libyajl-dev check valgrind gnuplot-nox perl
       clang libclang-rt-14-dev"
LAB="qemu-system-x86 xen-hypervisor-4.17-amd64 xen-utils-4.17
     xen-utils-common xenstore-utils linux-image-amd64 busybox-static cpio
     zstd xz-utils kmod"
want=$BUILD
[ "${1:-}" = "--lab" ] && want="$BUILD $LAB"
missing=
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing"
    SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
else
    echo "install-deps: all packages present"
fi
