#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# Regenerates the results of docs/simulation.md: `make simulation' runs
# it with XL_NUMA (the built xl-numa), GNUPLOT and top_srcdir set.
#
# Every table between <!-- BEGIN sim:NAME --> and <!-- END sim:NAME -->
# in docs/simulation.md is rewritten, and the PNGs in docs/sim/; the
# prose around them is left alone.  The runs are deterministic: the same
# tree gives the same files.
set -eu

: "${XL_NUMA:?XL_NUMA must name the xl-numa binary}"
: "${top_srcdir:?top_srcdir must name the source tree}"
GNUPLOT=${GNUPLOT:-gnuplot}
export XLNUMA_GNUPLOT="$GNUPLOT"

md=$top_srcdir/docs/simulation.md
out=$top_srcdir/docs/sim
policies="xen43 xen42 greedy packed spread closest"
guests=300                      # arrivals of a generated workload
seeds="1 2 3 4 5 6 7 8 9 10"    # workloads averaged over
plot_seed=1                     # the workload shown in full

work=$(mktemp -d "${TMPDIR:-/tmp}/xl-numa-sim.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work"
# Short names in what the command prints.
ln -s "$top_srcdir/examples/hosts/dl980-numactl.txt" dl980-numactl.txt
ln -s "$top_srcdir/tests/data/hwloc/192em64t-24n8c2t.xml" \
    192em64t-24n8c2t.xml

# ---- generated workloads -------------------------------------------------

# The table of one run, and its refusals line by line.
table_of() {
    sed -n '/^| policy/,/^$/p' "$1" | sed '/^$/d'
}

# Means over the seeds of each column of the text tables given.
means() {
    awk -F'|' -v order="$policies" '
        function num(s) { gsub(/[ %]/, "", s); return s }
        $2 ~ /^ *(policy|-)/ || NF < 10 { next }
        {
            p = $2; gsub(/ /, "", p)
            n[p]++
            for (c = 3; c <= 10; c++) {
                v = num($c)
                if (v == "-") continue
                sum[p, c] += v; cnt[p, c]++
            }
        }
        END {
            print "| policy   | placed | refused | one node | dist. multi " \
                  "| dist. 95% |  frag. | vCPU/pCPU | overcommits |"
            print "|----------|-------:|--------:|---------:|------------:" \
                  "|----------:|-------:|----------:|------------:|"
            k = split(order, pol, " ")
            for (i = 1; i <= k; i++) {
                p = pol[i]
                printf "| %-8s |", p
                fmt[3] = "%6.1f"; fmt[4] = "%7.1f"; fmt[5] = "%7.1f%%"
                fmt[6] = "%11.2f"; fmt[7] = "%9.2f"; fmt[8] = "%6.3f"
                fmt[9] = "%9.2f"; fmt[10] = "%11.1f"
                for (c = 3; c <= 10; c++) {
                    if (cnt[p, c])
                        printf " " fmt[c] " |", sum[p, c] / cnt[p, c]
                    else
                        printf " %s |", "-"
                }
                printf "\n"
            }
        }' "$@"
}

workload() {                    # NAME HOSTFILE
    name=$1
    host=$2
    for s in $seeds; do
        "$XL_NUMA" simulate --generate "$guests" --seed "$s" --host "$host" \
            > "$name-$s.csv"
        if [ "$s" = "$plot_seed" ]; then
            "$XL_NUMA" simulate --host "$host" --trace "$name-$s.csv" \
                --plot "$out/$name-workload.png" > "$name-$s.txt"
        else
            "$XL_NUMA" simulate --host "$host" --trace "$name-$s.csv" \
                > "$name-$s.txt"
        fi
    done
    {
        sed -n '1,2p' "$name-$plot_seed.txt" | sed 's/^/    /'
        echo
        table_of "$name-$plot_seed.txt"
        echo
        sed -n '/^refused:/,$p' "$name-$plot_seed.txt" | sed 's/^/    /'
    } > "$name-workload.md"
    set --
    for s in $seeds; do
        set -- "$@" "$name-$s.txt"
    done
    means "$@" > "$name-seeds.md"
}

workload dl980 dl980-numactl.txt
workload uv 192em64t-24n8c2t.xml

# ---- the seed's experiment shape: 1..8 guests at once -------------------

# Column c of each policy's row, for k = 1..8 guests of one shape.
shape() {                       # NAME HOSTFILE VCPUS MIB
    name=$1
    host=$2
    for k in 1 2 3 4 5 6 7 8; do
        {
            echo "time,event,name,memory_mib,vcpus"
            i=1
            while [ $i -le $k ]; do
                echo "0,create,vm$i,$4,$3"
                i=$((i + 1))
            done
        } > "$name-$k.csv"
        "$XL_NUMA" simulate --host "$host" --trace "$name-$k.csv" \
            > "$name-$k.txt"
    done
}

# A row per k: "load" or "dist / load" per policy; a data file for the
# plot with k and each policy's value of column c.
shape_table() {                 # NAME WHAT(load|both)
    name=$1
    what=$2
    printf '| guests |'
    for p in $policies; do printf ' %s |' "$p"; done
    printf '\n|-------:|'
    for p in $policies; do printf -- '------:|'; done
    printf '\n'
    for k in 1 2 3 4 5 6 7 8; do
        awk -F'|' -v k="$k" -v what="$what" -v order="$policies" '
            $2 ~ /^ *(policy|-)/ || NF < 10 { next }
            { p = $2; gsub(/ /, "", p); d = $6; l = $9
              gsub(/ /, "", d); gsub(/ /, "", l); dist[p] = d; load[p] = l }
            END {
                printf "| %6d |", k
                n = split(order, pol, " ")
                for (i = 1; i <= n; i++)
                    if (what == "load")
                        printf " %s |", load[pol[i]]
                    else
                        printf " %s / %s |", dist[pol[i]], load[pol[i]]
                printf "\n"
            }' "$name-$k.txt"
    done
}

shape_data() {                  # NAME COLUMN (6: dist. multi, 9: load)
    for k in 1 2 3 4 5 6 7 8; do
        awk -F'|' -v k="$k" -v c="$2" -v order="$policies" '
            $2 ~ /^ *(policy|-)/ || NF < 10 { next }
            { p = $2; gsub(/ /, "", p); v = $c; gsub(/ /, "", v)
              val[p] = v == "-" ? "NaN" : v }
            END {
                printf "%d", k
                n = split(order, pol, " ")
                for (i = 1; i <= n; i++) printf " %s", val[pol[i]]
                printf "\n"
            }' "$1-$k.txt"
    done
}

shape dl980-small dl980-numactl.txt 4 4096
shape dl980-wide dl980-numactl.txt 12 12288
shape uv-small 192em64t-24n8c2t.xml 4 4096
shape uv-wide 192em64t-24n8c2t.xml 20 24576
shape_table dl980-small load > dl980-small.md
shape_table dl980-wide both > dl980-wide.md
shape_table uv-small load > uv-small.md
shape_table uv-wide both > uv-wide.md
for n in dl980-small dl980-wide uv-small uv-wide; do
    shape_data "$n" 9 > "$n-load.dat"
    shape_data "$n" 6 > "$n-dist.dat"
done

# Lines per policy, shifted a little sideways so that equal ones show.
cat > shape.gp <<EOF
if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) \
    set terminal pngcairo size 1200,860 font ',10' noenhanced; \
    else set terminal png size 1200,860 noenhanced
set output '$out/seed-shape.png'
set multiplot layout 2,3 \
    title 'The seed''s experiment shape: 1 to 8 guests created at once'
set key below horizontal maxrows 2 font ',9'
set grid
set offsets 0, 0, graph 0.08, 0
set linetype 1 lc rgb '#1f4e9c' lw 2 pt 7 ps 0.8
set linetype 2 lc rgb '#8e44ad' lw 2 pt 5 ps 0.8 dt 2
set linetype 3 lc rgb '#c0392b' lw 2 pt 9 ps 0.9
set linetype 4 lc rgb '#e67e22' lw 2 pt 11 ps 0.9 dt 2
set linetype 5 lc rgb '#27ae60' lw 2 pt 13 ps 0.9
set linetype 6 lc rgb '#000000' lw 2 pt 6 ps 1.0 dt 3
set xrange [0.5:8.5]
set xtics 1
set xlabel 'guests created' offset 0,0.4
names = '$policies'
set yrange [0:*]
set ylabel 'worst runnable vCPUs per pCPU'
set title 'DL980, 4 vCPUs and 4 GiB each'
plot for [i=1:6] \
    'dl980-small-load.dat' using (\$1 + (i - 3.5) * 0.06):(column(i + 1)) \
    with linespoints title word(names, i)
set title 'DL980, 12 vCPUs and 12 GiB each (two nodes)'
plot for [i=1:6] \
    'dl980-wide-load.dat' using (\$1 + (i - 3.5) * 0.06):(column(i + 1)) \
    with linespoints title word(names, i)
set title 'DL980, 12 vCPUs and 12 GiB each (two nodes)'
set ylabel 'mean SLIT distance of multi-node guests'
set yrange [10:*]
plot for [i=1:6] \
    'dl980-wide-dist.dat' using (\$1 + (i - 3.5) * 0.06):(column(i + 1)) \
    with linespoints title word(names, i)
set yrange [0:*]
set ylabel 'worst runnable vCPUs per pCPU'
set title 'UV 2000, 4 vCPUs and 4 GiB each'
plot for [i=1:6] \
    'uv-small-load.dat' using (\$1 + (i - 3.5) * 0.06):(column(i + 1)) \
    with linespoints title word(names, i)
set title 'UV 2000, 20 vCPUs and 24 GiB each (two nodes)'
plot for [i=1:6] \
    'uv-wide-load.dat' using (\$1 + (i - 3.5) * 0.06):(column(i + 1)) \
    with linespoints title word(names, i)
set title 'UV 2000, 20 vCPUs and 24 GiB each (two nodes)'
set ylabel 'mean SLIT distance of multi-node guests'
set yrange [10:*]
plot for [i=1:6] \
    'uv-wide-dist.dat' using (\$1 + (i - 3.5) * 0.06):(column(i + 1)) \
    with linespoints title word(names, i)
unset multiplot
EOF
"$GNUPLOT" shape.gp

# ---- into docs/simulation.md ---------------------------------------------

blocks="dl980-small dl980-wide uv-small uv-wide dl980-workload dl980-seeds
        uv-workload uv-seeds"
for b in $blocks; do
    grep -q "^<!-- BEGIN sim:$b " "$md" || {
        echo "run.sh: $md has no block sim:$b" >&2
        exit 1
    }
done
awk -v dir="$work" '
    /^<!-- BEGIN sim:/ {
        print
        name = $3; sub(/^sim:/, "", name)
        file = dir "/" name ".md"
        print ""
        while ((getline line < file) > 0) print line
        close(file)
        print ""
        skip = 1
        next
    }
    /^<!-- END sim:/ { skip = 0 }
    !skip { print }
' "$md" > simulation.md.new
cp simulation.md.new "$md"
echo "run.sh: rewrote $md and the PNGs in $out"
