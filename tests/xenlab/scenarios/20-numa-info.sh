#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# `xl-numa info --host live --json` agrees with `xl info -n`: node count,
# each node's cpus, memsize (exactly, in MiB), memfree (within 1 MiB: read
# at a different moment) and SLIT row (exactly).
. /lib/xenlab/lib.sh
need_xlnuma

J=$XENLAB_RUN/info.json
xn "$J" info --host live --json || abort "xl-numa info exited $?"
host_info
sed -n '/^nr_nodes/p; /^cpu_topology/,/^xen_major/p' "$XENLAB_RUN/xl-info-n.txt"

# xl's view: "node cpus memsize memfree distances"
xl_nodes() {
    for n in $(expand all "$(nr_nodes)"); do
        awk -v n="$n" -v cpus="$(cpus_of_nodes "$n" | tr ' ' ,)" '
            /^numa_info/ { on = 1; next }
            on && $1 == n ":" { print n, cpus, $2, $3, $4; exit }' \
            "$XENLAB_RUN/xl-info-n.txt"
    done
}

# xl-numa's view, same shape.  Node objects are the innermost {...} with a
# memsize key; memory keys must say their unit (_kib/_kb, _mib/_mb, _bytes).
numa_nodes() {
    tr '\n\t' '  ' < "$J" | awk '
        function raw(o, key,   m) {
            if (!match(o, "\"" key "\"[ ]*:[ ]*(\\[[^]]*\\]|\"[^\"]*\"|[^,}]*)"))
                return ""
            m = substr(o, RSTART, RLENGTH)
            sub(/^"[^"]*"[ ]*:[ ]*/, "", m)
            gsub(/"/, "", m); gsub(/ /, "", m); gsub(/\[/, "", m); gsub(/\]/, "", m)
            return m
        }
        function keyname(o, prefix,   m) {
            if (!match(o, "\"" prefix "[a-z_]*\"[ ]*:")) return ""
            m = substr(o, RSTART + 1, RLENGTH)
            sub(/".*/, "", m)
            return m
        }
        function mib(o, prefix,   k, v) {
            k = keyname(o, prefix)
            if (k == "") return "missing-" prefix
            v = raw(o, k)
            if (k ~ /_(kib|kb)$/) return int(v / 1024)
            if (k ~ /_(mib|mb)$/) return int(v)
            if (k ~ /_bytes$/) return int(v / 1048576)
            return "unit-unknown-" k
        }
        {
            s = $0; i = 0
            while (match(s, /\{[^{}]*\}/)) {
                o = substr(s, RSTART, RLENGTH)
                s = substr(s, RSTART + RLENGTH)
                if (keyname(o, "memsize") == "") continue
                id = raw(o, "id"); if (id == "") id = raw(o, "node")
                if (id == "") id = i
                i++
                cpus = raw(o, "cpus")
                print id, (cpus == "" ? "missing-cpus" : cpus),
                      mib(o, "memsize"), mib(o, "memfree"),
                      (raw(o, "distances") == "" ? "missing-distances" : raw(o, "distances"))
            }
        }'
}

xl_nodes > "$XENLAB_RUN/nodes.xl"
numa_nodes > "$XENLAB_RUN/nodes.numa"
say "xl info -n:  node cpus memsize memfree distances"
cat "$XENLAB_RUN/nodes.xl"
say "xl-numa info: node cpus memsize memfree distances"
cat "$XENLAB_RUN/nodes.numa"

nx=$(wc -l < "$XENLAB_RUN/nodes.xl")
nn=$(wc -l < "$XENLAB_RUN/nodes.numa")
[ "$nx" = "$nn" ] && ok "$nn nodes" || bad "node count: xl $nx, xl-numa $nn"

while read -r id cpus size free dist; do
    line=$(awk -v n="$id" '$1 == n' "$XENLAB_RUN/nodes.numa")
    [ -n "$line" ] || { bad "node $id missing in xl-numa info"; continue; }
    set -- $line
    [ "$(expand "$2" 999)" = "$(expand "$cpus" 999)" ] &&
        ok "node $id cpus $cpus" || bad "node $id cpus: xl $cpus, xl-numa $2"
    [ "$3" = "$size" ] &&
        ok "node $id memsize $size MiB" || bad "node $id memsize: xl $size MiB, xl-numa $3"
    case $4 in
    *[!0-9]*|'') bad "node $id memfree: xl-numa $4" ;;
    *)  d=$(( $4 - free )); [ $d -lt 0 ] && d=$(( -d ))
        [ $d -le 1 ] && ok "node $id memfree $free~$4 MiB" ||
            bad "node $id memfree: xl $free MiB, xl-numa $4 MiB" ;;
    esac
    [ "$5" = "$dist" ] &&
        ok "node $id distances $dist" || bad "node $id distances: xl $dist, xl-numa $5"
done < "$XENLAB_RUN/nodes.xl"

finish "$nn nodes agree with xl info -n"
