# SPDX-License-Identifier: LGPL-2.1-only
# The rebalance advisor (libxl_numa/advise.c) on hosts worked by hand.
check_PROGRAMS += tests/check_advise
tests_check_advise_SOURCES = tests/check_advise.c
tests_check_advise_CFLAGS = $(CORE_TEST_CFLAGS)
tests_check_advise_LDADD = $(CORE_TEST_LDADD)
TESTS += tests/check_advise
