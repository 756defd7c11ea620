# SPDX-License-Identifier: LGPL-2.1-only
# The libxl adapter.  check_libxl_convert builds libxl's arrays and build
# infos itself and needs no hypervisor; check_libxl_host reads the live
# host and exits 77 (SKIP) where there is no Xen.
LIBXL_TEST_CFLAGS = $(CORE_TEST_CFLAGS) $(XENLIGHT_CFLAGS)
LIBXL_TEST_LDADD = tests/libtestutil.la libxl_numa/libadapter.la \
	libxl_numa/libcore.la $(XENLIGHT_LIBS) $(XENTOOLLOG_LIBS) \
	$(YAJL_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/check_libxl_convert tests/check_libxl_host
tests_check_libxl_convert_SOURCES = tests/check_libxl_convert.c
tests_check_libxl_convert_CFLAGS = $(LIBXL_TEST_CFLAGS)
tests_check_libxl_convert_LDADD = $(LIBXL_TEST_LDADD)
tests_check_libxl_host_SOURCES = tests/check_libxl_host.c
tests_check_libxl_host_CFLAGS = $(LIBXL_TEST_CFLAGS)
tests_check_libxl_host_LDADD = $(LIBXL_TEST_LDADD)
TESTS += tests/check_libxl_convert tests/check_libxl_host
