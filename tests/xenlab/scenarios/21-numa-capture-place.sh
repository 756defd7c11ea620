#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# A capture is as good as the live host: `xl-numa capture DIR`, then
# `xl-numa place --host DIR --json CFG` must equal
# `xl-numa place --host live --json CFG` (exit code and every key) for
# three configs.  The captured files are shown for the host to keep.
. /lib/xenlab/lib.sh
need_xlnuma

D=$XENLAB_RUN/xncap
xn "$XENLAB_RUN/capture.txt" capture "$D" || abort "xl-numa capture exited $?"
[ -s "$D/xl-info-n.txt" ] && ok "capture wrote xl-info-n.txt" ||
    bad "capture did not write $D/xl-info-n.txt"
for f in "$D"/*; do
    [ -f "$f" ] && capture_file xl-numa-capture "$(basename "$f")" "$f"
done

n=0
for spec in "memory=128 vcpus=1" "memory=1024 vcpus=2" "memory=2048 vcpus=4"; do
    n=$((n + 1))
    cfg=$(mkcfg cp$n $spec)
    say "cp$n: $spec"
    xn "$XENLAB_RUN/cp$n.dir.json" place --host "$D" --json "$cfg"
    rd=$?
    xn "$XENLAB_RUN/cp$n.live.json" place --host live --json "$cfg"
    rl=$?
    [ $rd = $rl ] || bad "cp$n: exit $rd from the capture, $rl live"
    if why=$(json_same "$XENLAB_RUN/cp$n.dir.json" "$XENLAB_RUN/cp$n.live.json" $PLACE_KEYS); then
        ok "cp$n: same decision (exit $rl, nodes $(json_array "$XENLAB_RUN/cp$n.live.json" nodes))"
    else
        bad "cp$n: $why"
    fi
    [ -n "$(json_raw "$XENLAB_RUN/cp$n.live.json" placed)" ] ||
        bad "cp$n: no 'placed' key in the JSON"
done
finish "3 configs, capture == live"
