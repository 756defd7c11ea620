# SPDX-License-Identifier: LGPL-2.1-only
# Engine suites: bitmap, host, need, placement.
check_PROGRAMS += tests/check_bitmap
tests_check_bitmap_SOURCES = tests/check_bitmap.c
tests_check_bitmap_CFLAGS = $(CORE_TEST_CFLAGS)
tests_check_bitmap_LDADD = $(CORE_TEST_LDADD)
TESTS += tests/check_bitmap

check_PROGRAMS += tests/check_need tests/check_engine
tests_check_need_SOURCES = tests/check_need.c
tests_check_need_CFLAGS = $(CORE_TEST_CFLAGS)
tests_check_need_LDADD = $(CORE_TEST_LDADD)
tests_check_engine_SOURCES = tests/check_engine.c
tests_check_engine_CFLAGS = $(CORE_TEST_CFLAGS)
tests_check_engine_LDADD = $(CORE_TEST_LDADD)
TESTS += tests/check_need tests/check_engine

# Build hygiene: the export map matches the headers; each public header
# compiles alone.
TESTS += tests/check-map.sh tests/check-headers.sh
EXTRA_DIST += tests/check-map.sh tests/check-headers.sh scripts/gen-map.sh \
	scripts/demo.sh
