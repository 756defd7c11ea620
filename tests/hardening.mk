# SPDX-License-Identifier: LGPL-2.1-only
# Hardening (tests/hardening/README.md): limits, fuzz corpus replay,
# parallel creates, crash safety, what reaches xl, valgrind.
#  - tests/check_limits: absurd sizes and counts, core only.
#  - tests/hardening/fuzz-replay.sh: the fuzz harnesses (fuzz/local.mk)
#    over their seeds and every input that once failed.
#  - parallel-create.sh, crash-safety.sh, exec-safety.sh: xl-numa create
#    under load, SIGKILL and hostile arguments (statecheck checks a state
#    file against the one it started from; fakelibxl.so stands in for the
#    live host, record-xl for xl).
#  - valgrind-cli.sh: CLI golden cases under valgrind memcheck (skipped
#    without valgrind).
check_PROGRAMS += tests/check_limits tests/hardening/statecheck
tests_check_limits_SOURCES = tests/check_limits.c
tests_check_limits_CFLAGS = $(CORE_TEST_CFLAGS)
tests_check_limits_LDADD = $(CORE_TEST_LDADD)
tests_hardening_statecheck_SOURCES = tests/hardening/statecheck.c
tests_hardening_statecheck_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS)
tests_hardening_statecheck_LDADD = libxl_numa/libcore.la \
	$(XENTOOLLOG_LIBS) $(YAJL_LIBS) -lm
TESTS += tests/check_limits tests/hardening/fuzz-replay.sh

if XL_EXT
# A shared object to LD_PRELOAD, built only for the tests.
check_LTLIBRARIES += tests/hardening/fakelibxl.la
tests_hardening_fakelibxl_la_SOURCES = tests/hardening/fakelibxl.c
tests_hardening_fakelibxl_la_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS) \
	$(XENLIGHT_CFLAGS)
tests_hardening_fakelibxl_la_LDFLAGS = $(AM_LDFLAGS) -module \
	-avoid-version -shared -rpath /nowhere
TESTS += tests/hardening/parallel-create.sh \
	tests/hardening/crash-safety.sh tests/hardening/exec-safety.sh \
	tests/hardening/valgrind-cli.sh
endif
EXTRA_DIST += tests/hardening/README.md tests/hardening/lib.sh \
	tests/hardening/fuzz-replay.sh tests/hardening/parallel-create.sh \
	tests/hardening/crash-safety.sh tests/hardening/exec-safety.sh \
	tests/hardening/valgrind-cli.sh tests/hardening/valgrind.supp \
	tests/hardening/record-xl

# Every CLI golden case under valgrind (make check runs a subset).
check-valgrind: xl_ext/xl-numa tests/hardening/statecheck
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    VALGRIND_CASES=all $(SHELL) $(srcdir)/tests/hardening/valgrind-cli.sh
.PHONY: check-valgrind
