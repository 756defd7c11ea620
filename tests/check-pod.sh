#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Every man page source passes podchecker.
set -u
top=${top_srcdir:-$(dirname "$0")/..}
pass=0 fail=0
for p in "$top"/docs/*.pod; do
    if podchecker -warnings "$p" >/dev/null 2>&1; then
        pass=$((pass + 1))
    else
        podchecker -warnings "$p"
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
