#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# The README's first command: installs the build dependencies, builds, and
# places a 20 GiB, 16-vCPU guest on the KVM seed's HP DL980 (a shipped
# example host), explaining every candidate, with libxl's policy and with
# the SLIT-aware one.  Needs no Xen.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/install-deps.sh
if [ ! -x xl_ext/xl-numa ] || [ ! -f Makefile ]; then
    autoreconf -fi >/dev/null
    ./configure -q
fi
make -j"$(nproc)" >/dev/null
host=examples/hosts/dl980-numactl.txt
echo "\$ xl-numa place --host $host --explain examples/guests/big.cfg"
xl_ext/xl-numa place --host "$host" --explain examples/guests/big.cfg || true
echo
echo "\$ xl-numa place --host $host --policy closest examples/guests/big.cfg"
xl_ext/xl-numa place --host "$host" --policy closest examples/guests/big.cfg
