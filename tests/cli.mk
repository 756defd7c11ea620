# SPDX-License-Identifier: LGPL-2.1-only
# The xl-numa command's tests.
#  - tests/cli/check_cli: unit tests of its own pieces (list formatting,
#    cpu-list syntax, overrides, the state file's memory split), built
#    from its sources without its main().
#  - tests/cli/run.sh: golden tests; every tests/cli/cases/NAME.cmd runs
#    against the built xl_ext/xl-numa (make check runs tests from the top
#    build directory; XL_NUMA_BIN overrides the binary).
if XL_EXT
check_PROGRAMS += tests/cli/check_cli
tests_cli_check_cli_SOURCES = tests/cli/check_cli.c xl_ext/xl_numa.h \
	xl_ext/util.c xl_ext/cpulist.c xl_ext/overrides.c \
	xl_ext/place_decide.c xl_ext/guestcfg.c xl_ext/staterec.c \
	xl_ext/guard.c xl_ext/vnuma.c xl_ext/plugin.c
tests_cli_check_cli_SOURCES += xl_ext/locality.c
tests_cli_check_cli_CPPFLAGS = $(AM_CPPFLAGS) -D_GNU_SOURCE \
	-I$(top_srcdir)/xl_ext -I$(top_srcdir)/tests
tests_cli_check_cli_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) \
	$(XLUTIL_CFLAGS) $(CHECK_CFLAGS)
tests_cli_check_cli_LDADD = tests/libtestutil.la libxl_numa/libxlnuma.la \
	$(XLUTIL_LIBS) $(XENLIGHT_LIBS) $(XENTOOLLOG_LIBS) $(CHECK_LIBS) \
	$(DLOPEN_LIBS)
TESTS += tests/cli/check_cli tests/cli/run.sh

# The over-commit guard's split and the vNUMA plan (xl_ext/guard.c,
# vnuma.c), worked by hand.
check_PROGRAMS += tests/cli/check_guard
tests_cli_check_guard_SOURCES = tests/cli/check_guard.c xl_ext/xl_numa.h \
	xl_ext/guard.c xl_ext/vnuma.c xl_ext/util.c xl_ext/guestcfg.c \
	xl_ext/place_decide.c xl_ext/overrides.c xl_ext/cpulist.c \
	xl_ext/plugin.c xl_ext/locality.c
tests_cli_check_guard_CPPFLAGS = $(tests_cli_check_cli_CPPFLAGS)
tests_cli_check_guard_CFLAGS = $(tests_cli_check_cli_CFLAGS)
tests_cli_check_guard_LDADD = $(tests_cli_check_cli_LDADD)
TESTS += tests/cli/check_guard

# Two broken policy plug-ins for the golden tests of the loader
# (xl_ext/plugin.c): one built for another API version, one whose init
# fails.  Modules, never installed; -rpath makes the shared objects.
check_LTLIBRARIES += tests/cli/plugin-bad-version.la \
	tests/cli/plugin-init-fails.la
tests_cli_plugin_bad_version_la_SOURCES = tests/cli/plugin-bad.c
tests_cli_plugin_bad_version_la_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS) \
	-DPLUGIN_BAD_VERSION
tests_cli_plugin_bad_version_la_LDFLAGS = $(AM_LDFLAGS) -module \
	-avoid-version -shared -rpath /nowhere
tests_cli_plugin_init_fails_la_SOURCES = tests/cli/plugin-bad.c
tests_cli_plugin_init_fails_la_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS)
tests_cli_plugin_init_fails_la_LDFLAGS = $(AM_LDFLAGS) -module \
	-avoid-version -shared -rpath /nowhere
endif
EXTRA_DIST += tests/cli/run.sh tests/cli/fake-xl tests/cli/cases \
	tests/cli/cfg tests/cli/hosts
