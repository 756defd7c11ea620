#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# crash-safety.sh: start `xl-numa create --host state.json' and SIGKILL
# it at a random moment, 200 times (CRASH_N) on the same state file;
# every tenth create is let finish.
# Half the creates run with XLNUMA_TEST_DELAY_US, which holds the lock
# that long before reading the host, so that many kills land inside the
# critical section; the kill comes 0 to (delay + as long as a create
# takes here) after the start.
# After every kill:
#  - the state file loads, and statecheck finds it consistent with the
#    file it started from (each guest at most once, every node's memory
#    adds up);
#  - a create that finished before the kill is recorded;
#  - the next create does not hang on the lock the dead one held.
# At the end no temporary file is left once a create has run, and a
# stale temporary file (what a kill between the write and the rename
# leaves) is removed by the next create, files that merely look alike are
# not.  CRASH_SEED makes a run repeatable (the seed is printed).
. "$(dirname "$0")/lib.sh"

n=${CRASH_N:-200}
seed=${CRASH_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "# $n rounds, CRASH_SEED=$seed"
cd "$scratch" || exit 99
cp "$top_srcdir/examples/hosts/dl980.json" base.json || exit 99
cp base.json state.json || exit 99
cat > guest.cfg <<EOF
type = "pv"
kernel = "/boot/vmlinuz"
memory = 256
vcpus = 1
EOF

# How long one create takes here (a sanitizer build is slower): the
# shortest of three, on a copy.
cp base.json probe.json
took=
for j in 1 2 3; do
    t0=$(date +%s%N)
    "$xlnuma" create --host probe.json guest.cfg "name=\"probe$j\"" \
        > /dev/null 2>&1
    t=$((($(date +%s%N) - t0) / 1000))
    [ -z "$took" ] || [ $t -lt $took ] && took=$t
done
echo "# one create takes $took us"

# Per round: the lock delay (0 or 20 ms) and the kill time, in us: from
# the start to as long as a whole create takes; every tenth round is not
# killed (-1), so that some creates surely finish, however slow this
# machine is.
awk -v n="$n" -v seed="$seed" -v took="$took" 'BEGIN {
    srand(seed);
    for (i = 0; i < n; i++) {
        delay = i % 2 ? 20000 : 0;
        kill_us = i % 10 == 9 ? -1 : int(rand() * (delay + took));
        printf "%d %d\n", delay, kill_us;
    }
}' > plan

i=0
finished=0 killed=0 killed_recorded=0 temps=0
bad_state= bad_finished= bad_rc=
start=$(date +%s)
while read -r delay kill_us; do
    i=$((i + 1))
    name=cr$i
    XLNUMA_TEST_DELAY_US=$delay "$xlnuma" create --host state.json \
        guest.cfg "name=\"$name\"" > out 2> err &
    pid=$!
    if [ "$kill_us" -ge 0 ]; then
        sleep "$(awk -v us="$kill_us" 'BEGIN { printf "%.6f", us / 1e6 }')"
        kill -KILL $pid 2> /dev/null
    fi
    { wait $pid; } 2> /dev/null     # not the shell's "Killed"
    rc=$?
    [ -n "$(find . -name '.state.json.?*' -print)" ] &&
        temps=$((temps + 1))
    if ! "$statecheck" base.json state.json > recorded 2> statecheck.err
    then
        bad_state="$bad_state $i"
        sed "s/^/    round $i: /" statecheck.err | head -n 3
        cp state.json base.json     # go on from what is there
        continue
    fi
    case $rc in
    0)
        finished=$((finished + 1))
        grep -q "^$name " recorded || bad_finished="$bad_finished $i"
        ;;
    137)
        killed=$((killed + 1))
        grep -q "^$name " recorded && killed_recorded=$((killed_recorded + 1))
        ;;
    *)
        bad_rc="$bad_rc $i:$rc"
        sed "s/^/    round $i: /" err | head -n 3
        ;;
    esac
done < plan
echo "# $((i)) rounds in $(($(date +%s) - start)) s: $finished finished," \
    "$killed killed ($killed_recorded of them after recording);" \
    "a temporary file was there after $temps"

check "after each of $n rounds the state file loads and adds up" \
    test -z "$bad_state"
check "every create that finished before its kill is recorded" \
    test -z "$bad_finished"
check "every create not killed exited 0" test -z "$bad_rc"
check "some creates were killed and some finished" \
    test "$killed" -gt 0 -a "$finished" -gt 0

# The lock a killed create held is free: this one must not wait for it.
timeout 10 "$xlnuma" create --host state.json guest.cfg 'name="after"' \
    > out 2> err
rc=$?
check "a create after the kills neither hangs nor fails (exit $rc)" \
    test $rc = 0
check "the state file is still consistent" \
    "$statecheck" base.json state.json
check "no temporary file is left after a create" \
    test -z "$(find . -name '.state.json.*' -print)"

# A kill between writing the temporary file and renaming it leaves
# .state.json.XXXXXX; the next create (under the lock) removes it, and
# only names of exactly that shape.
printf '{' > .state.json.Ab3xY9
printf 'keep' > .state.json.short
printf 'keep' > .state.json.Ab3xY9x
printf 'keep' > .other.json.Ab3xY9
"$xlnuma" create --host state.json guest.cfg 'name="stale"' > out 2> err
check "a stale temporary file is removed by the next create" \
    test ! -e .state.json.Ab3xY9
check "files that only look like one are kept" \
    test -e .state.json.short -a -e .state.json.Ab3xY9x -a \
    -e .other.json.Ab3xY9
finish
