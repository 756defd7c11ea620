# SPDX-License-Identifier: LGPL-2.1-only
# The xl-numa command: one file per verb (cmd_*.c), one per step of the
# way through (host source, config, decision, enactment, output).
if XL_EXT
bin_PROGRAMS += xl_ext/xl-numa
xl_ext_xl_numa_SOURCES = \
	xl_ext/xl_numa.h xl_ext/xl_numa.c xl_ext/util.c \
	xl_ext/hostarg.c xl_ext/cpulist.c xl_ext/guestcfg.c \
	xl_ext/place_decide.c xl_ext/overrides.c \
	xl_ext/output_text.c xl_ext/output_json.c \
	xl_ext/spawn.c xl_ext/lock.c xl_ext/staterec.c xl_ext/verify.c \
	xl_ext/cmd_place.c xl_ext/cmd_info.c xl_ext/cmd_vcpulist.c \
	xl_ext/cmd_capture.c xl_ext/cmd_create.c xl_ext/cmd_destroy.c
# With no Xen and no --host, the example host: the installed copy, else
# the source tree's (running from the build tree).
xl_ext_xl_numa_CPPFLAGS = $(AM_CPPFLAGS) -D_GNU_SOURCE \
	-DEXAMPLE_HOST=\"$(pkgdatadir)/hosts/dl980.json\" \
	-DEXAMPLE_HOST_SRC=\"$(abs_top_srcdir)/examples/hosts/dl980.json\"
xl_ext_xl_numa_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) $(XLUTIL_CFLAGS) \
	$(YAJL_CFLAGS)
xl_ext_xl_numa_LDADD = libxl_numa/libxlnuma.la $(XLUTIL_LIBS) \
	$(XENLIGHT_LIBS) $(XENTOOLLOG_LIBS) $(YAJL_LIBS)

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
