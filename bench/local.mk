# SPDX-License-Identifier: LGPL-2.1-only
# `make bench` prints the table of docs/performance.md; `make bench-plot`
# regenerates its plot.  Neither runs under `make check`.
noinst_PROGRAMS += bench/bench
bench_bench_SOURCES = bench/bench.c bench/libxl_style.c bench/libxl_style.h
bench_bench_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS) -O2
bench_bench_LDADD = libxl_numa/libcore.la $(XENTOOLLOG_LIBS) $(YAJL_LIBS) -lm
EXTRA_DIST += bench/plot.gp bench/plot.sh

bench: bench/bench
	$(builddir)/bench/bench

bench-plot: bench/bench
	$(SHELL) $(srcdir)/bench/plot.sh $(builddir)/bench/bench \
	    $(srcdir)/bench/plot.gp $(srcdir)/docs/performance.png

.PHONY: bench bench-plot
