#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# parallel-create.sh: 64 `xl-numa create --host state.json' started at
# once, for guests that together need about twice the host's free memory
# (the shipped DL980 example: 8 nodes, 83 GiB free; guests of 1-4 GiB
# and 2-4 vCPUs).  The host-wide lock must serialize them so that:
#  - the state file still loads, and no node's free memory went below 0
#    or lost track of what the guests hold (statecheck);
#  - every create that exited 0 is recorded, once, with the pages it
#    printed; nothing else is recorded;
#  - every other create exited 3 (no candidate, or refused by the
#    over-commit guard) and said why, and is still refused on the final
#    host (free memory only shrank, so a
#    refusal then is a refusal now: nobody was refused a place that a
#    racing create later left free);
#  - no temporary file is left behind;
#  - capture --state waits for the lock too.
# PARALLEL_N overrides the number of creates.
. "$(dirname "$0")/lib.sh"

n=${PARALLEL_N:-64}
cd "$scratch" || exit 99
cp "$top_srcdir/examples/hosts/dl980.json" base.json || exit 99
cp base.json state.json || exit 99

i=0
while [ $i -lt $n ]; do
    name=$(printf 'pc%02d' $i)
    cat > $name.cfg <<EOF
name = "$name"
type = "pv"
kernel = "/boot/vmlinuz"
memory = $((1024 * (1 + i % 4)))
vcpus = $((2 + i % 3))
EOF
    i=$((i + 1))
done

start=$(date +%s)
for cfg in pc*.cfg; do
    name=${cfg%.cfg}
    (
        "$xlnuma" create --host state.json "$cfg" > $name.out 2> $name.err
        echo $? > $name.rc
    ) &
done
wait
echo "# $n creates took $(($(date +%s) - start)) s"

# Each create's exit status.
missing= others= ok= refused=
for cfg in pc*.cfg; do
    name=${cfg%.cfg}
    if [ ! -f $name.rc ]; then
        missing="$missing $name"
        continue
    fi
    case $(cat $name.rc) in
    0) ok="$ok $name" ;;
    3) refused="$refused $name" ;;
    *) others="$others $name:$(cat $name.rc)" ;;
    esac
done
nr_ok=$(echo $ok | wc -w)
nr_refused=$(echo $refused | wc -w)
echo "# $nr_ok created, $nr_refused refused"

check "every create finished" test -z "$missing"
if [ -z "$others" ]; then
    pass "every create exited 0 (recorded) or 3 (no candidate)"
else
    fail "every create exited 0 or 3" "$others"
    for o in $others; do
        sed "s/^/    ${o%%:*}: /" ${o%%:*}.err | head -n 5
    done
fi
check "the host was over-filled: some created, some refused" \
    test "$nr_ok" -gt 0 -a "$nr_refused" -gt 0

# The state file: loads, each node's memory adds up, names once.
if "$statecheck" base.json state.json > recorded 2> statecheck.err; then
    pass "the state file loads and every node's memory adds up"
else
    fail "the state file loads and every node's memory adds up" \
        "$(head -n 5 statecheck.err)"
fi
check "info reads the state file" "$xlnuma" info --host state.json

# Every success recorded exactly once, as it said; nothing else.
cut -d' ' -f1 recorded | sort > recorded.names
for name in $ok; do echo $name; done | sort > ok.names
if [ -z "$(uniq -d recorded.names)" ] && cmp -s recorded.names ok.names
then
    pass "every create that exited 0 is recorded exactly once"
else
    fail "every create that exited 0 is recorded exactly once" \
        "recorded: $(tr '\n' ' ' < recorded.names); exit 0: $ok"
fi
# "recorded:   pc03 in state.json, pages node 2: 1024 node 5: 9" ->
# "pc03 2=1024 5=9", as statecheck prints the state file's record.
for name in $ok; do
    sed -n 's/^recorded: *\([^ ]*\) in .*, pages//p' $name.out |
        sed 's/ node \([0-9]*\): \([0-9]*\)/ \1=\2/g' |
        sed "s/^/$name/"
done | sort > said
sort recorded > recorded.sorted
if cmp -s said recorded.sorted; then
    pass "each record holds the pages its create printed"
else
    fail "each record holds the pages its create printed" \
        "$(diff said recorded.sorted | head -n 6 | tr '\n' ' ')"
fi

# Every refusal said why, and is still a refusal on the final host.
bad=
for name in $refused; do
    # "no candidate: WHY", or the over-commit guard's "refused: WHY"
    grep -q -E "^(no candidate|refused): +[^ ]" $name.out &&
        grep -q -E "(no candidate|guard); $name not created" $name.err ||
        bad="$bad $name"
done
check "every refusal printed its reason" test -z "$bad"
bad=
for name in $refused; do
    "$xlnuma" place --host state.json $name.cfg > /dev/null 2>&1
    [ $? = 3 ] || bad="$bad $name"
done
check "every refused guest is still refused on the final host" \
    test -z "$bad"

check "no temporary file is left" \
    test -z "$(find . -name '.state.json.*' -print)"

# capture --state replaces a state file under the same lock: while a
# create holds it (0.5 s, XLNUMA_TEST_DELAY_US), the capture waits, and
# its host is what remains -- not the create's copy of the old file.
cp base.json lock.json
XLNUMA_TEST_DELAY_US=500000 "$xlnuma" create --host lock.json pc00.cfg \
    memory=64 'name="held"' > held.out 2>&1 &
held=$!
sleep 0.1
"$xlnuma" capture --host "$top_srcdir/tests/data/xenlab-2node" \
    --state lock.json > capture.out 2>&1
wait $held
check "capture --state waits for a create holding the lock" \
    sh -c "\"$xlnuma\" info --host lock.json | grep -q '^host .*: 2 nodes' &&
        ! \"$xlnuma\" info --host lock.json | grep -q '^held '"
finish
