#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Each public header compiles on its own (as Xen's headers.chk does).
set -eu
top=${top_srcdir:-$(dirname "$0")/..}
cc=${CC:-cc}
pass=0 fail=0
for h in xlnuma.h xlnuma_libxl.h; do
    if printf '#include "%s"\n#include "%s"\n' "$h" "$h" |
       $cc -fsyntax-only -Wall -Werror -x c -I"$top/libxl_numa" \
           $(pkg-config --cflags xentoollog xenlight) - ; then
        pass=$((pass + 1))
    else
        echo "FAIL: $h does not compile on its own"
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
