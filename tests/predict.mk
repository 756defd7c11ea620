# SPDX-License-Identifier: LGPL-2.1-only
# Where Xen's allocator puts a guest's pages (libxl_numa/predict.c).
check_PROGRAMS += tests/check_predict
tests_check_predict_SOURCES = tests/check_predict.c
tests_check_predict_CFLAGS = $(CORE_TEST_CFLAGS)
tests_check_predict_LDADD = $(CORE_TEST_LDADD)
TESTS += tests/check_predict
