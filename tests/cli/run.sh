#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# Golden tests of the xl-numa command, run by make check.
#
# Each case is tests/cli/cases/NAME.cmd, a shell fragment run by /bin/sh
# in a scratch directory of its own that holds:
#   data/   -> tests/data        (captures and host fixtures)
#   hosts/  -> examples/hosts    (the shipped example hosts)
#   cfg/    -> tests/cli/cfg     (guest configs)
#   cli-hosts/ -> tests/cli/hosts (hosts made for these tests)
#   bin/xl-numa                  (runs the built binary; bin is on PATH)
#   bin/fake-xl                  (tests/cli/fake-xl, for capture/create)
# so that every path a case prints is short and the same everywhere.
#
#   NAME.out  the exact expected stdout (required)
#   NAME.rc   the expected exit status (default 0)
#   NAME.err  lines that must each appear in stderr (optional)
#   NAME.skip a shell condition; when it holds the case is skipped (a
#             case that needs a machine without Xen, say)
#
# Every case gives --host: none depends on the machine having Xen.
# Environment: XL_NUMA_BIN, the binary (default xl_ext/xl-numa in the
# current directory, which is the build tree under make check);
# CLI_CASES, a space-separated list of case names to run (default all).
# Prints one line per case and "N passed, M failed"; exits 1 on failure.

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/../.." && pwd)
bin=${XL_NUMA_BIN:-$PWD/xl_ext/xl-numa}
case $bin in
/*) ;;
*) bin=$PWD/$bin ;;
esac
if [ ! -x "$bin" ]; then
    echo "run.sh: $bin is not built" >&2
    exit 99
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/xl-numa-cli.XXXXXX") || exit 99
trap 'rm -rf "$scratch"' EXIT INT TERM

pass=0
fail=0
skip=0
failed=

run_case() {
    name=$1
    cmd=$here/cases/$name.cmd
    if [ -f "$here/cases/$name.skip" ] && /bin/sh "$here/cases/$name.skip"
    then
        echo "SKIP: $name"
        skip=$((skip + 1))
        return
    fi
    dir=$scratch/$name
    mkdir -p "$dir/bin" "$dir/work"
    ln -s "$top_srcdir/tests/data" "$dir/work/data"
    ln -s "$top_srcdir/examples/hosts" "$dir/work/hosts"
    ln -s "$here/cfg" "$dir/work/cfg"
    ln -s "$here/hosts" "$dir/work/cli-hosts"
    printf '#!/bin/sh\nexec "%s" "$@"\n' "$bin" > "$dir/bin/xl-numa"
    cp "$here/fake-xl" "$dir/bin/fake-xl"
    chmod +x "$dir/bin/xl-numa" "$dir/bin/fake-xl"

    want_rc=0
    [ -f "$here/cases/$name.rc" ] && want_rc=$(cat "$here/cases/$name.rc")
    (
        cd "$dir/work" &&
        PATH=$dir/bin:$PATH XLNUMA_LOCK=$dir/xl-numa.lock \
            XLNUMA_XL=$dir/bin/fake-xl LC_ALL=C exec /bin/sh "$cmd"
    ) > "$dir/stdout" 2> "$dir/stderr" < /dev/null
    rc=$?

    why=
    if [ "$rc" != "$want_rc" ]; then
        why="exit status $rc, expected $want_rc"
    elif ! cmp -s "$here/cases/$name.out" "$dir/stdout"; then
        why="stdout differs"
    elif [ -f "$here/cases/$name.err" ]; then
        while IFS= read -r line; do
            [ -n "$line" ] || continue
            if ! grep -F -q -e "$line" "$dir/stderr"; then
                why="stderr lacks: $line"
                break
            fi
        done < "$here/cases/$name.err"
    fi
    if [ -z "$why" ]; then
        echo "PASS: $name"
        pass=$((pass + 1))
    else
        echo "FAIL: $name: $why"
        if [ "$why" = "stdout differs" ]; then
            diff -u "$here/cases/$name.out" "$dir/stdout" | sed 's/^/    /'
        fi
        sed 's/^/    stderr: /' "$dir/stderr" | head -n 20
        fail=$((fail + 1))
        failed="$failed $name"
    fi
}

if [ -n "${CLI_CASES:-}" ]; then
    names=$CLI_CASES
else
    names=$(cd "$here/cases" && ls *.cmd | sed 's/\.cmd$//')
fi
for name in $names; do
    run_case "$name"
done

if [ $skip = 0 ]; then
    echo "$pass passed, $fail failed"
else
    echo "$pass passed, $fail failed, $skip skipped"
fi
[ $fail = 0 ] || { echo "failed:$failed"; exit 1; }
exit 0
