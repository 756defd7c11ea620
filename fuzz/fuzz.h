/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * fuzz.h: shared by the libFuzzer harnesses (fuzz/README.md).
 *
 * Each harness is one fuzz_*.c defining LLVMFuzzerTestOneInput.  It is
 * linked twice: with clang's libFuzzer for `make fuzz-smoke', and with
 * fuzz/replay.c (a main() that feeds it files) for `make check', which
 * replays the seed corpus and every input that once crashed.
 *
 * Besides "no crash, no leak, no undefined behaviour", the harnesses
 * check what the house style promises (fuzz_check_rc, fuzz_check_host):
 * a failure is a negative XLNUMA_ERROR_* with a message logged, and a
 * host that loads survives a JSON round trip unchanged.
 */
#ifndef XLNUMA_FUZZ_H
#define XLNUMA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xlnuma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A ctx whose logger formats every message (so a bad format argument
 * is caught) and counts the errors; made once, kept for the process. */
xlnuma_ctx *fuzz_ctx(void);
xentoollog_logger *fuzz_logger(void);
/* Forget the messages so far. */
void fuzz_log_reset(void);
/* Messages at XTL_ERROR or above since the last reset. */
unsigned fuzz_log_errors(void);
/* The last message (for failure reports). */
const char *fuzz_log_last(void);

/* A NUL-terminated copy of data (NUL bytes inside are kept, so the C
 * string ends at the first one); NULL on OOM. */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* Split data at NUL bytes into at most max pieces, each a malloc'd
 * string; *nr_r pieces.  The last piece takes the rest (its own NUL
 * bytes cut it short).  Returns 0, or -1 on OOM (nothing to free). */
int fuzz_split(const uint8_t *data, size_t size, unsigned max,
               char **pieces, unsigned *nr_r);
void fuzz_split_free(char **pieces, unsigned nr);

/* rc is 0 or a known negative code, and a failure other than NOMEM
 * logged at least one error; else abort naming what. */
void fuzz_check_rc(int rc, const char *what);
/* h (finished) -> JSON -> host -> JSON gives the same bytes. */
void fuzz_check_host(const xlnuma_host *h, const char *what);
/* fuzz_check_host, then a small placement on h (bounded steps) whose
 * answer must be a set of h's nodes with the memory asked for. */
void fuzz_exercise_host(const xlnuma_host *h, const char *what);
/* A fixed small host: 4 nodes (0: pCPUs 0-3, 1: 4-7, 2: memory only,
 * 3: 8-11), pCPU 12 offline; Pool-0 = 0-7, "pool1" = 8-11; Domain-0 with
 * 2 vCPUs.  Made once. */
const xlnuma_host *fuzz_small_host(void);

#define FUZZ_ASSERT(cond, ...)                                             \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "fuzz: %s:%d: ", __FILE__, __LINE__);          \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
            abort();                                                       \
        }                                                                  \
    } while (0)

#endif /* XLNUMA_FUZZ_H */
