# SPDX-License-Identifier: LGPL-2.1-only
# The brute-force reference of the placement semantics (tests/reference.c,
# written apart from the engine) and the suites that check the engine
# against it: hand-worked cases and a seeded random differential test.
check_PROGRAMS += tests/check_placement_cases tests/check_differential
tests_check_placement_cases_SOURCES = tests/check_placement_cases.c \
	tests/reference.c tests/reference.h
tests_check_placement_cases_CFLAGS = $(CORE_TEST_CFLAGS)
tests_check_placement_cases_LDADD = $(CORE_TEST_LDADD)
tests_check_differential_SOURCES = tests/check_differential.c \
	tests/reference.c tests/reference.h
tests_check_differential_CFLAGS = $(CORE_TEST_CFLAGS)
tests_check_differential_LDADD = $(CORE_TEST_LDADD)
TESTS += tests/check_placement_cases tests/check_differential
