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

check_PROGRAMS += tests/check_bitmap
tests_check_bitmap_SOURCES = tests/check_bitmap.c
tests_check_bitmap_CFLAGS = $(CORE_TEST_CFLAGS)
tests_check_bitmap_LDADD = $(CORE_TEST_LDADD)

TESTS += tests/check_bitmap
