#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# valgrind-cli.sh: CLI golden cases (tests/cli/run.sh) with the real
# xl-numa binary under valgrind memcheck: every case must still pass, and
# valgrind must find no error and no definite or indirect leak
# (--error-exitcode makes a case fail; the per-process logs must be
# empty).  The default is a subset that runs every verb and every host
# source, good and bad; VALGRIND_CASES="a b" picks cases, "all" every
# one (make check-valgrind).  Skipped (77) without valgrind or in a
# --enable-sanitizers build.  Suppressed:
# libxlutil's own leak on a syntax error inside a list (valgrind.supp,
# fuzz/lsan.supp).
. "$(dirname "$0")/lib.sh"

if ! command -v valgrind > /dev/null 2>&1; then
    echo "valgrind-cli.sh: no valgrind; skipped"
    exit 77
fi
real=$top_builddir/xl_ext/.libs/xl-numa
[ -x "$real" ] || real=$top_builddir/xl_ext/xl-numa
libdir=$top_builddir/libxl_numa/.libs
# ASan and valgrind exclude each other: the sanitizer build has its own.
if LD_LIBRARY_PATH=$libdir ldd "$real" 2> /dev/null | grep -q libasan; then
    echo "valgrind-cli.sh: a sanitizer build (ASan); skipped"
    exit 77
fi

# The default keeps make check under a minute (valgrind starts in about
# a second); `make check-valgrind' runs them all.
cases=${VALGRIND_CASES:-"place-text place-json place-explain place-raw
place-pin place-nofit-memory-json place-partial-capture within-list-pin
manual-vnuma info-json vcpu-list capture-xl-fails create-dry-run-pin-json
state-create-nofit state-destroy-refused bad-config-syntax
bad-cpus-list-item bad-inconsistent-capture bad-host-missing help-all"}
if [ "$cases" = all ]; then
    cases=
else
    # only the cases that exist (the golden set changes)
    list=$cases
    cases=
    for c in $list; do
        [ -f "$top_srcdir/tests/cli/cases/$c.cmd" ] && cases="$cases $c"
    done
fi

mkdir -p "$scratch/vg"
{
    echo '#!/bin/sh'
    echo "LD_LIBRARY_PATH=\"$libdir\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\" \\"
    echo "exec valgrind -q --error-exitcode=97 --leak-check=full \\"
    echo "    --errors-for-leak-kinds=definite,indirect \\"
    echo "    --show-leak-kinds=definite,indirect \\"
    echo "    --suppressions=\"$here/valgrind.supp\" \\"
    echo "    --log-file=\"$scratch/vg/%p.log\" \"$real\" \"\$@\""
} > "$scratch/xl-numa"
chmod +x "$scratch/xl-numa"

start=$(date +%s)
XL_NUMA_BIN=$scratch/xl-numa CLI_CASES=$cases \
    sh "$top_srcdir/tests/cli/run.sh" > "$scratch/run.log" 2>&1
echo "# $(echo $cases | wc -w) cases under valgrind in" \
    "$(($(date +%s) - start)) s"
grep -E '^(PASS|FAIL|SKIP|    )' "$scratch/run.log"
nr_pass=$(grep -c '^PASS' "$scratch/run.log")
nr_fail=$(grep -c '^FAIL' "$scratch/run.log")
bad=$(find "$scratch/vg" -name '*.log' -size +0 -print)
if [ -z "$bad" ]; then
    pass "valgrind reported nothing"
else
    fail "valgrind reported nothing" "$(echo "$bad" | wc -l) logs"
    for f in $bad; do
        head -n 30 "$f" | sed 's/^/    /'
    done
fi
finish
