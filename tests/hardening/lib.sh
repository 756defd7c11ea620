# SPDX-License-Identifier: LGPL-2.1-only
#
# lib.sh: sourced by the hardening tests (tests/hardening/README.md).
#
# Sets $top_srcdir, $top_builddir (from make check's environment, else
# from this file's place and the current directory), $xlnuma (the
# built xl-numa, libtool wrapper or not; $XL_NUMA_BIN overrides),
# $statecheck, and $scratch, a temporary directory removed on exit.
# check NAME CMD... runs CMD and prints "PASS: NAME" or "FAIL: NAME";
# pass NAME / fail NAME WHY record a result worked out otherwise; finish
# prints "N passed, M failed" and exits 1 on any failure.

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$PWD}"
xlnuma=${XL_NUMA_BIN:-$top_builddir/xl_ext/xl-numa}
statecheck=$top_builddir/tests/hardening/statecheck
for b in "$xlnuma" "$statecheck"; do
    if [ ! -x "$b" ]; then
        echo "$(basename "$0"): $b is not built" >&2
        exit 99
    fi
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/xl-numa-hard.XXXXXX") || exit 99
trap 'rm -rf "$scratch"' EXIT
trap 'exit 1' INT TERM

nr_pass=0
nr_fail=0

pass() {
    echo "PASS: $1"
    nr_pass=$((nr_pass + 1))
}

fail() {
    echo "FAIL: $1: $2"
    nr_fail=$((nr_fail + 1))
}

check() {
    name=$1
    shift
    if "$@" > "$scratch/check.out" 2>&1; then
        pass "$name"
    else
        fail "$name" "$*"
        sed 's/^/    /' "$scratch/check.out" | head -n 20
    fi
}

finish() {
    echo "$nr_pass passed, $nr_fail failed"
    [ "$nr_fail" = 0 ]
    exit $?
}
