# SPDX-License-Identifier: LGPL-2.1-only
# Core tests link libcore only: they cannot reach libxl even by accident.
check_LTLIBRARIES += tests/libtestutil.la
tests_libtestutil_la_SOURCES = tests/testutil.c tests/testutil.h
tests_libtestutil_la_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS) $(CHECK_CFLAGS) \
	-DTOP_SRCDIR=\"$(abs_top_srcdir)\"

CORE_TEST_LDADD = tests/libtestutil.la libxl_numa/libcore.la \
	$(XENTOOLLOG_LIBS) $(YAJL_LIBS) $(CHECK_LIBS)
CORE_TEST_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS) $(CHECK_CFLAGS) \
	-DTOP_SRCDIR=\"$(abs_top_srcdir)\"

# One fragment per area, so people working in parallel do not collide.
include tests/core.mk
include tests/parse.mk
include tests/reference.mk
include tests/libxl.mk
include tests/cli.mk
include tests/hardening.mk
include tests/preload.mk
include tests/xenlab.mk
include tests/advise.mk
include tests/predict.mk
