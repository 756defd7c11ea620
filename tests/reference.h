/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * reference.h: a brute-force reference of the placement semantics.
 *
 * Written only from the normative placement semantics (docs and the
 * policy table), never from libxl_numa/placement.c, load.c or policy.c,
 * so that the engine and this reference check each other.  It reads the
 * host only through the public readers of xlnuma.h and recomputes every
 * figure of every node set from its definition: slow, obvious, and
 * meant to stay that way.
 */
#ifndef XLNUMA_TEST_REFERENCE_H
#define XLNUMA_TEST_REFERENCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "xlnuma.h"

/* What the semantics say the engine must answer. */
typedef struct {
    int rc;                     /* 0 or XLNUMA_ERROR_INVAL */
    xlnuma_outcome outcome;     /* meaningful when rc == 0 */
    /* When outcome == XLNUMA_PLACED: the chosen set and its figures. */
    xlnuma_bitmap nodes;
    unsigned nr_nodes;
    unsigned nr_cpus;           /* threads, or cores with smt_cores */
    unsigned nr_cores;          /* distinct (socket, core) pairs */
    unsigned load;
    uint64_t free_kib;
    uint64_t usable_kib;        /* what step 5 compared with the need */
    uint64_t distance;          /* sum over ordered pairs */
    unsigned max_distance;
    xlnuma_bitmap cpus;         /* suitable cpus of the chosen nodes */
    /* The search bounds, when the search was reached (a NOFIT_* other
     * than EMPTY_POOL, or PLACED). */
    bool have_bounds;
    unsigned min_nodes, max_nodes;
    /* Statistics of the brute force. */
    unsigned long long nr_sets;     /* node sets looked at */
    unsigned long long nr_feasible; /* of which feasible */
    bool shortcut;              /* NOFIT decided without enumerating */
    bool dma_fallback;          /* dma_aware found nothing: rule dropped */
} ref_result;

void ref_result_init(ref_result *r);
void ref_result_dispose(ref_result *r);

/* The semantics of placement, by brute force.  Returns out->rc.  The
 * built-in policies (req->policy NULL, or a policy without callbacks
 * named like a built-in) are taken from the reference's own table, not
 * from the policy's data; any other policy is used as given. */
int ref_place(const xlnuma_host *h, const xlnuma_request *req,
              ref_result *out);

/* ref_place() that gives up, returning REF_OVER_BUDGET (positive, and
 * in out->rc), before looking at more than max_sets node sets (0: no
 * limit).  For random tests that must bound their run time. */
#define REF_OVER_BUDGET 1
int ref_place_limited(const xlnuma_host *h, const xlnuma_request *req,
                      unsigned long long max_sets, ref_result *out);

/* "placed", "no-memory", ...: the reference's own words, for dumps. */
const char *ref_outcome_name(xlnuma_outcome o);

/* The figures of one given set of suitable nodes under req, as PLACED
 * in out, whether it is feasible (step 5) and whether it would be a
 * candidate (feasible and not filtered out).  INVAL when req ends before
 * any search, or nodes is empty or holds a node that is not suitable. */
int ref_evaluate(const xlnuma_host *h, const xlnuma_request *req,
                 const xlnuma_bitmap *nodes, ref_result *out,
                 bool *feasible_r, bool *accepted_r);

/* req's policy (as ref_place resolves it) comparing two PLACED results:
 * < 0 when a is better. */
int ref_compare_results(const xlnuma_request *req, const ref_result *a,
                        const ref_result *b);

/* The reference's own table of built-in policies; NULL if unknown. */
const xlnuma_policy *ref_builtin_policy(const char *name);

/* Compact one-line-per-object dumps, to reproduce a mismatch by hand. */
void ref_dump_host(FILE *f, const xlnuma_host *h);
void ref_dump_request(FILE *f, const xlnuma_request *req);
void ref_dump_result(FILE *f, const ref_result *r);
/* Format a bitmap into buf (truncated with "..." if too long). */
const char *ref_fmt_bitmap(char *buf, size_t len, const xlnuma_bitmap *b);

#endif
