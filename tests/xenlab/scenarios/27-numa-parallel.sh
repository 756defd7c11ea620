#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# Three `xl-numa create` at once.  Each guest is sized at 40% of the
# largest node's free memory, so three on one node cannot fit: placements
# that ignore each other over-commit.  Afterwards every guest's memory
# must be on its chosen nodes and no node may have been promised more
# than it had free before.  --dma-aware: what is tested here is the
# concurrency; the default policy, xen43, counts Xen's DMA zone as free
# as libxl does, and on 2node that alone makes a guest spill (the
# "expect-spill" data line says when the promises exceed what a node has
# above the DMA width).  Guests are created paused (-p).
. /lib/xenlab/lib.sh
need_xlnuma
host_info

xl info -n | awk '/^numa_info/ { on = 1; next } on && $1 ~ /^[0-9]+:$/ {
    sub(":", "", $1); print $1, $3 }' > "$XENLAB_RUN/free-before"
free_above_dma > "$XENLAB_RUN/above-dma"
say "free MiB per node before: node memfree above-DMA-width (DMA width $(dma_bits) bits)"
awk 'NR == FNR { a[$1] = $2; next } { print $1, $2, a[$1] }' \
    "$XENLAB_RUN/above-dma" "$XENLAB_RUN/free-before"
max=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$XENLAB_RUN/free-before")
mem=$((max * 40 / 100 / 64 * 64))
[ $mem -ge 128 ] || mem=128
say "three guests of $mem MiB"

for i in 1 2 3; do
    mkcfg par$i memory=$mem vcpus=1 > /dev/null
done
for i in 1 2 3; do
    ( xl-numa create --dma-aware --json "$XENLAB_RUN/par$i.cfg" -p \
          > "$XENLAB_RUN/par$i.json" \
          2> "$XENLAB_RUN/par$i.err"
      echo $? > "$XENLAB_RUN/par$i.rc" ) &
done
wait

: > "$XENLAB_RUN/promised"
for i in 1 2 3; do
    say "par$i: exit $(cat "$XENLAB_RUN/par$i.rc")"
    cat "$XENLAB_RUN/par$i.json"
    sed 's/^/stderr: /' "$XENLAB_RUN/par$i.err"
    [ "$(cat "$XENLAB_RUN/par$i.rc")" = 0 ] || { bad "par$i: xl-numa create exited $(cat "$XENLAB_RUN/par$i.rc")"; continue; }
    n=$(json_array "$XENLAB_RUN/par$i.json" nodes)
    need=$(json_raw "$XENLAB_RUN/par$i.json" need_memkb)
    [ -n "$n" ] || { bad "par$i: no nodes in JSON"; continue; }
    eval "nodes_$i=\"$n\""
    # Spread the need evenly over the chosen nodes for the promise check.
    k=$(echo $n | wc -w)
    for x in $n; do echo "$x $(( ${need:-0} / k / 1024 ))" >> "$XENLAB_RUN/promised"; done
done
show xl list -n

say "promised MiB per node vs free before:"
awk 'NR == FNR { free[$1] = $2; next } { p[$1] += $2 }
     END { for (n in free) printf "%s %d %d %s\n", n, p[n], free[n],
           (p[n] > free[n] ? "OVER" : "ok") }' \
    "$XENLAB_RUN/free-before" "$XENLAB_RUN/promised" | sort -n | tee "$XENLAB_RUN/promise-check"
over=$(awk '$4 == "OVER" { printf "node %s (%d > %d MiB) ", $1, $2, $3 }' "$XENLAB_RUN/promise-check")
[ -z "$over" ] && ok "no node over-committed" || bad "over-committed: $over"
# Not a failure by itself, but it explains one: memory promised beyond
# what a node has above the DMA width spills to other nodes first.
spill=$(awk 'NR == FNR { a[$1] = $2; next } { p[$1] += $2 }
     END { for (n in p) if (p[n] > a[n]) printf "node %s: %d MiB promised, %d MiB above the DMA width; ", n, p[n], a[n] }' \
     "$XENLAB_RUN/above-dma" "$XENLAB_RUN/promised")
[ -z "$spill" ] || echo "XENLAB-DATA expect-spill $spill"

pages_dump
for i in 1 2 3; do
    eval "n=\$nodes_$i"
    [ -n "${n:-}" ] || continue
    report_pages par$i
    check_memory_on par$i "$n"
done
finish "3 x $mem MiB -> $(for i in 1 2 3; do eval "printf 'par%s:%s ' $i \"\$(echo \${nodes_$i:-?} | tr ' ' ,)\""; done)"
