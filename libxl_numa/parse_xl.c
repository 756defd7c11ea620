/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * parse_xl.c: a host model from the text of xl's commands, as Xen 4.17's
 * xl prints them (tools/xl/xl_info.c, xl_vcpu.c, xl_cpupool.c,
 * xl_utils.c) and from Xen's 'u' and 'H' debug-key dumps
 * (xen/arch/x86/numa.c, xen/common/page_alloc.c).  Pure: text in, host out.
 *
 * What each text gives, and the facts about the formats we rely on:
 *
 *  xl info -n (required): "key : value" lines (nr_cpus, max_cpu_id,
 *    nr_nodes, free_memory, outstanding_claims, free_cpus, xen_scheduler,
 *    xen_commandline are used) and two tables:
 *      cpu_topology "cpu: core socket node": one row per cpu Xen knows a
 *        core for; xl skips offline cpus, so an id in 0..max_cpu_id without
 *        a row is an offline cpu.  A field of "-" or -1 is invalid: an
 *        invalid core or node makes the cpu offline in our model.
 *      numa_info "node: memsize memfree distances", sizes in MiB (rounded
 *        down by xl), distances comma separated, one per node id up to the
 *        highest online node; xl skips offline nodes (a row "N: -" is
 *        accepted as such), and prints a distance to one as -1.
 *    Consistency: nr_nodes rows in numa_info, nr_cpus online rows in
 *    cpu_topology, no row above max_cpu_id, and free_memory +
 *    outstanding_claims within rounding of the sum of the nodes' memfree.
 *  xl list -n / xl list -c: "Name ID Mem VCPUs State Time(s)", then
 *    "Cpupool" (-c) and "NODE Affinity" (-n), in that order.  Mem is in
 *    MiB, VCPUs counts the online vCPUs; a cpupool is named, not numbered.
 *  xl vcpu-list: "Name ID VCPU CPU State Time(s) Affinity (Hard / Soft)";
 *    an offline vCPU prints CPU "-" and State "--p".  Maps are xl's
 *    print_bitmap output: "all", "none" or "0,2-3"; "all" means every cpu
 *    up to max_cpu_id.
 *  xl cpupool-list -c: "Name CPU list", cpus comma separated.  It may be
 *    followed by the plain `xl cpupool-list` table ("Name CPUs Sched Active
 *    Domain count"), which adds each pool's scheduler.  xl prints no pool
 *    ids: pools are numbered in the order listed (libxl lists them by
 *    ascending id, so the first, Pool-0, is 0).  Ids of later pools are
 *    ours and differ from Xen's when a pool was destroyed.
 *  debug-keys u: "Domain D (total: P):" then "    Node N: P" per online
 *    node; the console's "(XEN)" and "[timestamp]" prefixes are optional,
 *    other lines are ignored, and of several dumps the last complete one
 *    is used.  "NODEn start->S size->P free->F" lines give node spans.
 *  debug-keys H: "heap[node=N][zone=Z] -> P pages".  Zone Z > 0 holds the
 *    pages whose frame number has its highest set bit at position Z (frames
 *    [2^(Z-1), 2^Z)), so zones 1..(bits - 12) lie below 2^bits bytes: that
 *    is Xen's DMA zone for a DMA width of `bits' (zone 0 is the Xen heap,
 *    empty on x86).  The width comes from, in order: a "DMA width N bits"
 *    line in the same text; "Domain heap initialised" without a width (no
 *    DMA zone); dma_bits=N on xen_commandline; no DMA zone on a host with
 *    one online node; else Xen's default, min(fls(start + spanned/4 - 1) +
 *    12, 32) for the first node with memory below 4 GiB, its start and span
 *    taken from a 'u' dump's NODE lines, else assumed to be node 0
 *    starting at 0 and spanning its xl info -n memsize.
 *
 * Every inconsistency is an error naming the text and line.
 */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlnuma_internal.h"

#define R_INFO  "xl info -n"
#define R_LISTN "xl list -n"
#define R_LISTC "xl list -c"
#define R_VCPU  "xl vcpu-list"
#define R_POOL  "xl cpupool-list -c"
#define R_KEYU  "xl debug-keys u"
#define R_KEYH  "xl debug-keys H"

#define LOGL(role, ln, f, ...) \
    LOG(ERROR, "%s line %u: " f, (role), (ln), ##__VA_ARGS__)

/* Xen's domids stop below DOMID_FIRST_RESERVED (0x7ff0). */
#define MAX_DOMID 0x7fefu
#define MAX_MIB (XLNUMA_MAX_KIB / 1024)
#define MAX_PAGES (XLNUMA_MAX_KIB / 4)
#define PAGE_SHIFT 12

/* ---- lines and tokens ---- */

typedef struct {
    char *buf;
    char **v;
    unsigned nr;
} text_lines;

static void lines_dispose(text_lines *l)
{
    free(l->buf);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* Split a text into lines without trailing white space. */
static int lines_split(const char *text, text_lines *l)
{
    size_t n = 1;
    char *p;

    memset(l, 0, sizeof(*l));
    for (const char *q = text; *q; q++)
        if (*q == '\n')
            n++;
    if (n > UINT_MAX)
        return XLNUMA_ERROR_RANGE;
    l->buf = strdup(text);
    l->v = calloc(n, sizeof(*l->v));
    if (!l->buf || !l->v) {
        lines_dispose(l);
        return XLNUMA_ERROR_NOMEM;
    }
    p = l->buf;
    for (;;) {
        char *nl = strchr(p, '\n');
        char *e;

        if (nl)
            *nl = '\0';
        e = p + strlen(p);
        while (e > p && isspace((unsigned char)e[-1]))
            *--e = '\0';
        l->v[l->nr++] = p;
        if (!nl)
            break;
        p = nl + 1;
    }
    return 0;
}

typedef struct {
    const char *s;
    size_t len;
} tok;

#define MAX_TOK 64

/* Tokens separated by white space; returns how many there are (only the
 * first max are stored). */
static unsigned tokenize(const char *line, tok *t, unsigned max)
{
    unsigned n = 0;
    const char *p = line;

    for (;;) {
        const char *s;

        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        s = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        if (n < max) {
            t[n].s = s;
            t[n].len = (size_t)(p - s);
        }
        n++;
    }
    return n;
}

static bool tok_is(const tok *t, const char *s)
{
    return t->len == strlen(s) && !memcmp(t->s, s, t->len);
}

static char *tok_dup(const tok *t)
{
    return strndup(t->s, t->len);
}

/* A token as a C string, for messages: the first 64 bytes. */
static const char *tok_str(const tok *t, char buf[static 80])
{
    size_t n = t->len < 64 ? t->len : 64;

    memcpy(buf, t->s, n);
    strcpy(buf + n, t->len > 64 ? "..." : "");
    return buf;
}

/* Parse a decimal number in [0, max], logging "ROLE line N: WHAT ...". */
static int tok_u64(xlnuma_ctx *ctx, const char *role, unsigned ln,
                   const char *what, const tok *t, uint64_t max,
                   uint64_t *v_r)
{
    char buf[80];
    int rc;

    tok_str(t, buf);
    if (t->len > 1 && t->s[0] == '-' && isdigit((unsigned char)t->s[1])) {
        LOGL(role, ln, "%s is negative (%s)", what, buf);
        return XLNUMA_ERROR_RANGE;
    }
    if (t->len > 40) {
        size_t i = 0;

        while (i < t->len && isdigit((unsigned char)t->s[i]))
            i++;
        rc = i == t->len ? XLNUMA_ERROR_RANGE : XLNUMA_ERROR_PARSE;
    } else {
        rc = xlnuma__parse_u64(buf, max, v_r);
    }
    if (rc == XLNUMA_ERROR_PARSE)
        LOGL(role, ln, "%s \"%s\" is not a number", what, buf);
    else if (rc == XLNUMA_ERROR_RANGE)
        LOGL(role, ln, "%s %s is out of range (at most %" PRIu64 ")",
             what, buf, max);
    return rc;
}

static int tok_uint(xlnuma_ctx *ctx, const char *role, unsigned ln,
                    const char *what, const tok *t, unsigned max,
                    unsigned *v_r)
{
    uint64_t v;
    int rc = tok_u64(ctx, role, ln, what, t, max, &v);

    if (!rc)
        *v_r = (unsigned)v;
    return rc;
}

/* "-" or "-1": an invalid entry, -1; else a number in [0, max]. */
static int tok_opt_int(xlnuma_ctx *ctx, const char *role, unsigned ln,
                       const char *what, const tok *t, unsigned max,
                       int *v_r)
{
    unsigned v;
    int rc;

    if (tok_is(t, "-") || tok_is(t, "-1")) {
        *v_r = -1;
        return 0;
    }
    rc = tok_uint(ctx, role, ln, what, t, max, &v);
    if (!rc)
        *v_r = (int)v;
    return rc;
}

/* A row label "N:" as xl prints it in front of table rows. */
static bool tok_is_label(const tok *t)
{
    return t->len >= 2 && t->s[t->len - 1] == ':' &&
           strspn(t->s, "0123456789") == t->len - 1;
}

/*
 * A list as xl's print_bitmap prints it: "all" (0..limit-1), "none", or
 * comma-separated N and N-M.  Every index must be < limit.
 */
static int parse_xl_list(xlnuma_ctx *ctx, const char *role, unsigned ln,
                         const char *what, const tok *t, unsigned limit,
                         xlnuma_bitmap *b_r)
{
    xlnuma_bitmap b;
    const char *p = t->s, *end = t->s + t->len;
    char buf[80];
    int rc;

    xlnuma_bitmap_init(&b);
    tok_str(t, buf);
    if (tok_is(t, "all")) {
        rc = xlnuma_bitmap_resize(&b, limit);
        if (rc)
            goto out;
        for (unsigned i = 0; i < limit; i++)
            xlnuma_bitmap_set(&b, i);
        goto done;
    }
    if (tok_is(t, "none"))
        goto done;
    for (;;) {
        unsigned long lo, hi;
        char *e;

        if (p >= end || !isdigit((unsigned char)*p)) {
            LOGL(role, ln, "%s \"%s\" is not a list of ids", what, buf);
            rc = XLNUMA_ERROR_PARSE;
            goto out;
        }
        errno = 0;
        lo = strtoul(p, &e, 10);
        hi = lo;
        if (e < end && *e == '-') {
            if (e + 1 >= end || !isdigit((unsigned char)e[1])) {
                LOGL(role, ln, "%s \"%s\" is not a list of ids", what, buf);
                rc = XLNUMA_ERROR_PARSE;
                goto out;
            }
            hi = strtoul(e + 1, &e, 10);
        }
        if (errno || e > end || hi < lo) {
            LOGL(role, ln, "%s \"%s\" has a bad range", what, buf);
            rc = XLNUMA_ERROR_PARSE;
            goto out;
        }
        if (hi >= limit) {
            LOGL(role, ln, "%s \"%s\" names %lu, but the host has only %u",
                 what, buf, hi, limit);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
        rc = xlnuma__bitmap_set_range(&b, (unsigned)lo, (unsigned)hi);
        if (rc)
            goto out;
        p = e;
        if (p == end)
            break;
        if (*p != ',') {
            LOGL(role, ln, "%s \"%s\" is not a list of ids", what, buf);
            rc = XLNUMA_ERROR_PARSE;
            goto out;
        }
        p++;
    }
 done:
    xlnuma_bitmap_dispose(b_r);
    *b_r = b;
    xlnuma_bitmap_init(&b);
    rc = 0;
 out:
    xlnuma_bitmap_dispose(&b);
    return rc;
}

/* "12.3": xl prints times with "%.1f".  Returns the length of the time
 * at the start of s (0 if there is none). */
static size_t time_len(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len && isdigit((unsigned char)s[i]))
        i++;
    if (i == 0 || i + 2 > len || s[i] != '.' ||
        !isdigit((unsigned char)s[i + 1]))
        return 0;
    return i + 2;
}

/* ---- the parse state ---- */

typedef struct {
    char *name;
    char *sched;
    xlnuma_bitmap cpus;
    unsigned line;
    unsigned nr_cpus;           /* plain table's count; UINT_MAX unknown */
} xl_pool;

typedef struct {
    xlnuma_domain d;
    unsigned line;              /* where dom_role defines it */
    bool have_online;           /* VCPUs column seen */
    unsigned online;            /* online vCPUs, from xl list */
    char *pool_name;            /* from a Cpupool column */
    unsigned pool_line;
    const char *pool_role;
    bool have_pages;
    unsigned last_vcpu_line;    /* of its last row in xl vcpu-list */
    unsigned vcpus_cap;         /* d.vcpus allocated */
} xl_dom;

typedef struct {
    xlnuma_ctx *ctx;
    xlnuma_host *h;
    /* xl info -n */
    unsigned nr_cpus;           /* cpu ids: max_cpu_id + 1 */
    unsigned nr_nodes;          /* node ids: highest listed + 1 */
    unsigned nr_online_nodes;
    bool *node_listed;
    uint64_t *node_size_kib, *node_free_kib;
    xlnuma_bitmap online;
    char *sched;
    unsigned cmdline_dma_bits;
    bool have_free_cpus;
    unsigned free_cpus, free_cpus_line;
    /* pools, in xl's order: index = id */
    xl_pool *pools;
    unsigned nr_pools;
    /* domains */
    xl_dom *doms;
    unsigned nr_doms;
    const char *dom_role;       /* the text the domains come from */
    uint32_t last_vcpu_dom;     /* domain of the last xl vcpu-list row */
    /* NODE lines of a 'u' dump: spans for the DMA width rule */
    bool *span_known;
    uint64_t *span_start, *span_pages;
    /* Xen's console read live (xlnuma__host_add_xen_console): nodes and
     * domains come from h, read at another moment than the dumps. */
    bool live;
    const char *node_role;      /* where the nodes come from */
    uint64_t nr_vcpus_all;      /* vCPUs of every domain so far */
} xl_parse;

static void xl_parse_dispose(xl_parse *x)
{
    free(x->node_listed);
    free(x->node_size_kib);
    free(x->node_free_kib);
    xlnuma_bitmap_dispose(&x->online);
    free(x->sched);
    for (unsigned i = 0; i < x->nr_pools; i++) {
        free(x->pools[i].name);
        free(x->pools[i].sched);
        xlnuma_bitmap_dispose(&x->pools[i].cpus);
    }
    free(x->pools);
    for (unsigned i = 0; i < x->nr_doms; i++) {
        xlnuma_domain_dispose(&x->doms[i].d);
        free(x->doms[i].pool_name);
    }
    free(x->doms);
    free(x->span_known);
    free(x->span_start);
    free(x->span_pages);
}

/* ---- xl info -n ---- */

typedef struct {
    bool listed;
    int core, socket, node;
    unsigned line;
} cpu_row;

typedef struct {
    bool listed;                /* a row was printed */
    bool online;                /* ...with sizes */
    uint64_t size_mib, free_mib;
    unsigned line;
    unsigned nr_dists;
    int *dists;                 /* -1: invalid */
} node_row;

typedef struct {
    bool have;
    uint64_t v;
    unsigned line;
} info_value;

typedef struct {
    cpu_row *cpus;
    unsigned nr_cpu_rows;       /* array size: highest id + 1 */
    node_row *nodes;
    unsigned nr_node_rows;
    bool have_topo, have_numa;
    unsigned topo_line, numa_line;
    info_value nr_cpus, max_cpu_id, nr_nodes, free_memory, claims,
               free_cpus;
} info_parse;

static void info_parse_dispose(info_parse *ip)
{
    free(ip->cpus);
    for (unsigned i = 0; i < ip->nr_node_rows; i++)
        free(ip->nodes[i].dists);
    free(ip->nodes);
}

static int grow_rows(void **arr, unsigned *nr, unsigned need, size_t size)
{
    void *n;

    if (need <= *nr)
        return 0;
    n = realloc(*arr, (size_t)need * size);
    if (!n)
        return XLNUMA_ERROR_NOMEM;
    memset((char *)n + (size_t)*nr * size, 0, (size_t)(need - *nr) * size);
    *arr = n;
    *nr = need;
    return 0;
}

/* Rows of cpu_topology from line i; returns the first line after them. */
static int parse_topo_table(xlnuma_ctx *ctx, info_parse *ip,
                            const text_lines *L, unsigned *i_r)
{
    unsigned i = *i_r, rows = 0;
    tok t[MAX_TOK];
    unsigned n;
    int rc;

    n = i < L->nr ? tokenize(L->v[i], t, MAX_TOK) : 0;
    if (n != 4 || !tok_is(&t[0], "cpu:") || !tok_is(&t[1], "core") ||
        !tok_is(&t[2], "socket") || !tok_is(&t[3], "node")) {
        LOGL(R_INFO, i + 1, "expected the cpu_topology header "
             "\"cpu: core socket node\"");
        return XLNUMA_ERROR_PARSE;
    }
    for (i++; i < L->nr; i++) {
        unsigned ln = i + 1, id;
        cpu_row *r;

        n = tokenize(L->v[i], t, MAX_TOK);
        if (!n || !tok_is_label(&t[0]))
            break;
        if (n != 4) {
            LOGL(R_INFO, ln, "cpu_topology row has %u fields, expected 4 "
                 "(cpu: core socket node)", n);
            return XLNUMA_ERROR_PARSE;
        }
        t[0].len--;
        rc = tok_uint(ctx, R_INFO, ln, "cpu id", &t[0], XLNUMA_MAX_CPUS - 1,
                      &id);
        if (rc)
            return rc;
        rc = grow_rows((void **)&ip->cpus, &ip->nr_cpu_rows, id + 1,
                       sizeof(*ip->cpus));
        if (rc)
            return rc;
        r = &ip->cpus[id];
        if (r->listed) {
            LOGL(R_INFO, ln, "cpu %u is listed twice (also line %u)", id,
                 r->line);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        r->listed = true;
        r->line = ln;
        rc = tok_opt_int(ctx, R_INFO, ln, "core", &t[1], INT_MAX, &r->core);
        if (!rc)
            rc = tok_opt_int(ctx, R_INFO, ln, "socket", &t[2], INT_MAX,
                             &r->socket);
        if (!rc)
            rc = tok_opt_int(ctx, R_INFO, ln, "node", &t[3],
                             XLNUMA_MAX_NODES - 1, &r->node);
        if (rc)
            return rc;
        rows++;
    }
    if (!rows) {
        LOGL(R_INFO, *i_r + 1, "the cpu_topology table has no rows "
             "(truncated?)");
        return XLNUMA_ERROR_PARSE;
    }
    *i_r = i;
    return 0;
}

static int parse_dists(xlnuma_ctx *ctx, unsigned ln, unsigned node,
                       const tok *t, node_row *r)
{
    const char *p = t->s, *end = t->s + t->len;
    unsigned cap = 0;
    int rc;

    while (p < end) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        tok d;
        unsigned v;

        d.s = p;
        d.len = (size_t)((c ? c : end) - p);
        if (r->nr_dists >= XLNUMA_MAX_NODES) {
            LOGL(R_INFO, ln, "node %u has more than %u distances", node,
                 XLNUMA_MAX_NODES);
            return XLNUMA_ERROR_RANGE;
        }
        if (r->nr_dists == cap) {
            unsigned ncap = cap ? cap * 2 : 8;
            int *nd = realloc(r->dists, ncap * sizeof(*nd));

            if (!nd)
                return XLNUMA_ERROR_NOMEM;
            r->dists = nd;
            cap = ncap;
        }
        if (tok_is(&d, "-1") || tok_is(&d, "-")) {
            r->dists[r->nr_dists++] = -1;
        } else {
            char what[48];

            snprintf(what, sizeof(what), "distance %u->%u", node,
                     r->nr_dists);
            rc = tok_uint(ctx, R_INFO, ln, what, &d, 255, &v);
            if (rc)
                return rc;
            if (!v) {
                LOGL(R_INFO, ln, "%s is 0; SLIT entries are 1..255", what);
                return XLNUMA_ERROR_RANGE;
            }
            r->dists[r->nr_dists++] = (int)v;
        }
        if (!c)
            break;
        p = c + 1;
        if (p == end) {
            LOGL(R_INFO, ln, "node %u: distances end with a comma", node);
            return XLNUMA_ERROR_PARSE;
        }
    }
    return 0;
}

static int parse_numa_table(xlnuma_ctx *ctx, info_parse *ip,
                            const text_lines *L, unsigned *i_r)
{
    unsigned i = *i_r, rows = 0;
    tok t[MAX_TOK];
    unsigned n;
    int rc;

    n = i < L->nr ? tokenize(L->v[i], t, MAX_TOK) : 0;
    if (n != 4 || !tok_is(&t[0], "node:") || !tok_is(&t[1], "memsize") ||
        !tok_is(&t[2], "memfree") || !tok_is(&t[3], "distances")) {
        LOGL(R_INFO, i + 1, "expected the numa_info header "
             "\"node: memsize memfree distances\"");
        return XLNUMA_ERROR_PARSE;
    }
    for (i++; i < L->nr; i++) {
        unsigned ln = i + 1, id;
        node_row *r;

        n = tokenize(L->v[i], t, MAX_TOK);
        if (!n || !tok_is_label(&t[0]))
            break;
        t[0].len--;
        rc = tok_uint(ctx, R_INFO, ln, "node id", &t[0],
                      XLNUMA_MAX_NODES - 1, &id);
        if (rc)
            return rc;
        rc = grow_rows((void **)&ip->nodes, &ip->nr_node_rows, id + 1,
                       sizeof(*ip->nodes));
        if (rc)
            return rc;
        r = &ip->nodes[id];
        if (r->listed) {
            LOGL(R_INFO, ln, "node %u is listed twice (also line %u)", id,
                 r->line);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        r->listed = true;
        r->line = ln;
        rows++;
        if (n >= 2 && tok_is(&t[1], "-"))
            continue;           /* an offline node */
        if (n != 4) {
            LOGL(R_INFO, ln, "numa_info row has %u fields, expected 4 "
                 "(node: memsize memfree distances)", n);
            return XLNUMA_ERROR_PARSE;
        }
        r->online = true;
        rc = tok_u64(ctx, R_INFO, ln, "memsize (MiB)", &t[1], MAX_MIB,
                     &r->size_mib);
        if (!rc)
            rc = tok_u64(ctx, R_INFO, ln, "memfree (MiB)", &t[2], MAX_MIB,
                         &r->free_mib);
        if (!rc)
            rc = parse_dists(ctx, ln, id, &t[3], r);
        if (rc)
            return rc;
        if (r->free_mib > r->size_mib) {
            LOGL(R_INFO, ln, "node %u: memfree %" PRIu64 " MiB exceeds "
                 "memsize %" PRIu64 " MiB", id, r->free_mib, r->size_mib);
            return XLNUMA_ERROR_INCONSISTENT;
        }
    }
    if (!rows) {
        LOGL(R_INFO, *i_r + 1, "the numa_info table has no rows "
             "(truncated?)");
        return XLNUMA_ERROR_PARSE;
    }
    *i_r = i;
    return 0;
}

/* dma_bits=N on Xen's command line; 0 when absent. */
static void cmdline_dma_bits(const char *v, unsigned *bits_r)
{
    const char *p = v;

    *bits_r = 0;
    while ((p = strstr(p, "dma_bits=")) != NULL) {
        if (p == v || isspace((unsigned char)p[-1])) {
            char *e;
            unsigned long b = strtoul(p + 9, &e, 0);

            if (e != p + 9 && (!*e || isspace((unsigned char)*e)) &&
                b <= 64)
                *bits_r = (unsigned)b;
        }
        p += 9;
    }
}

static int info_scan(xl_parse *x, const text_lines *L, info_parse *ip)
{
    xlnuma_ctx *ctx = x->ctx;
    static const struct {
        const char *key;
        size_t off;
        uint64_t max;
    } nums[] = {
        { "nr_cpus", offsetof(info_parse, nr_cpus), XLNUMA_MAX_CPUS },
        { "max_cpu_id", offsetof(info_parse, max_cpu_id),
          XLNUMA_MAX_CPUS - 1 },
        { "nr_nodes", offsetof(info_parse, nr_nodes), XLNUMA_MAX_NODES },
        { "free_memory", offsetof(info_parse, free_memory), MAX_MIB },
        { "outstanding_claims", offsetof(info_parse, claims), MAX_MIB },
        { "free_cpus", offsetof(info_parse, free_cpus), XLNUMA_MAX_CPUS },
    };
    unsigned i = 0;
    int rc;

    while (i < L->nr) {
        const char *line = L->v[i], *k = line, *p = line, *val;
        unsigned ln = i + 1;
        size_t klen;

        if (!isalpha((unsigned char)*k)) {
            i++;
            continue;
        }
        while (isalnum((unsigned char)*p) || *p == '_')
            p++;
        klen = (size_t)(p - k);
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != ':') {
            i++;
            continue;
        }
        val = p + 1;
        while (*val == ' ' || *val == '\t')
            val++;
        i++;
        if (klen == 12 && !strncmp(k, "cpu_topology", 12)) {
            if (ip->have_topo) {
                LOGL(R_INFO, ln, "a second cpu_topology table (first at "
                     "line %u)", ip->topo_line);
                return XLNUMA_ERROR_PARSE;
            }
            ip->have_topo = true;
            ip->topo_line = ln;
            rc = parse_topo_table(ctx, ip, L, &i);
            if (rc)
                return rc;
            continue;
        }
        if (klen == 9 && !strncmp(k, "numa_info", 9)) {
            if (ip->have_numa) {
                LOGL(R_INFO, ln, "a second numa_info table (first at "
                     "line %u)", ip->numa_line);
                return XLNUMA_ERROR_PARSE;
            }
            ip->have_numa = true;
            ip->numa_line = ln;
            rc = parse_numa_table(ctx, ip, L, &i);
            if (rc)
                return rc;
            continue;
        }
        if (klen == 13 && !strncmp(k, "xen_scheduler", 13) && *val) {
            free(x->sched);
            x->sched = strdup(val);
            if (!x->sched)
                return XLNUMA_ERROR_NOMEM;
            continue;
        }
        if (klen == 15 && !strncmp(k, "xen_commandline", 15)) {
            cmdline_dma_bits(val, &x->cmdline_dma_bits);
            continue;
        }
        for (unsigned j = 0; j < ARRAY_SIZE(nums); j++) {
            info_value *iv = (info_value *)((char *)ip + nums[j].off);
            tok vt;

            if (klen != strlen(nums[j].key) ||
                strncmp(k, nums[j].key, klen))
                continue;
            vt.s = val;
            vt.len = strlen(val);
            rc = tok_u64(ctx, R_INFO, ln, nums[j].key, &vt, nums[j].max,
                         &iv->v);
            if (rc)
                return rc;
            iv->have = true;
            iv->line = ln;
        }
    }
    if (!ip->have_topo || !ip->have_numa) {
        LOG(ERROR, "%s: no %s table; was xl info run without -n?", R_INFO,
            ip->have_topo ? "numa_info" : "cpu_topology");
        return XLNUMA_ERROR_PARSE;
    }
    return 0;
}

/* Cross-checks of the tables against the key lines. */
static int info_check(xl_parse *x, info_parse *ip)
{
    xlnuma_ctx *ctx = x->ctx;
    unsigned online_nodes = 0, online_cpus = 0, max_id = 0;
    uint64_t free_sum = 0;

    for (unsigned n = 0; n < ip->nr_node_rows; n++) {
        if (ip->nodes[n].online) {
            online_nodes++;
            free_sum += ip->nodes[n].free_mib;
        }
    }
    if (!online_nodes) {
        LOGL(R_INFO, ip->numa_line, "numa_info lists no online node");
        return XLNUMA_ERROR_INCONSISTENT;
    }
    if (ip->nr_nodes.have && ip->nr_nodes.v != online_nodes) {
        LOGL(R_INFO, ip->nr_nodes.line, "nr_nodes is %" PRIu64 " but "
             "numa_info lists %u node%s", ip->nr_nodes.v, online_nodes,
             online_nodes == 1 ? "" : "s");
        return XLNUMA_ERROR_INCONSISTENT;
    }
    for (unsigned n = 0; n < ip->nr_node_rows; n++) {
        node_row *r = &ip->nodes[n];

        if (!r->online)
            continue;
        if (r->nr_dists != ip->nr_node_rows) {
            LOGL(R_INFO, r->line, "node %u has %u distances, but node ids "
                 "go up to %u", n, r->nr_dists, ip->nr_node_rows - 1);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        for (unsigned m = 0; m < r->nr_dists; m++) {
            bool m_online = ip->nodes[m].online;

            if (r->dists[m] < 0 && m_online) {
                LOGL(R_INFO, r->line, "distance %u->%u is unknown (-1)", n,
                     m);
                return XLNUMA_ERROR_INCONSISTENT;
            }
        }
    }
    for (unsigned c = 0; c < ip->nr_cpu_rows; c++) {
        cpu_row *r = &ip->cpus[c];

        if (!r->listed)
            continue;
        max_id = c;
        if (r->core >= 0)
            online_cpus++;
        if (r->node >= 0 && ((unsigned)r->node >= ip->nr_node_rows ||
                             !ip->nodes[r->node].online)) {
            LOGL(R_INFO, r->line, "cpu %u is on node %d, which numa_info "
                 "does not list", c, r->node);
            return XLNUMA_ERROR_INCONSISTENT;
        }
    }
    if (ip->nr_cpus.have && ip->nr_cpus.v != online_cpus) {
        LOGL(R_INFO, ip->nr_cpus.line, "nr_cpus is %" PRIu64 " but "
             "cpu_topology lists %u online cpu%s", ip->nr_cpus.v,
             online_cpus, online_cpus == 1 ? "" : "s");
        return XLNUMA_ERROR_INCONSISTENT;
    }
    if (ip->max_cpu_id.have && ip->max_cpu_id.v < max_id) {
        LOGL(R_INFO, ip->cpus[max_id].line, "cpu %u is listed but "
             "max_cpu_id is %" PRIu64, max_id, ip->max_cpu_id.v);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    if (ip->free_memory.have) {
        /* Each node's memfree is rounded down to MiB on its own, and
         * free_memory excludes outstanding claims: the sum may be below
         * free_memory + claims by up to one MiB per node (and above it
         * by one, from rounding the claims). */
        uint64_t f = ip->free_memory.v + (ip->claims.have ? ip->claims.v : 0);

        if (free_sum > f + 1 || f > free_sum + online_nodes) {
            LOGL(R_INFO, ip->free_memory.line, "free_memory is %" PRIu64
                 " MiB%s but the nodes' memfree add up to %" PRIu64 " MiB",
                 ip->free_memory.v, ip->claims.have && ip->claims.v
                 ? " (plus outstanding claims)" : "", free_sum);
            return XLNUMA_ERROR_INCONSISTENT;
        }
    }
    x->nr_cpus = ip->max_cpu_id.have ? (unsigned)ip->max_cpu_id.v + 1
                                     : max_id + 1;
    x->nr_nodes = ip->nr_node_rows;
    x->nr_online_nodes = online_nodes;
    if (ip->free_cpus.have) {
        x->have_free_cpus = true;
        x->free_cpus = (unsigned)ip->free_cpus.v;
        x->free_cpus_line = ip->free_cpus.line;
    }
    return 0;
}

static int info_build(xl_parse *x, info_parse *ip)
{
    xlnuma_ctx *ctx = x->ctx;
    int rc;

    x->node_listed = calloc(x->nr_nodes, sizeof(*x->node_listed));
    x->node_size_kib = calloc(x->nr_nodes, sizeof(*x->node_size_kib));
    x->node_free_kib = calloc(x->nr_nodes, sizeof(*x->node_free_kib));
    x->span_known = calloc(x->nr_nodes, sizeof(*x->span_known));
    x->span_start = calloc(x->nr_nodes, sizeof(*x->span_start));
    x->span_pages = calloc(x->nr_nodes, sizeof(*x->span_pages));
    if (!x->node_listed || !x->node_size_kib || !x->node_free_kib ||
        !x->span_known || !x->span_start || !x->span_pages)
        return XLNUMA_ERROR_NOMEM;
    for (unsigned n = 0; n < x->nr_nodes; n++) {
        node_row *r = &ip->nodes[n];

        if (!r->online)
            continue;
        x->node_listed[n] = true;
        x->node_size_kib[n] = r->size_mib * 1024;
        x->node_free_kib[n] = r->free_mib * 1024;
        rc = xlnuma_host_add_node(ctx, x->h, n, x->node_size_kib[n],
                                  x->node_free_kib[n]);
        if (rc)
            return rc;
        for (unsigned m = 0; m < r->nr_dists; m++) {
            if (r->dists[m] < 0)
                continue;
            rc = xlnuma_host_set_distance(ctx, x->h, n, m,
                                          (unsigned)r->dists[m]);
            if (rc)
                return rc;
        }
    }
    /* Highest first: the host's cpu array and the online map then grow
     * once, not once per cpu (max_cpu_id may be 2^20 - 1). */
    for (unsigned c = x->nr_cpus; c-- > 0; ) {
        cpu_row *r = c < ip->nr_cpu_rows ? &ip->cpus[c] : NULL;
        int node = XLNUMA_NO_NODE;

        if (r && r->listed && r->core >= 0) {
            if (r->node < 0)
                LOG(WARN, "%s line %u: cpu %u has no NUMA node; treated "
                    "as offline", R_INFO, r->line, c);
            else
                node = r->node;
        }
        if (node != XLNUMA_NO_NODE) {
            rc = xlnuma_bitmap_set(&x->online, c);
            if (rc)
                return rc;
        }
        rc = xlnuma_host_add_cpu(ctx, x->h, c,
                                 r && r->listed ? r->core : -1,
                                 r && r->listed ? r->socket : -1, node);
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_info(xl_parse *x, const char *text)
{
    text_lines L;
    info_parse ip;
    int rc;

    memset(&ip, 0, sizeof(ip));
    rc = lines_split(text, &L);
    if (rc)
        return rc;
    rc = info_scan(x, &L, &ip);
    if (!rc)
        rc = info_check(x, &ip);
    if (!rc)
        rc = info_build(x, &ip);
    info_parse_dispose(&ip);
    lines_dispose(&L);
    return rc;
}

/* ---- xl cpupool-list -c (and the plain table) ---- */

static bool is_cpu_list(const char *s, size_t len)
{
    if (!len || !isdigit((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]) && s[i] != ',' && s[i] != '-')
            return false;
    return true;
}

/*
 * Split "NAME  LIST" as xl prints it with "%-19s": a name of 19 or more
 * characters runs into the list.  Names known from elsewhere settle an
 * ambiguous split.
 */
static int split_pool_row(xlnuma_ctx *ctx, unsigned ln, const char *line,
                          const char *const *known, unsigned nr_known,
                          size_t *name_len_r, const char **list_r)
{
    size_t len = strlen(line), cand = 0, nr_cand = 0;
    const char *sp;

    for (unsigned i = 0; i < nr_known; i++) {
        size_t kl = strlen(known[i]);

        if (kl <= len && !strncmp(line, known[i], kl) &&
            (kl == len || isspace((unsigned char)line[kl]) ||
             is_cpu_list(line + kl, len - kl))) {
            const char *l = line + kl;

            while (isspace((unsigned char)*l))
                l++;
            if (!*l || is_cpu_list(l, strlen(l))) {
                *name_len_r = kl;
                *list_r = l;
                return 0;
            }
        }
    }
    sp = line + len;
    while (sp > line && !isspace((unsigned char)sp[-1]))
        sp--;
    if (sp > line) {
        const char *e = sp;

        while (e > line && isspace((unsigned char)e[-1]))
            e--;
        if (is_cpu_list(sp, strlen(sp))) {
            *name_len_r = (size_t)(e - line);
            *list_r = sp;
        } else {
            *name_len_r = len;
            *list_r = line + len;
        }
        return 0;
    }
    /* One word: the name alone, or a long name glued to its list. */
    for (size_t k = 19; k <= len; k++) {
        if (k == len || (isdigit((unsigned char)line[k]) &&
                         !isdigit((unsigned char)line[k - 1]) &&
                         is_cpu_list(line + k, len - k))) {
            cand = k;
            nr_cand++;
        }
    }
    if (nr_cand > 1) {
        LOGL(R_POOL, ln, "cannot tell the pool name from its cpus in "
             "\"%s\" (xl prints names of 19 or more characters without a "
             "separator)", line);
        return XLNUMA_ERROR_PARSE;
    }
    *name_len_r = nr_cand ? cand : len;
    *list_r = line + *name_len_r;
    return 0;
}

/* The plain `xl cpupool-list` row: NAME NCPUS SCHED ACTIVE NDOMS. */
static int parse_plain_pool_row(xl_parse *x, unsigned ln, const char *line)
{
    xlnuma_ctx *ctx = x->ctx;
    tok t[MAX_TOK];
    unsigned n = tokenize(line, t, MAX_TOK), ncpus;
    xl_pool *p = NULL;
    const char *name_end;
    int rc;

    if (n < 4 || n > MAX_TOK) {
        LOGL(R_POOL, ln, "expected \"Name CPUs Sched Active Domain count\"");
        return XLNUMA_ERROR_PARSE;
    }
    /* Name and count may run together (%-19s%3d): split on a known name. */
    name_end = t[n - 3].s;
    while (name_end > line && isspace((unsigned char)name_end[-1]))
        name_end--;
    for (unsigned i = 0; i < x->nr_pools; i++) {
        size_t kl = strlen(x->pools[i].name);

        if ((size_t)(name_end - line) > kl &&
            !strncmp(line, x->pools[i].name, kl)) {
            const char *c = line + kl;

            while (isspace((unsigned char)*c))
                c++;
            if (c < name_end && strspn(c, "0123456789") ==
                (size_t)(name_end - c)) {
                p = &x->pools[i];
                t[0].s = c;
                t[0].len = (size_t)(name_end - c);
                break;
            }
        }
    }
    if (!p) {
        LOGL(R_POOL, ln, "cpupool \"%.*s\" of `xl cpupool-list' is not in "
             "`xl cpupool-list -c'", (int)(name_end - line), line);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    rc = tok_uint(ctx, R_POOL, ln, "number of cpus", &t[0], XLNUMA_MAX_CPUS,
                  &ncpus);
    if (rc)
        return rc;
    if (ncpus != xlnuma_bitmap_count(&p->cpus)) {
        LOGL(R_POOL, ln, "cpupool %s has %u cpus here but %u in its cpu "
             "list (line %u)", p->name, ncpus,
             xlnuma_bitmap_count(&p->cpus), p->line);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    free(p->sched);
    p->sched = tok_dup(&t[n - 3]);
    if (!p->sched)
        return XLNUMA_ERROR_NOMEM;
    p->nr_cpus = ncpus;
    return 0;
}

/*
 * Names from the plain table: "%-19s%3d %9s ..." leaves a blank between a
 * long name and the count (unless a pool has 100 cpus or more), so they
 * settle the rows of the -c table where a long name runs into its list.
 */
static int plain_table_names(const text_lines *L, const char ***known,
                             unsigned *nr_known)
{
    bool plain = false;

    for (unsigned i = 0; i < L->nr; i++) {
        tok t[MAX_TOK];
        unsigned n = tokenize(L->v[i], t, MAX_TOK);
        const char **nk, *e;

        if (n && tok_is(&t[0], "Name")) {
            plain = n >= 4 && tok_is(&t[1], "CPUs");
            continue;
        }
        if (!plain || n < 5 || n > MAX_TOK)
            continue;
        e = t[n - 4].s;
        while (e > L->v[i] && isspace((unsigned char)e[-1]))
            e--;
        nk = realloc(*known, (*nr_known + 1) * sizeof(*nk));
        if (!nk)
            return XLNUMA_ERROR_NOMEM;
        *known = nk;
        nk[*nr_known] = strndup(L->v[i], (size_t)(e - L->v[i]));
        if (!nk[*nr_known])
            return XLNUMA_ERROR_NOMEM;
        (*nr_known)++;
    }
    return 0;
}

static int parse_pools(xl_parse *x, const char *text,
                       const char *const *list_names, unsigned nr_list)
{
    xlnuma_ctx *ctx = x->ctx;
    enum { NONE, LIST, PLAIN } sect = NONE;
    bool seen_list = false;
    const char **known = NULL;
    unsigned nr_known = 0, nr_plain = 0;
    xlnuma_bitmap all;
    text_lines L;
    int rc;

    xlnuma_bitmap_init(&all);
    rc = lines_split(text, &L);
    if (rc)
        return rc;
    rc = plain_table_names(&L, &known, &nr_known);
    nr_plain = nr_known;
    if (rc)
        goto out;
    for (unsigned i = 0; i < nr_list; i++) {
        const char **nk = realloc(known, (nr_known + 1) * sizeof(*nk));

        if (!nk) {
            rc = XLNUMA_ERROR_NOMEM;
            goto out;
        }
        known = nk;
        known[nr_known++] = list_names[i];
    }
    for (unsigned i = 0; i < L.nr; i++) {
        const char *line = L.v[i];
        unsigned ln = i + 1;
        tok t[MAX_TOK];
        unsigned n = tokenize(line, t, MAX_TOK);

        if (!n)
            continue;
        if (tok_is(&t[0], "Name")) {
            if (n == 3 && tok_is(&t[1], "CPU") && tok_is(&t[2], "list")) {
                if (seen_list) {
                    LOGL(R_POOL, ln, "a second \"Name CPU list\" table");
                    rc = XLNUMA_ERROR_PARSE;
                    goto out;
                }
                sect = LIST;
                seen_list = true;
            } else if (n >= 4 && tok_is(&t[1], "CPUs") &&
                       tok_is(&t[2], "Sched")) {
                if (!seen_list) {
                    LOGL(R_POOL, ln, "`xl cpupool-list' without -c lists no "
                         "cpus; capture `xl cpupool-list -c' first");
                    rc = XLNUMA_ERROR_PARSE;
                    goto out;
                }
                sect = PLAIN;
            } else {
                LOGL(R_POOL, ln, "unknown table header");
                rc = XLNUMA_ERROR_PARSE;
                goto out;
            }
            continue;
        }
        if (sect == NONE) {
            LOGL(R_POOL, ln, "expected the header \"Name CPU list\"");
            rc = XLNUMA_ERROR_PARSE;
            goto out;
        }
        if (sect == PLAIN) {
            rc = parse_plain_pool_row(x, ln, line);
            if (rc)
                goto out;
            continue;
        }
        {
            size_t name_len;
            const char *list;
            xl_pool *np, *p;
            tok lt;

            rc = split_pool_row(ctx, ln, line, known, nr_known, &name_len,
                                &list);
            if (rc)
                goto out;
            if (x->nr_pools >= XLNUMA_MAX_CPUS) {
                LOGL(R_POOL, ln, "too many cpupools");
                rc = XLNUMA_ERROR_RANGE;
                goto out;
            }
            np = realloc(x->pools, (x->nr_pools + 1) * sizeof(*np));
            if (!np) {
                rc = XLNUMA_ERROR_NOMEM;
                goto out;
            }
            x->pools = np;
            p = &x->pools[x->nr_pools];
            memset(p, 0, sizeof(*p));
            xlnuma_bitmap_init(&p->cpus);
            p->line = ln;
            p->nr_cpus = UINT_MAX;
            x->nr_pools++;
            p->name = strndup(line, name_len);
            if (!p->name) {
                rc = XLNUMA_ERROR_NOMEM;
                goto out;
            }
            for (unsigned j = 0; j + 1 < x->nr_pools; j++)
                if (!strcmp(x->pools[j].name, p->name)) {
                    LOGL(R_POOL, ln, "cpupool %s is listed twice (also "
                         "line %u)", p->name, x->pools[j].line);
                    rc = XLNUMA_ERROR_INCONSISTENT;
                    goto out;
                }
            if (!*list)
                continue;
            lt.s = list;
            lt.len = strlen(list);
            rc = parse_xl_list(ctx, R_POOL, ln, "cpu list", &lt, x->nr_cpus,
                               &p->cpus);
            if (rc)
                goto out;
            xlnuma_bitmap_for_each(c, &p->cpus) {
                if (!xlnuma_bitmap_test(&x->online, (unsigned)c)) {
                    LOGL(R_POOL, ln, "cpupool %s holds cpu %d, which xl "
                         "info -n does not list as online", p->name, c);
                    rc = XLNUMA_ERROR_INCONSISTENT;
                    goto out;
                }
                if (xlnuma_bitmap_test(&all, (unsigned)c)) {
                    LOGL(R_POOL, ln, "cpu %d is in two cpupools", c);
                    rc = XLNUMA_ERROR_INCONSISTENT;
                    goto out;
                }
                rc = xlnuma_bitmap_set(&all, (unsigned)c);
                if (rc)
                    goto out;
            }
        }
    }
    if (!x->nr_pools) {
        LOG(ERROR, "%s: no cpupool listed (truncated?)", R_POOL);
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    for (unsigned i = 0; i < x->nr_pools; i++)
        if (sect == PLAIN && x->pools[i].nr_cpus == UINT_MAX) {
            LOGL(R_POOL, x->pools[i].line, "cpupool %s is missing from the "
                 "`xl cpupool-list' table", x->pools[i].name);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
    if (x->have_free_cpus) {
        unsigned in_pools = xlnuma_bitmap_count(&all);
        unsigned online = xlnuma_bitmap_count(&x->online);

        if (online - in_pools != x->free_cpus) {
            LOG(ERROR, "%s: %u of %u online cpus are in no cpupool, but "
                "xl info -n line %u says free_cpus is %u", R_POOL,
                online - in_pools, online, x->free_cpus_line, x->free_cpus);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
    }
    /* Pool-0 runs Xen's default scheduler, which xl info reports. */
    if (!x->pools[0].sched && x->sched) {
        x->pools[0].sched = strdup(x->sched);
        if (!x->pools[0].sched) {
            rc = XLNUMA_ERROR_NOMEM;
            goto out;
        }
    }
    rc = 0;
 out:
    for (unsigned i = 0; i < nr_plain; i++)
        free((char *)known[i]);
    free(known);
    xlnuma_bitmap_dispose(&all);
    lines_dispose(&L);
    return rc;
}

static int default_pool(xl_parse *x)
{
    xlnuma_ctx *ctx = x->ctx;
    xl_pool *p;
    int rc;

    x->pools = calloc(1, sizeof(*x->pools));
    if (!x->pools)
        return XLNUMA_ERROR_NOMEM;
    p = &x->pools[0];
    xlnuma_bitmap_init(&p->cpus);
    x->nr_pools = 1;
    p->name = strdup("Pool-0");
    p->sched = xlnuma__strdup(x->sched);
    if (!p->name || (x->sched && !p->sched))
        return XLNUMA_ERROR_NOMEM;
    rc = xlnuma_bitmap_copy(&p->cpus, &x->online);
    if (rc)
        return rc;
    if (x->have_free_cpus && x->free_cpus)
        LOG(WARN, "%s: free_cpus is %u, but without %s every online cpu "
            "is put in Pool-0", R_INFO, x->free_cpus, R_POOL);
    return 0;
}

/* ---- xl list -n / -c ---- */

typedef struct {
    unsigned line;
    char *name;
    uint32_t id;
    uint64_t mem_mib;
    unsigned vcpus;
    char *pool;                 /* NULL without a Cpupool column */
    bool has_aff;
    xlnuma_bitmap aff;
} list_row;

typedef struct {
    list_row *rows;
    unsigned nr;
    bool has_pool, has_numa;
} list_parse;

static void list_parse_dispose(list_parse *lp)
{
    for (unsigned i = 0; i < lp->nr; i++) {
        free(lp->rows[i].name);
        free(lp->rows[i].pool);
        xlnuma_bitmap_dispose(&lp->rows[i].aff);
    }
    free(lp->rows);
    memset(lp, 0, sizeof(*lp));
}

static bool state_ok(const tok *t, const char *const *sets, unsigned n)
{
    if (t->len != n)
        return false;
    for (unsigned i = 0; i < n; i++)
        if (!strchr(sets[i], t->s[i]))
            return false;
    return true;
}

static int list_header(xlnuma_ctx *ctx, const char *role, unsigned ln,
                       const char *line, list_parse *lp)
{
    static const char *const fixed[] = {
        "Name", "ID", "Mem", "VCPUs", "State", "Time(s)",
    };
    tok t[MAX_TOK];
    unsigned n = tokenize(line, t, MAX_TOK), i;
    char buf[80];

    if (n < ARRAY_SIZE(fixed) || n > MAX_TOK)
        goto bad;
    for (i = 0; i < ARRAY_SIZE(fixed); i++)
        if (!tok_is(&t[i], fixed[i]))
            goto bad;
    if (i < n && tok_is(&t[i], "Cpupool")) {
        lp->has_pool = true;
        i++;
    }
    if (i + 1 < n && tok_is(&t[i], "NODE") && tok_is(&t[i + 1], "Affinity")) {
        lp->has_numa = true;
        i += 2;
    }
    if (i < n) {
        LOGL(role, ln, "unsupported column \"%s\"; capture plain "
             "`xl list -n' and `xl list -c'", tok_str(&t[i], buf));
        return XLNUMA_ERROR_PARSE;
    }
    return 0;
 bad:
    LOGL(role, ln, "expected the header \"Name ID Mem VCPUs State "
         "Time(s) ...\"");
    return XLNUMA_ERROR_PARSE;
}

static int list_row_parse(xl_parse *x, const char *role, unsigned ln,
                          const char *line, const list_parse *lp,
                          list_row *r)
{
    static const char *const st[] = {
        "r-", "b-", "p-", "s-", "-rscwS?", "d-",
    };
    xlnuma_ctx *ctx = x->ctx;
    tok t[MAX_TOK], pool = { NULL, 0 };
    unsigned n = tokenize(line, t, MAX_TOK), k;
    uint64_t v;
    char buf[80];
    int rc;

    if (n > MAX_TOK) {
        LOGL(role, ln, "too many fields");
        return XLNUMA_ERROR_PARSE;
    }
    k = n;
    if (lp->has_numa) {
        if (k < 1)
            goto short_row;
        k--;
        r->has_aff = true;
        rc = parse_xl_list(ctx, role, ln, "node affinity", &t[k],
                           x->nr_nodes, &r->aff);
        if (rc)
            return rc;
    }
    if (lp->has_pool) {
        size_t tl;

        if (k < 1)
            goto short_row;
        /* "%8.1f%16s": a name of 16 or more characters runs into the
         * time. */
        tl = time_len(t[k - 1].s, t[k - 1].len);
        if (tl && tl < t[k - 1].len && k >= 2 &&
            !time_len(t[k - 2].s, t[k - 2].len)) {
            pool.s = t[k - 1].s + tl;
            pool.len = t[k - 1].len - tl;
            t[k - 1].len = tl;
        } else {
            pool = t[--k];
        }
        r->pool = tok_dup(&pool);
        if (!r->pool)
            return XLNUMA_ERROR_NOMEM;
    }
    if (k < 6)
        goto short_row;
    /* k-1: time, k-2: state, k-3: vcpus, k-4: mem, k-5: id, rest name */
    if (time_len(t[k - 1].s, t[k - 1].len) != t[k - 1].len) {
        LOGL(role, ln, "time \"%s\" is not a number like 12.3",
             tok_str(&t[k - 1], buf));
        return XLNUMA_ERROR_PARSE;
    }
    if (!state_ok(&t[k - 2], st, 6)) {
        LOGL(role, ln, "state \"%s\" is not like \"-b----\"",
             tok_str(&t[k - 2], buf));
        return XLNUMA_ERROR_PARSE;
    }
    rc = tok_uint(ctx, role, ln, "VCPUs", &t[k - 3], XLNUMA_MAX_VCPUS,
                  &r->vcpus);
    if (!rc)
        rc = tok_u64(ctx, role, ln, "Mem (MiB)", &t[k - 4], MAX_MIB,
                     &r->mem_mib);
    if (!rc)
        rc = tok_u64(ctx, role, ln, "domain id", &t[k - 5], MAX_DOMID, &v);
    if (rc)
        return rc;
    r->id = (uint32_t)v;
    r->name = strndup(t[0].s, (size_t)(t[k - 6].s + t[k - 6].len - t[0].s));
    if (!r->name)
        return XLNUMA_ERROR_NOMEM;
    return 0;
 short_row:
    LOGL(role, ln, "the row has too few fields (truncated?)");
    return XLNUMA_ERROR_PARSE;
}

static int parse_list(xl_parse *x, const char *role, const char *text,
                      list_parse *lp)
{
    xlnuma_ctx *ctx = x->ctx;
    bool have_header = false;
    text_lines L;
    int rc;

    memset(lp, 0, sizeof(*lp));
    rc = lines_split(text, &L);
    if (rc)
        return rc;
    for (unsigned i = 0; i < L.nr; i++) {
        const char *line = L.v[i];
        unsigned ln = i + 1;
        list_row *nr, *r;

        if (!*line)
            continue;
        if (!have_header) {
            rc = list_header(ctx, role, ln, line, lp);
            if (rc)
                goto out;
            have_header = true;
            if (!strcmp(role, R_LISTN) && !lp->has_numa) {
                LOGL(role, ln, "no NODE Affinity column; was xl list run "
                     "without -n?");
                rc = XLNUMA_ERROR_PARSE;
                goto out;
            }
            if (!strcmp(role, R_LISTC) && !lp->has_pool) {
                LOGL(role, ln, "no Cpupool column; was xl list run "
                     "without -c?");
                rc = XLNUMA_ERROR_PARSE;
                goto out;
            }
            continue;
        }
        if (lp->nr >= XLNUMA_MAX_DOMAINS) {
            LOGL(role, ln, "more than %u domains", XLNUMA_MAX_DOMAINS);
            rc = XLNUMA_ERROR_RANGE;
            goto out;
        }
        nr = realloc(lp->rows, (lp->nr + 1) * sizeof(*nr));
        if (!nr) {
            rc = XLNUMA_ERROR_NOMEM;
            goto out;
        }
        lp->rows = nr;
        r = &lp->rows[lp->nr++];
        memset(r, 0, sizeof(*r));
        xlnuma_bitmap_init(&r->aff);
        r->line = ln;
        rc = list_row_parse(x, role, ln, line, lp, r);
        if (rc)
            goto out;
        for (unsigned j = 0; j + 1 < lp->nr; j++) {
            if (lp->rows[j].id == r->id) {
                LOGL(role, ln, "domain id %u is listed twice (also line "
                     "%u)", r->id, lp->rows[j].line);
                rc = XLNUMA_ERROR_INCONSISTENT;
                goto out;
            }
            if (!strcmp(lp->rows[j].name, r->name)) {
                LOGL(role, ln, "domain name %s is listed twice (also line "
                     "%u)", r->name, lp->rows[j].line);
                rc = XLNUMA_ERROR_INCONSISTENT;
                goto out;
            }
        }
    }
    if (!have_header) {
        LOG(ERROR, "%s: empty", role);
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    if (!lp->nr) {
        LOG(ERROR, "%s: no domain listed (Domain-0 always is; truncated?)",
            role);
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    rc = 0;
 out:
    lines_dispose(&L);
    return rc;
}

static xl_dom *dom_by_id(xl_parse *x, uint32_t id)
{
    for (unsigned i = 0; i < x->nr_doms; i++)
        if (x->doms[i].d.domid == id)
            return &x->doms[i];
    return NULL;
}

static int new_dom(xl_parse *x, uint32_t id, const char *name,
                   unsigned line, xl_dom **d_r)
{
    xl_dom *nd, *d;

    if (x->nr_doms >= XLNUMA_MAX_DOMAINS)
        return XLNUMA_ERROR_RANGE;
    nd = realloc(x->doms, (x->nr_doms + 1) * sizeof(*nd));
    if (!nd)
        return XLNUMA_ERROR_NOMEM;
    x->doms = nd;
    d = &x->doms[x->nr_doms];
    memset(d, 0, sizeof(*d));
    xlnuma_domain_init(&d->d);
    x->nr_doms++;
    d->d.domid = id;
    d->line = line;
    d->d.name = strdup(name);
    if (!d->d.name)
        return XLNUMA_ERROR_NOMEM;
    *d_r = d;
    return 0;
}

/* Domains from xl list -n and/or xl list -c. */
static int domains_from_lists(xl_parse *x, const char *list_n,
                              const char *list_c)
{
    xlnuma_ctx *ctx = x->ctx;
    list_parse ln, lc, *prim, *sec = NULL;
    const char *prole, *srole = NULL;
    int rc;

    memset(&ln, 0, sizeof(ln));
    memset(&lc, 0, sizeof(lc));
    if (list_n) {
        rc = parse_list(x, R_LISTN, list_n, &ln);
        if (rc)
            goto out;
    }
    if (list_c) {
        rc = parse_list(x, R_LISTC, list_c, &lc);
        if (rc)
            goto out;
    }
    if (list_n) {
        prim = &ln;
        prole = R_LISTN;
        if (list_c) {
            sec = &lc;
            srole = R_LISTC;
        }
    } else {
        prim = &lc;
        prole = R_LISTC;
    }
    x->dom_role = prole;
    for (unsigned i = 0; i < prim->nr; i++) {
        list_row *r = &prim->rows[i];
        xl_dom *d;

        rc = new_dom(x, r->id, r->name, r->line, &d);
        if (rc)
            goto out;
        d->d.mem_kib = r->mem_mib * 1024;
        d->have_online = true;
        d->online = r->vcpus;
        if (r->has_aff) {
            rc = xlnuma_bitmap_copy(&d->d.node_affinity, &r->aff);
            if (rc)
                goto out;
        }
        if (r->pool) {
            d->pool_name = r->pool;
            r->pool = NULL;
            d->pool_line = r->line;
            d->pool_role = prole;
        }
    }
    if (!sec)
        goto done;
    for (unsigned i = 0; i < sec->nr; i++) {
        list_row *r = &sec->rows[i];
        xl_dom *d = dom_by_id(x, r->id);

        if (!d) {
            LOGL(srole, r->line, "domain %s (id %u) is not in %s", r->name,
                 r->id, prole);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
        if (strcmp(d->d.name, r->name)) {
            LOGL(srole, r->line, "domain %u is named %s here but %s in %s "
                 "(line %u)", r->id, r->name, d->d.name, prole, d->line);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
        if (r->pool) {
            free(d->pool_name);
            d->pool_name = r->pool;
            r->pool = NULL;
            d->pool_line = r->line;
            d->pool_role = srole;
        }
    }
    for (unsigned i = 0; i < prim->nr; i++) {
        bool found = false;

        for (unsigned j = 0; j < sec->nr && !found; j++)
            found = sec->rows[j].id == prim->rows[i].id;
        if (!found) {
            LOGL(prole, prim->rows[i].line, "domain %s (id %u) is not in %s",
                 prim->rows[i].name, prim->rows[i].id, srole);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
    }
 done:
    rc = 0;
 out:
    list_parse_dispose(&ln);
    list_parse_dispose(&lc);
    return rc;
}

/* ---- xl vcpu-list ---- */

static int add_vcpu(xl_dom *d, xlnuma_vcpu **v_r)
{
    xlnuma_vcpu *nv;

    if (d->d.nr_vcpus >= XLNUMA_MAX_VCPUS)
        return XLNUMA_ERROR_RANGE;
    /* Geometrically: 16384 vCPUs one realloc each was quadratic. */
    if (d->d.nr_vcpus == d->vcpus_cap) {
        unsigned cap = d->vcpus_cap ? d->vcpus_cap * 2 : 8;

        if (cap > XLNUMA_MAX_VCPUS)
            cap = XLNUMA_MAX_VCPUS;
        nv = realloc(d->d.vcpus, cap * sizeof(*nv));
        if (!nv)
            return XLNUMA_ERROR_NOMEM;
        d->d.vcpus = nv;
        d->vcpus_cap = cap;
    }
    nv = d->d.vcpus;
    xlnuma_vcpu_init(&nv[d->d.nr_vcpus]);
    nv[d->d.nr_vcpus].id = d->d.nr_vcpus;
    *v_r = &nv[d->d.nr_vcpus++];
    return 0;
}

static int vcpu_row(xl_parse *x, unsigned ln, const char *line,
                    bool create)
{
    static const char *const st[] = { "r-", "b-", "p-" };
    xlnuma_ctx *ctx = x->ctx;
    tok t[MAX_TOK];
    unsigned n = tokenize(line, t, MAX_TOK), vid;
    uint64_t id;
    char buf[80], *name = NULL;
    xlnuma_vcpu *v;
    xl_dom *d;
    int rc;

    if (n > MAX_TOK) {
        LOGL(R_VCPU, ln, "too many fields");
        return XLNUMA_ERROR_PARSE;
    }
    /* name.. id vcpu cpu state time hard / soft */
    if (n < 9 || !tok_is(&t[n - 2], "/")) {
        LOGL(R_VCPU, ln, "expected \"Name ID VCPU CPU State Time(s) "
             "Hard / Soft\" (truncated?)");
        return XLNUMA_ERROR_PARSE;
    }
    rc = tok_u64(ctx, R_VCPU, ln, "domain id", &t[n - 8], MAX_DOMID, &id);
    if (!rc)
        rc = tok_uint(ctx, R_VCPU, ln, "vCPU id", &t[n - 7],
                      XLNUMA_MAX_VCPUS - 1, &vid);
    if (rc)
        return rc;
    name = strndup(t[0].s, (size_t)(t[n - 9].s + t[n - 9].len - t[0].s));
    if (!name)
        return XLNUMA_ERROR_NOMEM;
    d = dom_by_id(x, (uint32_t)id);
    if (!d && create) {
        for (unsigned i = 0; i < x->nr_doms; i++)
            if (!strcmp(x->doms[i].d.name, name)) {
                LOGL(R_VCPU, ln, "domain name %s is used by ids %u and %"
                     PRIu64, name, x->doms[i].d.domid, id);
                rc = XLNUMA_ERROR_INCONSISTENT;
                goto out;
            }
        rc = new_dom(x, (uint32_t)id, name, ln, &d);
        if (rc)
            goto out;
    } else if (!d) {
        LOGL(R_VCPU, ln, "domain %s (id %" PRIu64 ") is not in %s", name, id,
             x->dom_role);
        rc = XLNUMA_ERROR_INCONSISTENT;
        goto out;
    } else if (strcmp(d->d.name, name)) {
        LOGL(R_VCPU, ln, "domain %" PRIu64 " is named %s here but %s in %s "
             "(line %u)", id, name, d->d.name, x->dom_role, d->line);
        rc = XLNUMA_ERROR_INCONSISTENT;
        goto out;
    } else if (d->d.nr_vcpus && x->last_vcpu_dom != d->d.domid) {
        LOGL(R_VCPU, ln, "the vCPUs of domain %s are not listed together "
             "(line %u)", name, d->last_vcpu_line);
        rc = XLNUMA_ERROR_INCONSISTENT;
        goto out;
    }
    if (vid != d->d.nr_vcpus) {
        if (vid < d->d.nr_vcpus)
            LOGL(R_VCPU, ln, "vCPU %u of domain %s is listed twice", vid,
                 name);
        else
            LOGL(R_VCPU, ln, "vCPU %u of domain %s follows vCPU %d (vCPUs "
                 "are listed from 0 without gaps)", vid, name,
                 (int)d->d.nr_vcpus - 1);
        rc = XLNUMA_ERROR_INCONSISTENT;
        goto out;
    }
    snprintf(buf, sizeof(buf), "%s line %u", R_VCPU, ln);
    rc = xlnuma__vcpu_room(ctx, &x->nr_vcpus_all, 1, x->nr_cpus, buf);
    if (!rc)
        rc = add_vcpu(d, &v);
    if (rc)
        goto out;
    d->last_vcpu_line = ln;
    x->last_vcpu_dom = d->d.domid;
    if (!state_ok(&t[n - 5], st, 3)) {
        LOGL(R_VCPU, ln, "state \"%s\" is not like \"-b-\"",
             tok_str(&t[n - 5], buf));
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    v->online = t[n - 5].s[2] != 'p';
    if (tok_is(&t[n - 6], "-")) {
        if (v->online) {
            LOGL(R_VCPU, ln, "vCPU %u of %s runs nowhere but its state "
                 "\"%.3s\" says it is online", vid, name, t[n - 5].s);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
        v->cpu = XLNUMA_NO_CPU;
    } else {
        unsigned cpu;

        if (!v->online) {
            LOGL(R_VCPU, ln, "vCPU %u of %s is offline (\"%.3s\") but runs "
                 "on a cpu", vid, name, t[n - 5].s);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
        rc = tok_uint(ctx, R_VCPU, ln, "cpu", &t[n - 6], UINT_MAX - 1, &cpu);
        if (rc)
            goto out;
        if (cpu >= x->nr_cpus || !xlnuma_bitmap_test(&x->online, cpu)) {
            LOGL(R_VCPU, ln, "vCPU %u of %s runs on cpu %u, which xl info "
                 "-n does not list as online", vid, name, cpu);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
        v->cpu = (int)cpu;
    }
    if (time_len(t[n - 4].s, t[n - 4].len) != t[n - 4].len) {
        LOGL(R_VCPU, ln, "time \"%s\" is not a number like 12.3",
             tok_str(&t[n - 4], buf));
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    rc = parse_xl_list(ctx, R_VCPU, ln, "hard affinity", &t[n - 3],
                       x->nr_cpus, &v->hard);
    if (!rc)
        rc = parse_xl_list(ctx, R_VCPU, ln, "soft affinity", &t[n - 1],
                           x->nr_cpus, &v->soft);
 out:
    free(name);
    return rc;
}

static int parse_vcpu_list(xl_parse *x, const char *text)
{
    xlnuma_ctx *ctx = x->ctx;
    bool create = x->nr_doms == 0, have_header = false;
    text_lines L;
    int rc;

    rc = lines_split(text, &L);
    if (rc)
        return rc;
    if (create)
        x->dom_role = R_VCPU;
    for (unsigned i = 0; i < L.nr; i++) {
        const char *line = L.v[i];
        unsigned ln = i + 1;

        if (!*line)
            continue;
        if (!have_header) {
            static const char *const hdr[] = {
                "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
                "Affinity", "(Hard", "/", "Soft)",
            };
            tok t[MAX_TOK];
            unsigned n = tokenize(line, t, MAX_TOK);
            bool ok = n == ARRAY_SIZE(hdr);

            for (unsigned j = 0; ok && j < n; j++)
                ok = tok_is(&t[j], hdr[j]);
            if (!ok) {
                LOGL(R_VCPU, ln, "expected the header \"Name ID VCPU CPU "
                     "State Time(s) Affinity (Hard / Soft)\"");
                rc = XLNUMA_ERROR_PARSE;
                goto out;
            }
            have_header = true;
            continue;
        }
        rc = vcpu_row(x, ln, line, create);
        if (rc)
            goto out;
    }
    if (!have_header) {
        LOG(ERROR, "%s: empty", R_VCPU);
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    for (unsigned i = 0; i < x->nr_doms; i++) {
        xl_dom *d = &x->doms[i];
        unsigned on = 0;

        if (!d->d.nr_vcpus) {
            LOGL(x->dom_role, d->line, "domain %s (id %u) has no vCPU in %s",
                 d->d.name, d->d.domid, R_VCPU);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
        for (unsigned v = 0; v < d->d.nr_vcpus; v++)
            on += d->d.vcpus[v].online;
        if (d->have_online && on != d->online) {
            LOGL(x->dom_role, d->line, "domain %s has %u online vCPUs, but "
                 "%s lists %u", d->d.name, d->online, R_VCPU, on);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
    }
    if (!x->nr_doms) {
        LOG(ERROR, "%s: no vCPU listed (Domain-0 always has one; "
            "truncated?)", R_VCPU);
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    rc = 0;
 out:
    lines_dispose(&L);
    return rc;
}

/* Without xl vcpu-list: the VCPUs column, every cpu in both maps. */
static int default_vcpus(xl_parse *x)
{
    xlnuma_ctx *ctx = x->ctx;
    int rc;

    if (x->nr_doms)
        LOG(WARN, "%s absent: each domain gets as many vCPUs as %s says, "
            "with affinity to every cpu", R_VCPU, x->dom_role);
    for (unsigned i = 0; i < x->nr_doms; i++) {
        xl_dom *d = &x->doms[i];

        rc = xlnuma__vcpu_room(ctx, &x->nr_vcpus_all, d->online, x->nr_cpus,
                               x->dom_role);
        if (rc)
            return rc;
        for (unsigned n = 0; n < d->online; n++) {
            xlnuma_vcpu *v;

            rc = add_vcpu(d, &v);
            if (!rc && x->nr_cpus)
                rc = xlnuma__bitmap_set_range(&v->hard, 0, x->nr_cpus - 1);
            if (!rc && x->nr_cpus)
                rc = xlnuma__bitmap_set_range(&v->soft, 0, x->nr_cpus - 1);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ---- pools of domains ---- */

static int assign_pools(xl_parse *x, bool have_pool_list)
{
    xlnuma_ctx *ctx = x->ctx;
    bool warned = false;

    for (unsigned i = 0; i < x->nr_doms; i++) {
        xl_dom *d = &x->doms[i];
        bool found = false;

        if (!d->pool_name) {
            if (!warned)
                LOG(WARN, "xl-list-c.txt absent: assuming every domain is "
                    "in Pool-0");
            warned = true;
            d->d.pool = 0;
            continue;
        }
        for (unsigned p = 0; p < x->nr_pools && !found; p++) {
            if (!strcmp(x->pools[p].name, d->pool_name)) {
                d->d.pool = p;
                found = true;
            }
        }
        if (!found) {
            LOGL(d->pool_role, d->pool_line, "domain %s is in cpupool %s, "
                 "%s", d->d.name, d->pool_name, have_pool_list
                 ? "which " R_POOL " does not list"
                 : "but only Pool-0 is known without " R_POOL);
            return XLNUMA_ERROR_INCONSISTENT;
        }
    }
    return 0;
}

/* ---- debug-keys: console lines ---- */

/* The text of a console line without Xen's "(XEN)" and "[timestamp]"
 * prefixes and leading blanks; NULL for a line another source printed
 * ("(d1) ..."). */
static const char *console_text(const char *line)
{
    const char *s = line;

    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '(') {
        if (strncmp(s, "(XEN)", 5))
            return NULL;
        s += 5;
        while (*s == ' ')
            s++;
    }
    if (*s == '[') {
        const char *e = strchr(s, ']');

        if (e)
            s = e + 1;
    }
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* sscanf's %u takes "-1": the lines we scan have no minus sign but the
 * arrows' ones. */
static bool only_arrows(const char *s)
{
    for (; *s; s++)
        if (*s == '-' && s[1] != '>')
            return false;
    return true;
}

/* ---- debug-keys u ---- */

typedef struct {
    unsigned line;
    uint32_t domid;
    uint64_t total;
    uint64_t *pages;            /* nr_nodes */
    xlnuma_bitmap seen;
    unsigned nr_seen;
    unsigned dump;
} u_block;

static void u_blocks_free(u_block *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        free(b[i].pages);
        xlnuma_bitmap_dispose(&b[i].seen);
    }
    free(b);
}

/* Live: the pages go to the domains of the host being built.  A block
 * for a domain the host lacks is one created or destroyed between the
 * two readings: it is left out, as its memory is. */
static void u_to_host(xl_parse *x, u_block *blocks, unsigned nr,
                      unsigned chosen)
{
    xlnuma_ctx *ctx = x->ctx;
    xlnuma_host *h = x->h;

    for (unsigned j = 0; j < nr; j++) {
        u_block *b = &blocks[j];
        xlnuma_domain *d = NULL;

        if (b->dump != chosen)
            continue;
        for (unsigned i = 0; i < h->nr_domains && !d; i++)
            if (h->domains[i].domid == b->domid)
                d = &h->domains[i];
        if (!d) {
            LOG(DETAIL, "%s: domain %u came or went while the host was "
                "read; its pages are left out", R_KEYU, b->domid);
            continue;
        }
        free(d->pages_per_node);
        d->pages_per_node = b->pages;
        b->pages = NULL;
        d->nr_pages = x->nr_nodes;
        d->pages_total = b->total;
    }
    for (unsigned i = 0; i < h->nr_domains; i++)
        if (!h->domains[i].pages_per_node)
            LOG(DETAIL, "%s: no pages for domain %s (id %u)", R_KEYU,
                h->domains[i].name, h->domains[i].domid);
}

static int parse_keys_u(xl_parse *x, const char *text)
{
    xlnuma_ctx *ctx = x->ctx;
    u_block *blocks = NULL, *cur = NULL;
    unsigned nr = 0, dump = 0, dump_start = 0, chosen = UINT_MAX;
    unsigned chosen_line = 0;
    bool dump_has_blocks = false;
    text_lines L;
    int rc;

    rc = lines_split(text, &L);
    if (rc)
        return rc;
    for (unsigned i = 0; i < L.nr; i++) {
        const char *s = console_text(L.v[i]);
        unsigned ln = i + 1;
        tok t[MAX_TOK];
        unsigned n;

        if (!s || !*s)
            continue;
        if (!strncmp(s, "'u' pressed", 11)) {
            if (dump_has_blocks || nr > dump_start) {
                dump++;
                dump_start = nr;
            }
            dump_has_blocks = false;
            cur = NULL;
            continue;
        }
        if (!strncmp(s, "NODE", 4) && isdigit((unsigned char)s[4])) {
            unsigned node;
            unsigned long long start, size, fr;
            int used = 0;

            if (sscanf(s, "NODE%u start->%llu size->%llu free->%llu%n",
                       &node, &start, &size, &fr, &used) != 4 ||
                s[used] || !only_arrows(s)) {
                LOGL(R_KEYU, ln, "cannot parse \"%s\"", s);
                rc = XLNUMA_ERROR_PARSE;
                goto out;
            }
            if (node >= x->nr_nodes || !x->node_listed[node]) {
                LOGL(R_KEYU, ln, "node %u is not in %s", node,
                     x->node_role);
                rc = XLNUMA_ERROR_INCONSISTENT;
                goto out;
            }
            if (dump_has_blocks) {
                dump++;
                dump_start = nr;
                dump_has_blocks = false;
            }
            x->span_known[node] = true;
            x->span_start[node] = start;
            x->span_pages[node] = size;
            cur = NULL;
            continue;
        }
        n = tokenize(s, t, MAX_TOK);
        /* Only the dump's own lines are parsed, strictly: other Xen
         * messages ("Domain 1 (vcpu#0) crashed ...", "Node 1 has 512
         * unscrubbed pages") may share the console. */
        if (n >= 3 && tok_is(&t[0], "Domain") &&
            isdigit((unsigned char)t[1].s[0]) && t[2].len >= 6 &&
            !strncmp(t[2].s, "(total", 6)) {
            uint64_t id, total;
            u_block *nb;

            if (n != 4 || !tok_is(&t[2], "(total:") || t[3].len < 3 ||
                strncmp(t[3].s + t[3].len - 2, "):", 2)) {
                LOGL(R_KEYU, ln, "cannot parse \"%s\"", s);
                rc = XLNUMA_ERROR_PARSE;
                goto out;
            }
            t[3].len -= 2;
            rc = tok_u64(ctx, R_KEYU, ln, "domain id", &t[1], MAX_DOMID, &id);
            if (!rc)
                rc = tok_u64(ctx, R_KEYU, ln, "total pages", &t[3],
                             MAX_PAGES, &total);
            if (rc)
                goto out;
            for (unsigned j = dump_start; j < nr; j++)
                if (blocks[j].domid == id) {
                    /* a dump without its header line: a new dump */
                    dump++;
                    dump_start = nr;
                    break;
                }
            nb = realloc(blocks, (nr + 1) * sizeof(*nb));
            if (!nb) {
                rc = XLNUMA_ERROR_NOMEM;
                goto out;
            }
            blocks = nb;
            cur = &blocks[nr++];
            memset(cur, 0, sizeof(*cur));
            xlnuma_bitmap_init(&cur->seen);
            cur->line = ln;
            cur->domid = (uint32_t)id;
            cur->total = total;
            cur->dump = dump;
            dump_has_blocks = true;
            cur->pages = calloc(x->nr_nodes, sizeof(*cur->pages));
            if (!cur->pages) {
                rc = XLNUMA_ERROR_NOMEM;
                goto out;
            }
            continue;
        }
        if (n >= 2 && tok_is(&t[0], "Node") && tok_is_label(&t[1])) {
            unsigned node;
            uint64_t pages;

            if (n != 3) {
                LOGL(R_KEYU, ln, "cannot parse \"%s\"", s);
                rc = XLNUMA_ERROR_PARSE;
                goto out;
            }
            if (!cur) {
                LOGL(R_KEYU, ln, "\"%s\" outside a Domain block", s);
                rc = XLNUMA_ERROR_PARSE;
                goto out;
            }
            t[1].len--;
            rc = tok_uint(ctx, R_KEYU, ln, "node", &t[1],
                          XLNUMA_MAX_NODES - 1, &node);
            if (!rc)
                rc = tok_u64(ctx, R_KEYU, ln, "pages", &t[2], MAX_PAGES,
                             &pages);
            if (rc)
                goto out;
            if (node >= x->nr_nodes || !x->node_listed[node]) {
                LOGL(R_KEYU, ln, "node %u is not in %s", node,
                     x->node_role);
                rc = XLNUMA_ERROR_INCONSISTENT;
                goto out;
            }
            if (xlnuma_bitmap_test(&cur->seen, node)) {
                LOGL(R_KEYU, ln, "node %u appears twice for domain %u",
                     node, cur->domid);
                rc = XLNUMA_ERROR_INCONSISTENT;
                goto out;
            }
            rc = xlnuma_bitmap_set(&cur->seen, node);
            if (rc)
                goto out;
            cur->pages[node] = pages;
            cur->nr_seen++;
            continue;
        }
        /* Other lines (CPU map, vNUMA layout, noise) do not matter. */
    }
    /* The last dump whose every block is complete. */
    for (int dmp = (int)dump; dmp >= 0 && chosen == UINT_MAX; dmp--) {
        bool any = false, complete = true;

        for (unsigned j = 0; j < nr; j++) {
            if (blocks[j].dump != (unsigned)dmp)
                continue;
            if (!any)
                chosen_line = blocks[j].line;
            any = true;
            if (blocks[j].nr_seen != x->nr_online_nodes)
                complete = false;
        }
        if (any && complete)
            chosen = (unsigned)dmp;
        else if (any)
            LOG(WARN, "%s: the dump at line %u is incomplete; using an "
                "earlier one", R_KEYU, chosen_line);
    }
    if (chosen == UINT_MAX) {
        LOG(ERROR, "%s: no complete dump of the domains' pages (every "
            "\"Domain N (total: P):\" needs a \"Node N: P\" line for each "
            "of the %u nodes)", R_KEYU, x->nr_online_nodes);
        rc = XLNUMA_ERROR_INCONSISTENT;
        goto out;
    }
    if (x->live) {
        u_to_host(x, blocks, nr, chosen);
        rc = 0;
        goto out;
    }
    if (!x->nr_doms) {
        LOG(ERROR, "%s needs %s or %s to name the domains", R_KEYU, R_LISTN,
            R_VCPU);
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    for (unsigned j = 0; j < nr; j++) {
        u_block *b = &blocks[j];
        xl_dom *d;

        if (b->dump != chosen)
            continue;
        d = dom_by_id(x, b->domid);
        if (!d) {
            LOGL(R_KEYU, b->line, "domain %u is not in %s", b->domid,
                 x->dom_role);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
        free(d->d.pages_per_node);
        d->d.pages_per_node = b->pages;
        b->pages = NULL;
        d->d.nr_pages = x->nr_nodes;
        d->d.pages_total = b->total;
        d->have_pages = true;
    }
    for (unsigned i = 0; i < x->nr_doms; i++)
        if (!x->doms[i].have_pages)
            LOG(DETAIL, "%s: no pages for domain %s (id %u)", R_KEYU,
                x->doms[i].d.name, x->doms[i].d.domid);
    rc = 0;
 out:
    u_blocks_free(blocks, nr);
    lines_dispose(&L);
    return rc;
}

/* ---- debug-keys H ---- */

typedef struct {
    unsigned node, zone, line;
    uint64_t pages;
    unsigned dump;
} h_entry;

static unsigned fls64(uint64_t v)
{
    return v ? 64u - (unsigned)__builtin_clzll(v) : 0;
}

/* The DMA width: see the head of this file. */
static int dma_width(xl_parse *x, bool have_line, unsigned line_bits,
                     bool heap_init_line, unsigned *bits_r)
{
    xlnuma_ctx *ctx = x->ctx;
    uint64_t start, pages, v;
    unsigned node, bits;

    if (have_line) {
        *bits_r = line_bits;
        LOG(DETAIL, "%s: DMA width %u bits, as Xen printed it", R_KEYH,
            line_bits);
        return 0;
    }
    if (heap_init_line) {
        *bits_r = 0;
        LOG(DETAIL, "%s: Xen initialised its heap without a DMA zone",
            R_KEYH);
        return 0;
    }
    if (x->cmdline_dma_bits) {
        *bits_r = x->cmdline_dma_bits;
        LOG(DETAIL, "%s: DMA width %u bits from dma_bits= on Xen's command "
            "line", R_KEYH, *bits_r);
        return 0;
    }
    if (x->nr_online_nodes <= 1) {
        *bits_r = 0;
        LOG(DETAIL, "%s: one online node, so Xen keeps no DMA zone",
            R_KEYH);
        return 0;
    }
    for (node = 0; node < x->nr_nodes; node++) {
        if (!x->node_listed[node])
            continue;
        if (x->span_known[node]) {
            if (x->span_pages[node] &&
                !(x->span_start[node] >> (32 - PAGE_SHIFT)))
                break;
        } else if (x->node_size_kib[node]) {
            break;
        }
    }
    if (node == x->nr_nodes) {
        LOG(ERROR, "%s: no node has memory below 4 GiB, so Xen's DMA width "
            "cannot be derived", R_KEYH);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    if (x->span_known[node]) {
        start = x->span_start[node];
        pages = x->span_pages[node];
    } else {
        start = 0;
        pages = x->node_size_kib[node] / 4;
    }
    v = start + pages / 4 - 1;      /* wraps as Xen's unsigned long does */
    bits = fls64(v) + PAGE_SHIFT;
    if (bits > 32)
        bits = 32;
    *bits_r = bits;
    LOG(DETAIL, "%s: DMA width %u bits by Xen's default rule on node %u "
        "(start %" PRIu64 "%s, %" PRIu64 " pages spanned)", R_KEYH, bits,
        node, start, x->span_known[node] ? "" : " assumed", pages);
    return 0;
}

static int parse_keys_h(xl_parse *x, const char *text)
{
    xlnuma_ctx *ctx = x->ctx;
    h_entry *e = NULL;
    unsigned nr = 0, dump = 0, dump_start = 0, chosen = UINT_MAX;
    unsigned line_bits = 0, bits, dz;
    bool have_line = false, heap_init = false;
    uint64_t *dma = NULL;
    bool *present = NULL;
    text_lines L;
    int rc;

    rc = lines_split(text, &L);
    if (rc)
        return rc;
    for (unsigned i = 0; i < L.nr; i++) {
        const char *s = console_text(L.v[i]), *w;
        unsigned ln = i + 1, node, zone;
        unsigned long long pages;
        int used = 0;
        h_entry *ne;

        if (!s || !*s)
            continue;
        if ((w = strstr(s, "Domain heap initialised")) != NULL) {
            const char *d = strstr(w, "DMA width ");

            heap_init = true;
            if (d) {
                unsigned b;

                if (sscanf(d, "DMA width %u bits%n", &b, &used) != 1 ||
                    !used || b > 64 || !only_arrows(d)) {
                    LOGL(R_KEYH, ln, "cannot parse \"%s\"", s);
                    rc = XLNUMA_ERROR_PARSE;
                    goto out;
                }
                have_line = true;
                line_bits = b;
            }
            continue;
        }
        if (!strncmp(s, "'H' pressed", 11)) {
            if (nr > dump_start) {
                dump++;
                dump_start = nr;
            }
            continue;
        }
        if (strncmp(s, "heap[", 5))
            continue;
        if (sscanf(s, "heap[node=%u][zone=%u] -> %llu pages%n", &node, &zone,
                   &pages, &used) != 3 || s[used] || !only_arrows(s)) {
            LOGL(R_KEYH, ln, "cannot parse \"%s\"", s);
            rc = XLNUMA_ERROR_PARSE;
            goto out;
        }
        if (node >= x->nr_nodes || !x->node_listed[node]) {
            LOGL(R_KEYH, ln, "node %u is not in %s", node, x->node_role);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
        if (zone > 64 || pages > MAX_PAGES) {
            LOGL(R_KEYH, ln, "zone %u with %llu pages is absurd", zone,
                 pages);
            rc = XLNUMA_ERROR_RANGE;
            goto out;
        }
        for (unsigned j = dump_start; j < nr; j++) {
            if (e[j].node != node || e[j].zone != zone)
                continue;
            if (zone) {
                LOGL(R_KEYH, ln, "zone %u of node %u is listed twice in "
                     "one dump (also line %u)", zone, node, e[j].line);
                rc = XLNUMA_ERROR_INCONSISTENT;
                goto out;
            }
            dump++;             /* a dump without its header line */
            dump_start = nr;
            break;
        }
        ne = realloc(e, (nr + 1) * sizeof(*ne));
        if (!ne) {
            rc = XLNUMA_ERROR_NOMEM;
            goto out;
        }
        e = ne;
        e[nr].node = node;
        e[nr].zone = zone;
        e[nr].pages = pages;
        e[nr].line = ln;
        e[nr].dump = dump;
        nr++;
    }
    rc = dma_width(x, have_line, line_bits, heap_init, &bits);
    if (rc)
        goto out;
    rc = xlnuma_host_set_dma_bits(ctx, x->h, bits);
    if (rc)
        goto out;
    if (!nr) {
        if (!have_line && !heap_init) {
            LOG(ERROR, "%s: no heap[node=N][zone=Z] lines and no DMA width",
                R_KEYH);
            rc = XLNUMA_ERROR_PARSE;
            goto out;
        }
        goto done;              /* the width alone */
    }
    /* The last complete dump: each node's zones 0..Z-1 in order, the same
     * Z for every node, every node with free memory present. */
    for (int dmp = (int)dump; dmp >= 0 && chosen == UINT_MAX; dmp--) {
        unsigned first = UINT_MAX, zones = 0, run = 0, prev_node = UINT_MAX;
        bool complete = true, any = false;

        for (unsigned j = 0; j < nr; j++) {
            if (e[j].dump != (unsigned)dmp)
                continue;
            if (!any)
                first = j;
            any = true;
            if (e[j].node != prev_node) {
                if (prev_node != UINT_MAX) {
                    if (!zones)
                        zones = run;
                    else if (run != zones)
                        complete = false;
                }
                prev_node = e[j].node;
                run = 0;
            }
            if (e[j].zone != run) {
                LOGL(R_KEYH, e[j].line, "zone %u of node %u where zone %u "
                     "was expected (zones are listed from 0 in order)",
                     e[j].zone, e[j].node, run);
                rc = XLNUMA_ERROR_INCONSISTENT;
                goto out;
            }
            run++;
        }
        if (!any)
            continue;
        if (zones && run != zones)
            complete = false;
        for (unsigned n = 0; n < x->nr_nodes && complete; n++) {
            bool seen = false;

            if (!x->node_listed[n] || !x->node_free_kib[n])
                continue;
            for (unsigned j = first; j < nr && !seen; j++)
                seen = e[j].dump == (unsigned)dmp && e[j].node == n;
            if (!seen)
                complete = false;
        }
        if (complete)
            chosen = (unsigned)dmp;
        else
            LOG(WARN, "%s: the dump at line %u is incomplete; using an "
                "earlier one", R_KEYH, e[first].line);
    }
    if (chosen == UINT_MAX) {
        LOG(ERROR, "%s: no complete dump of the heap (each node with free "
            "memory needs one heap[] line per zone)", R_KEYH);
        rc = XLNUMA_ERROR_INCONSISTENT;
        goto out;
    }
    dma = calloc(x->nr_nodes, sizeof(*dma));
    present = calloc(x->nr_nodes, sizeof(*present));
    if (!dma || !present) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    /* Zones 1..bits-12 lie below 2^bits; zone 0 is the Xen heap. */
    dz = bits ? (bits < PAGE_SHIFT + 1 ? 1 : bits - PAGE_SHIFT) : 0;
    for (unsigned j = 0; j < nr; j++) {
        if (e[j].dump != chosen)
            continue;
        present[e[j].node] = true;
        if (e[j].zone >= 1 && e[j].zone <= dz)
            dma[e[j].node] += e[j].pages;
    }
    for (unsigned n = 0; n < x->nr_nodes; n++) {
        uint64_t kib = dma[n] * 4;

        if (!x->node_listed[n])
            continue;
        if (kib > x->node_free_kib[n]) {
            /* memfree is rounded down to a MiB; live, the memory may
             * have changed between the two readings. */
            if (kib - x->node_free_kib[n] >= 1024 && !x->live) {
                LOG(ERROR, "%s: node %u has %" PRIu64 " KiB free below the "
                    "DMA width (%u bits), but %s says only %" PRIu64
                    " KiB are free", R_KEYH, n, kib, bits, x->node_role,
                    x->node_free_kib[n]);
                rc = XLNUMA_ERROR_INCONSISTENT;
                goto out;
            }
            if (kib - x->node_free_kib[n] >= 1024)
                LOG(DETAIL, "%s: node %u's free memory changed while the "
                    "host was read: %" PRIu64 " KiB below the DMA width, "
                    "%" PRIu64 " KiB free in all", R_KEYH, n, kib,
                    x->node_free_kib[n]);
            kib = x->node_free_kib[n];
        }
        rc = xlnuma_host_set_dma(ctx, x->h, n, kib);
        if (rc)
            goto out;
    }
 done:
    rc = 0;
 out:
    free(dma);
    free(present);
    free(e);
    lines_dispose(&L);
    return rc;
}

/* ---- the whole ---- */

int xlnuma_host_from_xl_texts(xlnuma_ctx *ctx, const xlnuma_xl_texts *t,
                              xlnuma_host **host_r)
{
    xl_parse x;
    const char **known = NULL;
    unsigned nr_known = 0;
    int rc;

    memset(&x, 0, sizeof(x));
    x.ctx = ctx;
    x.node_role = R_INFO;
    xlnuma_bitmap_init(&x.online);
    if (!t || !t->info_n || !host_r) {
        LOG(ERROR, "the text of `xl info -n' is required");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    rc = xlnuma_host_alloc(ctx, &x.h);
    if (rc)
        goto out;
    rc = parse_info(&x, t->info_n);
    if (rc)
        goto out;
    if (t->list_n || t->list_c) {
        rc = domains_from_lists(&x, t->list_n, t->list_c);
        if (rc)
            goto out;
    }
    if (t->vcpu_list) {
        rc = parse_vcpu_list(&x, t->vcpu_list);
        if (rc)
            goto out;
        if (!t->list_n && !t->list_c)
            LOG(WARN, "%s absent: domains come from %s; their memory %s",
                R_LISTN, R_VCPU, t->debug_keys_u
                ? "from the pages of " R_KEYU : "is unknown (0)");
    } else {
        rc = default_vcpus(&x);
        if (rc)
            goto out;
    }
    if (t->cpupool_list_c) {
        /* Pool names from xl list -c settle ambiguous rows. */
        known = calloc(x.nr_doms + 1, sizeof(*known));
        if (!known) {
            rc = XLNUMA_ERROR_NOMEM;
            goto out;
        }
        for (unsigned i = 0; i < x.nr_doms; i++)
            if (x.doms[i].pool_name)
                known[nr_known++] = x.doms[i].pool_name;
        rc = parse_pools(&x, t->cpupool_list_c, known, nr_known);
    } else {
        rc = default_pool(&x);
    }
    if (rc)
        goto out;
    rc = assign_pools(&x, t->cpupool_list_c != NULL);
    if (rc)
        goto out;
    if (t->debug_keys_u) {
        rc = parse_keys_u(&x, t->debug_keys_u);
        if (rc)
            goto out;
        if (!t->list_n && !t->list_c)
            for (unsigned i = 0; i < x.nr_doms; i++)
                x.doms[i].d.mem_kib = x.doms[i].d.pages_total * 4;
    }
    if (t->debug_keys_h) {
        rc = parse_keys_h(&x, t->debug_keys_h);
        if (rc)
            goto out;
    }
    for (unsigned p = 0; p < x.nr_pools; p++) {
        rc = xlnuma_host_add_pool(ctx, x.h, p, x.pools[p].name,
                                  x.pools[p].sched, &x.pools[p].cpus);
        if (rc)
            goto out;
    }
    for (unsigned i = 0; i < x.nr_doms; i++) {
        rc = xlnuma_host_add_domain(ctx, x.h, &x.doms[i].d);
        if (rc)
            goto out;
    }
    rc = xlnuma_host_finish(ctx, x.h);
    if (rc)
        goto out;
    *host_r = x.h;
    x.h = NULL;
 out:
    free(known);
    xlnuma_host_free(x.h);
    xl_parse_dispose(&x);
    return rc;
}

/* ---- Xen's console, read live ---- */

/* The lines of ring from the last one that starts (after the console's
 * prefixes) with head, joined again; with `also', every earlier line
 * containing it comes first.  *text_r is NULL when no line starts so. */
static int last_dump(const text_lines *L, const char *head,
                     const char *also, char **text_r)
{
    size_t hl = strlen(head), len = 1;
    unsigned last = UINT_MAX;
    char *t, *p;

    *text_r = NULL;
    for (unsigned i = 0; i < L->nr; i++) {
        const char *s = console_text(L->v[i]);

        if (s && !strncmp(s, head, hl))
            last = i;
    }
    if (last == UINT_MAX)
        return 0;
    for (unsigned i = 0; i < L->nr; i++)
        if (i >= last || (also && strstr(L->v[i], also)))
            len += strlen(L->v[i]) + 1;
    t = p = malloc(len);
    if (!t)
        return XLNUMA_ERROR_NOMEM;
    for (unsigned i = 0; i < L->nr; i++)
        if (i >= last || (also && strstr(L->v[i], also)))
            p += sprintf(p, "%s\n", L->v[i]);
    *p = '\0';
    *text_r = t;
    return 0;
}

int xlnuma__host_add_xen_console(xlnuma_ctx *ctx, xlnuma_host *h,
                                 const char *ring, const char *cmdline)
{
    char *keys_u = NULL, *keys_h = NULL;
    text_lines L;
    xl_parse x;
    int rc;

    memset(&x, 0, sizeof(x));
    memset(&L, 0, sizeof(L));
    x.ctx = ctx;
    x.h = h;
    x.live = true;
    x.node_role = "the host";
    xlnuma_bitmap_init(&x.online);
    if (!h || !ring || xlnuma__host_finished(h)) {
        LOG(ERROR, "xlnuma__host_add_xen_console: %s",
            !h ? "no host" : !ring ? "no console text"
                                   : "the host is finished");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    x.nr_nodes = h->nr_nodes;
    x.node_listed = calloc(x.nr_nodes + 1, sizeof(*x.node_listed));
    x.node_size_kib = calloc(x.nr_nodes + 1, sizeof(*x.node_size_kib));
    x.node_free_kib = calloc(x.nr_nodes + 1, sizeof(*x.node_free_kib));
    x.span_known = calloc(x.nr_nodes + 1, sizeof(*x.span_known));
    x.span_start = calloc(x.nr_nodes + 1, sizeof(*x.span_start));
    x.span_pages = calloc(x.nr_nodes + 1, sizeof(*x.span_pages));
    if (!x.node_listed || !x.node_size_kib || !x.node_free_kib ||
        !x.span_known || !x.span_start || !x.span_pages) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    for (unsigned n = 0; n < x.nr_nodes; n++) {
        /* A node Xen has offline is one libxl reports invalid, which the
         * host does not describe. */
        x.node_listed[n] = h->node_described[n];
        x.nr_online_nodes += x.node_listed[n];
        x.node_size_kib[n] = h->nodes[n].memsize_kib;
        x.node_free_kib[n] = h->nodes[n].memfree_kib;
    }
    if (cmdline)
        cmdline_dma_bits(cmdline, &x.cmdline_dma_bits);

    rc = lines_split(ring, &L);
    if (!rc)
        rc = last_dump(&L, "'u' pressed", NULL, &keys_u);
    if (!rc)
        rc = last_dump(&L, "'H' pressed", "Domain heap initialised",
                       &keys_h);
    if (rc)
        goto out;
    if (!keys_u || !keys_h) {
        LOG(ERROR, "Xen's console ring holds no '%c' dump after the key was "
            "pressed (is Xen's conring_size too small?)", keys_u ? 'H' : 'u');
        rc = XLNUMA_ERROR_NOTFOUND;
        goto out;
    }
    /* u first: its NODE lines give the spans the DMA width rule needs. */
    rc = parse_keys_u(&x, keys_u);
    if (!rc)
        rc = parse_keys_h(&x, keys_h);
 out:
    free(keys_u);
    free(keys_h);
    lines_dispose(&L);
    xl_parse_dispose(&x);
    return rc;
}
