#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# fuzz/smoke.sh BUILD SRC NAME...: run each libFuzzer harness
# BUILD/fuzz_NAME for $FUZZ_SECONDS (default 60), $FUZZ_JOBS at a time
# (default 1), from the seeds SRC/corpus/NAME and the inputs that once
# failed, SRC/regress/NAME, with SRC/dict/NAME.dict when present.  New
# inputs go to BUILD/corpus/NAME, never into the source tree; a failing
# input is saved as BUILD/NAME-crash-*, -leak-*, -timeout-* or -oom-*.
#
# Prints one line per harness (runs, coverage, corpus size) and
# "N passed, M failed"; exits 1 when any harness failed.

build=$1
src=$2
shift 2
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}

run_one() {
    name=$1
    bin=$build/fuzz_$name
    work=$build/corpus/$name
    log=$build/$name.log
    mkdir -p "$work" "$src/regress/$name"
    set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -malloc_limit_mb=1024 -max_len=65536 -print_final_stats=1 \
        -close_fd_mask=3 -artifact_prefix="$build/$name-"
    [ -f "$src/dict/$name.dict" ] && set -- "$@" -dict="$src/dict/$name.dict"
    # Leaks are errors too (ASan's LeakSanitizer, on by default), but
    # for libxlutil's own (fuzz/lsan.supp).
    LSAN_OPTIONS=suppressions=$src/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS} \
        "$bin" "$@" "$work" "$src/corpus/$name" "$src/regress/$name" \
        > "$log" 2>&1
    echo $? > "$build/$name.rc"
}

rm -f "$build"/*.rc
running=0
for name in "$@"; do
    if [ ! -x "$build/fuzz_$name" ]; then
        echo "smoke.sh: $build/fuzz_$name is not built" >&2
        exit 99
    fi
    run_one "$name" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait
        running=0
    fi
done
wait

pass=0
fail=0
for name in "$@"; do
    rc=$(cat "$build/$name.rc" 2>/dev/null || echo 99)
    log=$build/$name.log
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    corp=$(grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' "$log" | tail -1)
    if [ "$rc" = 0 ]; then
        echo "PASS: $name: ${runs:-?} runs in ${seconds}s, $cov, $corp"
        pass=$((pass + 1))
    else
        echo "FAIL: $name: exit status $rc; the input is saved as:"
        grep -h 'Test unit written to' "$log" | sed 's/^/    /'
        grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz:|    #[0-9]+ )' "$log" |
            head -n 30 | sed 's/^/    /'
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
