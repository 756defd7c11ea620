# SPDX-License-Identifier: LGPL-2.1-only
# Fuzzing (fuzz/README.md).
#
#  - make fuzz-smoke: builds each harness with clang and libFuzzer (ASan
#    and UBSan) into fuzz/build/, apart from the ordinary build, and runs
#    each for FUZZ_SECONDS (default 60) from fuzz/corpus/NAME and
#    fuzz/regress/NAME; fails on any crash, leak, timeout or broken
#    invariant.  FUZZ_JOBS harnesses run at once (default 1).
#  - make check: fuzz/replay_NAME, the same harness with the ordinary
#    compiler and a plain main(), replays the corpus and every input that
#    once failed (tests/hardening/fuzz-replay.sh).

FUZZ_HARNESSES_CORE = state_json numactl xl_texts hwloc
FUZZ_COMMON_SRCS = fuzz/fuzz.h fuzz/fuzzutil.c fuzz/replay.c
FUZZ_CORE_LDADD = libxl_numa/libcore.la $(XENTOOLLOG_LIBS) $(YAJL_LIBS) -lm

check_PROGRAMS += fuzz/replay_state_json fuzz/replay_numactl \
	fuzz/replay_xl_texts fuzz/replay_hwloc
fuzz_replay_state_json_SOURCES = $(FUZZ_COMMON_SRCS) fuzz/fuzz_state_json.c
fuzz_replay_state_json_CPPFLAGS = $(AM_CPPFLAGS) -D_GNU_SOURCE
fuzz_replay_state_json_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS)
fuzz_replay_state_json_LDADD = $(FUZZ_CORE_LDADD)
fuzz_replay_numactl_SOURCES = $(FUZZ_COMMON_SRCS) fuzz/fuzz_numactl.c
fuzz_replay_numactl_CPPFLAGS = $(AM_CPPFLAGS) -D_GNU_SOURCE
fuzz_replay_numactl_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS)
fuzz_replay_numactl_LDADD = $(FUZZ_CORE_LDADD)
fuzz_replay_xl_texts_SOURCES = $(FUZZ_COMMON_SRCS) fuzz/fuzz_xl_texts.c
fuzz_replay_xl_texts_CPPFLAGS = $(AM_CPPFLAGS) -D_GNU_SOURCE
fuzz_replay_xl_texts_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS)
fuzz_replay_xl_texts_LDADD = $(FUZZ_CORE_LDADD)
fuzz_replay_hwloc_SOURCES = $(FUZZ_COMMON_SRCS) fuzz/fuzz_hwloc.c
fuzz_replay_hwloc_CPPFLAGS = $(AM_CPPFLAGS) -D_GNU_SOURCE
fuzz_replay_hwloc_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS)
fuzz_replay_hwloc_LDADD = $(FUZZ_CORE_LDADD)

# The harnesses that reach into the xl-numa command link its objects but
# xl_numa.c (fuzz/fuzz_cli.c stands in for its cli, cli_err and help),
# so they follow xl_ext/local.mk without a list of their own.
FUZZ_XL_OBJS = $(filter-out xl_ext/xl_numa-xl_numa.$(OBJEXT), \
	$(xl_ext_xl_numa_OBJECTS))
FUZZ_CLI_SRCS = fuzz/fuzz_cli.h fuzz/fuzz_cli.c
FUZZ_CLI_CPPFLAGS = $(AM_CPPFLAGS) -D_GNU_SOURCE -I$(top_srcdir)/xl_ext
FUZZ_CLI_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS) $(XENLIGHT_CFLAGS) \
	$(XLUTIL_CFLAGS)
FUZZ_CLI_LDADD = $(FUZZ_XL_OBJS) $(xl_ext_xl_numa_LDADD)
FUZZ_CLI_DEPS = $(FUZZ_XL_OBJS) $(xl_ext_xl_numa_DEPENDENCIES)
if XL_EXT
FUZZ_HARNESSES = $(FUZZ_HARNESSES_CORE) cpulist xlcfg
check_PROGRAMS += fuzz/replay_cpulist fuzz/replay_xlcfg
fuzz_replay_cpulist_SOURCES = $(FUZZ_COMMON_SRCS) $(FUZZ_CLI_SRCS) \
	fuzz/fuzz_cpulist.c
fuzz_replay_cpulist_CPPFLAGS = $(FUZZ_CLI_CPPFLAGS)
fuzz_replay_cpulist_CFLAGS = $(FUZZ_CLI_CFLAGS)
fuzz_replay_cpulist_LDADD = $(FUZZ_CLI_LDADD)
fuzz_replay_cpulist_DEPENDENCIES = $(FUZZ_CLI_DEPS)
fuzz_replay_xlcfg_SOURCES = $(FUZZ_COMMON_SRCS) $(FUZZ_CLI_SRCS) \
	fuzz/fuzz_xlcfg.c
fuzz_replay_xlcfg_CPPFLAGS = $(FUZZ_CLI_CPPFLAGS)
fuzz_replay_xlcfg_CFLAGS = $(FUZZ_CLI_CFLAGS)
fuzz_replay_xlcfg_LDADD = $(FUZZ_CLI_LDADD)
fuzz_replay_xlcfg_DEPENDENCIES = $(FUZZ_CLI_DEPS)
else
FUZZ_HARNESSES = $(FUZZ_HARNESSES_CORE)
endif

EXTRA_DIST += fuzz/README.md fuzz/smoke.sh fuzz/mkseeds.sh fuzz/lsan.supp \
	fuzz/corpus \
	fuzz/regress fuzz/dict

# ---- make fuzz-smoke: clang + libFuzzer, in fuzz/build/ -----------------

FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_JOBS = 1
FUZZ_BUILD = fuzz/build
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_CFLAGS = -g -O1 $(FUZZ_SANITIZE) -fsanitize=fuzzer-no-link \
	-I$(top_builddir) -I$(top_srcdir)/libxl_numa -I$(top_srcdir)/xl_ext \
	-I$(top_srcdir)/preload -I$(top_srcdir)/fuzz $(XENTOOLLOG_CFLAGS) \
	$(YAJL_CFLAGS) $(XENLIGHT_CFLAGS) $(XENCTRL_CFLAGS) $(XLUTIL_CFLAGS)
FUZZ_LIBS = $(XLUTIL_LIBS) $(XENLIGHT_LIBS) $(XENCTRL_LIBS) \
	$(XENTOOLLOG_LIBS) $(YAJL_LIBS) -lm

# The library's and the command's sources as their fragments list them
# (libcore for every harness; the adapter and xl-numa but its main() for
# the command's), each built with clang.
FUZZ_CORE_OBJS = $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o, \
	$(filter %.c,$(libxl_numa_libcore_la_SOURCES)) fuzz/fuzzutil.c)
FUZZ_CMD_OBJS = $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o, \
	$(filter %.c,$(libxl_numa_libadapter_la_SOURCES)) \
	$(filter-out xl_ext/xl_numa.c,$(filter %.c,$(xl_ext_xl_numa_SOURCES))) \
	fuzz/fuzz_cli.c)
FUZZ_HDRS = $(wildcard $(top_srcdir)/libxl_numa/*.h $(top_srcdir)/xl_ext/*.h \
	$(top_srcdir)/preload/*.h $(top_srcdir)/fuzz/*.h)
FUZZ_BINS = $(patsubst %,$(FUZZ_BUILD)/fuzz_%,$(FUZZ_HARNESSES))
FUZZ_CORE_BINS = $(patsubst %,$(FUZZ_BUILD)/fuzz_%,$(FUZZ_HARNESSES_CORE))
FUZZ_CMD_BINS = $(filter-out $(FUZZ_CORE_BINS),$(FUZZ_BINS))

# Each with its own fragment's preprocessor flags (libcore: none but
# AM_CPPFLAGS, and no _GNU_SOURCE; placement.c defines it itself).
$(FUZZ_BUILD)/obj/libxl_numa/%.o: $(top_srcdir)/libxl_numa/%.c $(FUZZ_HDRS)
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) $(AM_CPPFLAGS) -c -o $@ $<
$(FUZZ_BUILD)/obj/fuzz/%.o: $(top_srcdir)/fuzz/%.c $(FUZZ_HDRS)
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) $(AM_CPPFLAGS) -D_GNU_SOURCE \
	    -c -o $@ $<
$(FUZZ_BUILD)/obj/%.o: $(top_srcdir)/%.c $(FUZZ_HDRS)
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) $(xl_ext_xl_numa_CPPFLAGS) \
	    -c -o $@ $<
$(FUZZ_CORE_BINS): $(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/fuzz/fuzz_%.o \
		$(FUZZ_CORE_OBJS)
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_SANITIZE) -fsanitize=fuzzer -o $@ $^ \
	    $(FUZZ_LIBS)
$(FUZZ_CMD_BINS): $(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/fuzz/fuzz_%.o \
		$(FUZZ_CORE_OBJS) $(FUZZ_CMD_OBJS)
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_SANITIZE) -fsanitize=fuzzer -o $@ $^ \
	    $(FUZZ_LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz-smoke: fuzz-build
	FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_JOBS='$(FUZZ_JOBS)' \
	    $(SHELL) $(top_srcdir)/fuzz/smoke.sh $(FUZZ_BUILD) \
	    $(top_srcdir)/fuzz $(FUZZ_HARNESSES)

fuzz-clean:
	-rm -rf $(FUZZ_BUILD)
clean-local: fuzz-clean

.PHONY: fuzz-build fuzz-smoke fuzz-clean
.PRECIOUS: $(FUZZ_BUILD)/obj/%.o
