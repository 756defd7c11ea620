# SPDX-License-Identifier: LGPL-2.1-only
if XL_EXT
bin_PROGRAMS += xl_ext/xl-numa
xl_ext_xl_numa_SOURCES = xl_ext/xl_numa.c
xl_ext_xl_numa_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) $(XLUTIL_CFLAGS) \
	$(YAJL_CFLAGS)
xl_ext_xl_numa_LDADD = libxl_numa/libxlnuma.la $(XLUTIL_LIBS) \
	$(XENLIGHT_LIBS) $(XENTOOLLOG_LIBS) $(YAJL_LIBS)
endif
