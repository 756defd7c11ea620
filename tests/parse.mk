# SPDX-License-Identifier: LGPL-2.1-only
# Host sources: xl captures, numactl -H, the JSON state file.
check_PROGRAMS += tests/check_parse tests/check_state
tests_check_parse_SOURCES = tests/check_parse.c
tests_check_parse_CFLAGS = $(CORE_TEST_CFLAGS)
tests_check_parse_LDADD = $(CORE_TEST_LDADD)
tests_check_state_SOURCES = tests/check_state.c
tests_check_state_CFLAGS = $(CORE_TEST_CFLAGS)
tests_check_state_LDADD = $(CORE_TEST_LDADD)
TESTS += tests/check_parse tests/check_state

# The fixtures: real captures (shared-xenlab-*, and xenlab-* recorded by
# tests/xenlab/lab.sh), hand-made ones in the same formats, bad inputs
# and the golden JSON of each.
EXTRA_DIST += tests/data/dl980 tests/data/guest-4cell \
	tests/data/numactl-sparse tests/data/shared-xenlab-2node \
	tests/data/shared-xenlab-4node tests/data/xenlab-2node \
	tests/data/xenlab-4node tests/data/xl-handmade tests/data/bad \
	tests/data/expected
