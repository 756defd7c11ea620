# SPDX-License-Identifier: LGPL-2.1-only
# libxlnuma-preload.so: NUMA placement inside every libxl client (xl,
# libvirt's libxl driver), loaded with LD_PRELOAD; docs/preload.md.  A
# libtool module installed in $(pkglibdir): the engine and the libxl
# adapter are linked in, and the version script exports nothing but the
# two libxl entry points it interposes.  hostlock.c is shared with
# xl-numa create (xl_ext/lock.c).
pkglib_LTLIBRARIES += preload/libxlnuma-preload.la
preload_libxlnuma_preload_la_SOURCES = \
	preload/preload.h preload/interpose.c preload/session.c \
	preload/settings.c preload/rewrite.c preload/libxl_ops.c \
	preload/hostlock.h preload/hostlock.c
preload_libxlnuma_preload_la_CPPFLAGS = $(AM_CPPFLAGS) -D_GNU_SOURCE
preload_libxlnuma_preload_la_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) \
	$(XENTOOLLOG_CFLAGS)
preload_libxlnuma_preload_la_LIBADD = libxl_numa/libadapter.la \
	libxl_numa/libcore.la $(XENLIGHT_LIBS) $(XENTOOLLOG_LIBS) \
	$(YAJL_LIBS) $(DLOPEN_LIBS) -lpthread
preload_libxlnuma_preload_la_LDFLAGS = $(AM_LDFLAGS) -module \
	-avoid-version -Wl,-z,defs \
	-Wl,--version-script=$(srcdir)/preload/libxlnuma-preload.map
EXTRA_preload_libxlnuma_preload_la_DEPENDENCIES = \
	$(srcdir)/preload/libxlnuma-preload.map
EXTRA_DIST += preload/libxlnuma-preload.map docs/preload.md
