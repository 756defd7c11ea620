# SPDX-License-Identifier: LGPL-2.1-only
# The xl-numa command: one file per verb (cmd_*.c), one per step of the
# way through (host source, config, decision, enactment, output).
if XL_EXT
bin_PROGRAMS += xl_ext/xl-numa
xl_ext_xl_numa_SOURCES = \
	xl_ext/xl_numa.h xl_ext/xl_numa.c xl_ext/util.c \
	xl_ext/hostarg.c xl_ext/cpulist.c xl_ext/guestcfg.c \
	xl_ext/place_decide.c xl_ext/overrides.c \
	xl_ext/guard.c xl_ext/vnuma.c xl_ext/plugin.c \
	xl_ext/output_text.c xl_ext/output_json.c \
	xl_ext/spawn.c xl_ext/lock.c xl_ext/staterec.c xl_ext/verify.c \
	xl_ext/cmd_place.c xl_ext/cmd_info.c xl_ext/cmd_vcpulist.c \
	xl_ext/cmd_capture.c xl_ext/cmd_create.c xl_ext/cmd_destroy.c \
	xl_ext/cmd_advise.c
# xl-numa simulate (docs/simulation.md).
xl_ext_xl_numa_SOURCES += xl_ext/cmd_simulate.c
# Where the guest's pages land: predicted and measured (docs/placement.md).
xl_ext_xl_numa_SOURCES += xl_ext/locality.c
# xl-numa xl: xl with libxlnuma-preload.so (docs/preload.md).  The host
# lock is preload/hostlock.c, shared with the module.
xl_ext_xl_numa_SOURCES += xl_ext/cmd_xl.c preload/hostlock.h \
	preload/hostlock.c
# With no Xen and no --host, the example host: the installed copy, else
# the source tree's (running from the build tree).
xl_ext_xl_numa_CPPFLAGS = $(AM_CPPFLAGS) -D_GNU_SOURCE \
	-DEXAMPLE_HOST=\"$(pkgdatadir)/hosts/dl980.json\" \
	-DEXAMPLE_HOST_SRC=\"$(abs_top_srcdir)/examples/hosts/dl980.json\"
# The module xl-numa xl preloads: the installed one, or the build tree's
# when this xl-numa runs from the build tree.
xl_ext_xl_numa_CPPFLAGS += -I$(top_srcdir)/preload \
	-DPRELOAD_MODULE=\"$(pkglibdir)/libxlnuma-preload.so\" \
	-DPRELOAD_MODULE_BUILD=\"$(abs_top_builddir)/preload/.libs/libxlnuma-preload.so\" \
	-DXL_NUMA_BUILDDIR=\"$(abs_top_builddir)/xl_ext\"
xl_ext_xl_numa_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) $(XLUTIL_CFLAGS) \
	$(YAJL_CFLAGS)
xl_ext_xl_numa_LDADD = libxl_numa/libxlnuma.la $(XLUTIL_LIBS) \
	$(XENLIGHT_LIBS) $(XENTOOLLOG_LIBS) $(YAJL_LIBS) $(DLOPEN_LIBS)

# The example hosts, for xl-numa without Xen and for the man page's
# examples (the source tree's examples/ is distributed whole).
xlnumahostsdir = $(pkgdatadir)/hosts
xlnumahosts_DATA = examples/hosts/dl980.json examples/hosts/dl980-numactl.txt

# Its man page (docs/local.mk has the pod2man rule; tests/check-pod.sh
# checks every docs/*.pod) and bash completion.
dist_man_MANS += docs/xl-numa.1
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = docs/bash-completion/xl-numa
endif
EXTRA_DIST += docs/xl-numa.1.pod
