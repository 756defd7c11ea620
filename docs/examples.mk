# SPDX-License-Identifier: LGPL-2.1-only
# The examples xlnuma(3) shows, built by make check:
#  - docs/example.c, the program of its EXAMPLE section, which
#    tests/check-example.sh runs and compares with the man page;
#  - docs/examples/policy-lowload.c, a policy plug-in (a libtool module,
#    never installed) that tests/cli/cases/plugin-*.cmd load through
#    xl-numa place.
check_PROGRAMS += docs/example
docs_example_SOURCES = docs/example.c
docs_example_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS)
docs_example_LDADD = libxl_numa/libxlnuma.la $(XENTOOLLOG_LIBS)

# -rpath makes libtool build the shared object a check library would
# otherwise not get.  Its xlnuma_* references are resolved by the
# program that loads it.
check_LTLIBRARIES += docs/examples/policy-lowload.la
docs_examples_policy_lowload_la_SOURCES = docs/examples/policy-lowload.c
docs_examples_policy_lowload_la_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS)
docs_examples_policy_lowload_la_LDFLAGS = $(AM_LDFLAGS) -module \
	-avoid-version -shared -rpath /nowhere

TESTS += tests/check-example.sh
EXTRA_DIST += tests/check-example.sh
