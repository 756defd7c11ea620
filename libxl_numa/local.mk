# SPDX-License-Identifier: LGPL-2.1-only
# The pure core is a convenience library built without any Xen library
# but libxentoollog: the unit tests link it directly, so the core cannot
# reach libxl even by accident.
noinst_LTLIBRARIES += libxl_numa/libcore.la libxl_numa/libadapter.la
libxl_numa_libcore_la_SOURCES = \
	libxl_numa/xlnuma_internal.h \
	libxl_numa/errors.c libxl_numa/log.c libxl_numa/util.c \
	libxl_numa/bitmap.c libxl_numa/host.c libxl_numa/need.c \
	libxl_numa/load.c libxl_numa/policy.c libxl_numa/placement.c \
	libxl_numa/parse_xl.c libxl_numa/parse_numactl.c \
	libxl_numa/state_json.c libxl_numa/hostsrc.c
# Where Xen's allocator puts a guest's pages (docs/placement.md).
libxl_numa_libcore_la_SOURCES += libxl_numa/predict.c
# hwloc XML as a host source; replaying traces of guests (simulation.md).
libxl_numa_libcore_la_SOURCES += libxl_numa/parse_hwloc.c \
	libxl_numa/simulate.c
# Rebalance advice for running guests (docs/placement.md).
libxl_numa_libcore_la_SOURCES += libxl_numa/advise.c
libxl_numa_libcore_la_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS) $(YAJL_CFLAGS)
libxl_numa_libcore_la_LIBADD = $(XENTOOLLOG_LIBS) $(YAJL_LIBS) -lm

libxl_numa_libadapter_la_SOURCES = \
	libxl_numa/libxl_convert.c libxl_numa/libxl_host.c
libxl_numa_libadapter_la_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) \
	$(XENCTRL_CFLAGS)

lib_LTLIBRARIES += libxl_numa/libxlnuma.la
include_HEADERS += libxl_numa/xlnuma.h libxl_numa/xlnuma_libxl.h
libxl_numa_libxlnuma_la_SOURCES =
libxl_numa_libxlnuma_la_LIBADD = libxl_numa/libcore.la \
	libxl_numa/libadapter.la $(XENLIGHT_LIBS) $(XENCTRL_LIBS) \
	$(XENTOOLLOG_LIBS) $(YAJL_LIBS)
libxl_numa_libxlnuma_la_LDFLAGS = $(AM_LDFLAGS) -version-info 0:0:0 \
	-Wl,--version-script=$(srcdir)/libxl_numa/libxlnuma.map
EXTRA_DIST += libxl_numa/libxlnuma.map
