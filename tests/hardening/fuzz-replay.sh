#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# fuzz-replay.sh: each fuzz harness, built with the ordinary compiler
# and a plain main() (fuzz/replay_NAME), over its seed corpus
# fuzz/corpus/NAME and the inputs that once failed, fuzz/regress/NAME.
# Every input must pass the harness's checks; in a --enable-sanitizers
# build, under ASan and UBSan too (leaks: fuzz/lsan.supp).
# Prints one line per harness and "N passed, M failed".
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$PWD}"
supp=$top_srcdir/fuzz/lsan.supp
LSAN_OPTIONS="suppressions=$supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

pass=0
fail=0
log=$(mktemp "${TMPDIR:-/tmp}/fuzz-replay.XXXXXX") || exit 99
trap 'rm -f "$log"' EXIT
for bin in "$top_builddir"/fuzz/replay_*; do
    [ -x "$bin" ] || continue
    name=${bin##*/replay_}
    dirs=
    for d in corpus regress; do
        [ -d "$top_srcdir/fuzz/$d/$name" ] &&
            dirs="$dirs $top_srcdir/fuzz/$d/$name"
    done
    if "$bin" $dirs > "$log" 2>&1; then
        echo "PASS: $name: $(grep '^replay: ' "$log")"
        pass=$((pass + 1))
    else
        echo "FAIL: $name"
        grep -v '^t:\|config parsing error' "$log" | tail -n 30 |
            sed 's/^/    /'
        fail=$((fail + 1))
    fi
done
if [ $((pass + fail)) = 0 ]; then
    echo "fuzz-replay.sh: no fuzz/replay_* built in $top_builddir" >&2
    exit 99
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
