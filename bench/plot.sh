#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# bench/plot.sh BENCH PLOT.GP OUT.PNG: runs the benchmark and plots the
# time of one placement against the number of nodes (log-log).
set -eu
bench=$1 gp=$2 out=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bench" --json > "$tmp/rows.json"
# one line per row: nodes baseline_s engine_s ("NaN" where not run)
sed -e 's/[{},":]/ /g' "$tmp/rows.json" | awk '{
    for (i = 1; i < NF; i++) v[$i] = $(i + 1)
    b = v["baseline_s"]; if (b == "null") b = "NaN"
    print v["nodes"], b, v["engine_s"]
}' > "$tmp/rows.dat"
gnuplot -e "datafile='$tmp/rows.dat'; outfile='$out'" "$gp"
echo "wrote $out"
