# SPDX-License-Identifier: LGPL-2.1-only
# Engine suites: bitmap, host, need, placement.
check_PROGRAMS += tests/check_bitmap
tests_check_bitmap_SOURCES = tests/check_bitmap.c
tests_check_bitmap_CFLAGS = $(CORE_TEST_CFLAGS)
tests_check_bitmap_LDADD = $(CORE_TEST_LDADD)
TESTS += tests/check_bitmap
