# SPDX-License-Identifier: LGPL-2.1-only
# libxlnuma-preload.so (preload/).  check_preload builds the module's
# logic from its sources (not interpose.c: the test supplies a fake
# "real" libxl function and fake I/O) and needs no hypervisor.  Its
# "module" cases load the built module and run the built xl-numa (the
# XL_NUMA of AM_TESTS_ENVIRONMENT; skipped without xl-ext); under
# --enable-sanitizers the cases that preload the module are skipped.
check_PROGRAMS += tests/check_preload
tests_check_preload_SOURCES = tests/check_preload.c \
	preload/preload.h preload/session.c preload/settings.c \
	preload/rewrite.c preload/libxl_ops.c preload/hostlock.h \
	preload/hostlock.c
tests_check_preload_CPPFLAGS = $(AM_CPPFLAGS) -D_GNU_SOURCE \
	-I$(top_srcdir)/preload -I$(top_srcdir)/tests \
	-DPRELOAD_BUILD_MODULE=\"$(abs_top_builddir)/preload/.libs/libxlnuma-preload.so\"
if SANITIZERS
tests_check_preload_CPPFLAGS += -DXLNUMA_TEST_SANITIZERS
endif
tests_check_preload_CFLAGS = $(CORE_TEST_CFLAGS) $(XENLIGHT_CFLAGS)
tests_check_preload_LDADD = tests/libtestutil.la libxl_numa/libadapter.la \
	libxl_numa/libcore.la $(XENLIGHT_LIBS) $(XENTOOLLOG_LIBS) \
	$(YAJL_LIBS) $(CHECK_LIBS) $(DLOPEN_LIBS) -lpthread
TESTS += tests/check_preload
