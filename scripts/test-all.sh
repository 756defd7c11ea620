#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-only
# The README's test command: installs what the tests need, builds, and
# runs every suite -- unit tests first, then the sanitizer build, the
# distribution check, and the real-Xen lab last.  Ends with one line
# "N passed, M failed" over all suites.
#
#   scripts/test-all.sh            everything
#   XLNUMA_SKIP_LAB=1 ...          all but the Xen lab (it is then
#                                  reported as one failed suite, never
#                                  silently skipped)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)
total_pass=0
total_fail=0
failed_suites=()

say() { printf '== %s\n' "$*"; }

# Add a suite's counts: from check's "Checks: N, Failures: F, Errors: E"
# or a script's "N passed, M failed"; a suite that printed neither but
# failed counts as one failure.
count_log() {
    local log=$1 name=$2 status=$3 n f e line
    line=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        n=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
        f=$(sed -E 's/.*Failures: ([0-9]+).*/\1/' <<<"$line")
        e=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
        total_pass=$((total_pass + n - f - e))
        total_fail=$((total_fail + f + e))
        [ $((f + e)) -eq 0 ] && [ "$status" = PASS ] || failed_suites+=("$name")
        [ "$status" != PASS ] && [ $((f + e)) -eq 0 ] && total_fail=$((total_fail + 1))
        return
    fi
    line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        n=$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/' <<<"$line")
        f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
        total_pass=$((total_pass + n))
        total_fail=$((total_fail + f))
        [ "$f" -eq 0 ] && [ "$status" = PASS ] || failed_suites+=("$name")
        [ "$status" != PASS ] && [ "$f" -eq 0 ] && total_fail=$((total_fail + 1))
        return
    fi
    case $status in
        PASS) total_pass=$((total_pass + 1)) ;;
        SKIP) ;;
        *) total_fail=$((total_fail + 1)); failed_suites+=("$name") ;;
    esac
}

# Every automake test of a build tree, by its .trs result.
count_tree() {
    local dir=$1 tag=$2 trs log res
    while IFS= read -r trs; do
        log=${trs%.trs}.log
        res=$(sed -n 's/^:test-result: //p' "$trs" | head -n 1)
        count_log "$log" "$tag${trs#$dir/}" "${res:-ERROR}"
    done < <(find "$dir" -name '*.trs' -not -path '*/_build/*' | sort)
}

step() {  # step NAME CMD...: run, keep the log, count a failure of the step
    local name=$1; shift
    say "$name"
    if ! "$@" > "$top/.test-$name.log" 2>&1; then
        tail -n 40 "$top/.test-$name.log"
        return 1
    fi
    return 0
}

say "dependencies"
scripts/install-deps.sh --lab || { echo "install-deps failed"; exit 1; }

if ! step build bash -c "autoreconf -fi && ./configure --enable-werror && make -j$jobs"; then
    echo "0 passed, 1 failed"
    exit 1
fi

say "unit and CLI tests (make check)"
make -j"$jobs" check > .test-check.log 2>&1
grep -E '^(PASS|FAIL|ERROR|XFAIL|XPASS|SKIP):' .test-check.log
count_tree "$top/tests" "check:"

say "sanitizer build (ASan + UBSan)"
# A clean copy of the sources (the tree itself is configured in place).
rm -rf _san && mkdir _san
: > .test-san.log
if make distdir distdir="$top/_san/src" > /dev/null 2>&1; then
    (cd _san/src && ./configure -q --enable-sanitizers --enable-debug \
        > "$top/.test-san.log" 2>&1 &&
     make -j"$jobs" >> "$top/.test-san.log" 2>&1 &&
     ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
         make -j"$jobs" check >> "$top/.test-san.log" 2>&1)
fi
grep -E '^(PASS|FAIL|ERROR):' .test-san.log 2>/dev/null | sed 's/^/san: /'
if [ -d _san/src/tests ] && find _san/src/tests -name '*.trs' | grep -q .; then
    count_tree "$top/_san/src/tests" "san:"
else
    total_fail=$((total_fail + 1)); failed_suites+=("sanitizer build")
fi

say "distribution check (make distcheck)"
if make -j"$jobs" distcheck > .test-distcheck.log 2>&1; then
    total_pass=$((total_pass + 1))
else
    tail -n 30 .test-distcheck.log
    total_fail=$((total_fail + 1)); failed_suites+=("distcheck")
fi

say "fuzz smoke (libFuzzer, ${FUZZ_SECONDS:-30} s per harness)"
if make fuzz-smoke FUZZ_SECONDS="${FUZZ_SECONDS:-30}" > .test-fuzz.log 2>&1; then
    total_pass=$((total_pass + 1))
else
    tail -n 30 .test-fuzz.log
    total_fail=$((total_fail + 1)); failed_suites+=("fuzz-smoke")
fi

if [ -n "${XLNUMA_SKIP_LAB:-}" ]; then
    say "Xen lab NOT run (XLNUMA_SKIP_LAB set)"
    total_fail=$((total_fail + 1)); failed_suites+=("xenlab (not run)")
else
    say "Xen lab (make check-xen)"
    # TCG is slow and CI machines vary: a generous boot limit.
    XENLAB_TIMEOUT=${XENLAB_TIMEOUT:-600} make check-xen 2>&1 | tee .test-xen.log
    status=PASS
    [ "${PIPESTATUS[0]}" = 0 ] || status=FAIL
    count_log .test-xen.log "xenlab" "$status"
fi

if [ ${#failed_suites[@]} -gt 0 ]; then
    printf 'failed: %s\n' "${failed_suites[@]}"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
