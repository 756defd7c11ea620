#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Prints the version script for the public headers' functions.  `make
# check` runs tests/check-map.sh, which fails when libxlnuma.map differs.
set -eu
top=${1:-$(dirname "$0")/..}
syms=$(cat "$top/libxl_numa/xlnuma.h" "$top/libxl_numa/xlnuma_libxl.h" |
       grep -oE '\bxlnuma_[a-z0-9_]+\(' | tr -d '(' | sort -u)
echo "XLNUMA_0.1 {"
echo "    global:"
for s in $syms; do echo "        $s;"; done
echo "    local:"
echo "        *;"
echo "};"
