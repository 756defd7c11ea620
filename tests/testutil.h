/* SPDX-License-Identifier: LGPL-2.1-only */
/* testutil.h: fixtures shared by the check suites. */
#ifndef XLNUMA_TESTUTIL_H
#define XLNUMA_TESTUTIL_H

#include <check.h>
#include <stdint.h>

#include "xlnuma.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIB (UINT64_C(1024))
#define GIB (UINT64_C(1024) * 1024)
#define TIB (UINT64_C(1024) * 1024 * 1024)

/* A logger that keeps every message, so tests can assert on them. */
typedef struct xlnuma_test_logger xlnuma_test_logger;
xlnuma_test_logger *xlnuma_test_logger_new(void);
xentoollog_logger *xlnuma_test_logger_xtl(xlnuma_test_logger *l);
/* All messages so far, one per line (borrowed). */
const char *xlnuma_test_logger_text(const xlnuma_test_logger *l);
void xlnuma_test_logger_reset(xlnuma_test_logger *l);
void xlnuma_test_logger_free(xlnuma_test_logger *l);

/* A ctx with a capturing logger, for fixtures. */
extern xlnuma_ctx *test_ctx;
extern xlnuma_test_logger *test_log;
void test_ctx_setup(void);
void test_ctx_teardown(void);
/* The messages logged through test_ctx. */
const char *test_log_text(void);

/* Uniform host: nodes x cpus_per_node, every node mem/free as given,
 * SLIT 10 local / 20 remote.  Fails the test on error. */
xlnuma_host *test_host_uniform(unsigned nodes, unsigned cpus_per_node,
                               uint64_t size_kib, uint64_t free_kib);
/* Adds a domain with vcpus, all hard affinity = cpus (NULL: all), node
 * affinity = nodes (NULL: all) to an unfinished host. */
void test_host_add_domain(xlnuma_host *h, uint32_t domid, const char *name,
                          unsigned pool, unsigned vcpus, const char *cpus,
                          const char *nodes);
/* The source tree's path of a fixture ("tests/data/..."). */
char *test_srcpath(const char *rel);

/* Runs the suite (CK_NORMAL) and returns EXIT_SUCCESS or EXIT_FAILURE. */
int xlnuma_test_run(Suite *s);

#endif
