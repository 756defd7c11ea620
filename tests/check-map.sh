#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# The version script must export exactly the public headers' functions.
set -eu
top=${top_srcdir:-$(dirname "$0")/..}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$top/scripts/gen-map.sh" "$top" > "$tmp"
if diff -u "$top/libxl_numa/libxlnuma.map" "$tmp"; then
    echo "1 passed, 0 failed"
else
    echo "libxlnuma.map is stale: run scripts/gen-map.sh > libxl_numa/libxlnuma.map"
    echo "0 passed, 1 failed"
    exit 1
fi
