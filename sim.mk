# SPDX-License-Identifier: LGPL-2.1-only
# Simulation (docs/simulation.md): the suites of the hwloc XML host source
# and of the simulator, and `make simulation', which regenerates the
# tables and plots of docs/simulation.md.  make check never runs it.
check_PROGRAMS += tests/check_hwloc tests/check_simulate
tests_check_hwloc_SOURCES = tests/check_hwloc.c
tests_check_hwloc_CFLAGS = $(CORE_TEST_CFLAGS)
tests_check_hwloc_LDADD = $(CORE_TEST_LDADD)
tests_check_simulate_SOURCES = tests/check_simulate.c
tests_check_simulate_CFLAGS = $(CORE_TEST_CFLAGS)
tests_check_simulate_LDADD = $(CORE_TEST_LDADD) -lm
TESTS += tests/check_hwloc tests/check_simulate

# Real topologies (hwloc's own test files) and the results.
EXTRA_DIST += tests/data/hwloc docs/simulation.md docs/sim

# The results: docs/sim/run.sh runs the built xl-numa on the seed's DL980
# and the 24-node SGI UV 2000, rewrites the generated parts of
# docs/simulation.md and the PNGs in docs/sim/.  Needs gnuplot.
SIM_ENV = XL_NUMA='$(abs_top_builddir)/xl_ext/xl-numa' \
	GNUPLOT='$(GNUPLOT)' top_srcdir='$(abs_top_srcdir)'
simulation: xl_ext/xl-numa
	@test -n '$(GNUPLOT)' || { echo "make simulation needs gnuplot" >&2; \
		exit 1; }
	$(SIM_ENV) $(SHELL) $(srcdir)/docs/sim/run.sh
.PHONY: simulation
