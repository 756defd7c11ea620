# SPDX-License-Identifier: LGPL-2.1-only
# gnuplot -e "datafile='rows.dat'; outfile='out.png'" plot.gp
set terminal pngcairo size 900,560 font "DejaVu Sans,11"
set output outfile
set title "One placement of a worst-case guest (about half the free memory)"
set xlabel "NUMA nodes"
set ylabel "seconds"
set logscale xy
set grid
set key top left
set xtics (8, 16, 24, 64, 256, 1024)
set format y "10^{%L}"
plot datafile using 1:2 with linespoints lw 2 pt 7 title "libxl-style enumeration (baseline)", \
     datafile using 1:3 with linespoints lw 2 pt 5 title "xlnuma engine"
