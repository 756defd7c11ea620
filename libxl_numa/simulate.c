/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * simulate.c: replay guest arrivals and departures on a host model.
 *
 * Three parts, each pure (no I/O but xlnuma_trace_load's read):
 *  - the split: how a placed guest's need is taken from its nodes, shared
 *    with `xl-numa create --host STATE';
 *  - traces: the CSV format, its checks and a seeded generator;
 *  - the replay: every create goes through xlnuma_place and is enacted
 *    on a copy of the host (memory taken, a domain with the decided
 *    affinities added); every destroy undoes that; the metrics of
 *    docs/simulation.md are gathered on the way.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlnuma_internal.h"

#define PAGE_KIB 4u
#define TRACE_MAX_NAME 64u
#define TRACE_MAX_EVENTS 10000000u
#define TRACE_MAX_MIB (XLNUMA_MAX_KIB / 1024)
#define TRACE_MAX_TIME (UINT64_C(1) << 53)  /* exact in a double */

/* ---- the split ------------------------------------------------------ */

/* What node n can give under req, in KiB (placement semantics 7). */
static uint64_t usable_kib(const xlnuma_node *node, const xlnuma_request *req)
{
    uint64_t base = node->memfree_kib, reserve;

    if (req->dma_aware)
        base = base > node->dmafree_kib ? base - node->dmafree_kib : 0;
    reserve = req->headroom_kib +
              node->memsize_kib * req->headroom_pct / 100;
    return base > reserve ? base - reserve : 0;
}

int xlnuma_split_memory(xlnuma_ctx *ctx, const xlnuma_host *h,
                        const xlnuma_request *req,
                        const xlnuma_bitmap *nodes, uint64_t *pages_r,
                        uint64_t *avail_r)
{
    uint64_t need, total = 0, given = 0, *avail = NULL;
    unsigned nr_nodes;
    int rc;

    if (!h || !req || !nodes || !pages_r || !xlnuma__host_finished(h)) {
        LOG(ERROR, "split: needs a finished host, a request, nodes and an "
            "array for the pages");
        return XLNUMA_ERROR_INVAL;
    }
    nr_nodes = h->nr_nodes;
    need = req->need_kib / PAGE_KIB + (req->need_kib % PAGE_KIB != 0);
    memset(pages_r, 0, nr_nodes * sizeof(*pages_r));
    avail = calloc(nr_nodes, sizeof(*avail));
    if (!avail)
        return XLNUMA_ERROR_NOMEM;
    xlnuma_bitmap_for_each(n, nodes) {
        if ((unsigned)n >= nr_nodes) {
            LOG(ERROR, "split: node %d is not a node of the host (it has "
                "%u)", n, nr_nodes);
            rc = XLNUMA_ERROR_INVAL;
            goto out;
        }
        avail[n] = usable_kib(&h->nodes[n], req) / PAGE_KIB;
        total += avail[n];
    }
    if (avail_r)
        *avail_r = total;
    if (total < need) {
        rc = XLNUMA_ERROR_NOFIT;
        goto out;
    }
    if (total) {
        xlnuma_bitmap_for_each(n, nodes) {
            pages_r[n] = (uint64_t)((unsigned __int128)need * avail[n] /
                                    total);
            given += pages_r[n];
        }
    }
    /* Each share rounds down by less than a page: fewer pages than nodes
     * are left.  Each goes where the most is left. */
    while (given < need) {
        int best = -1;

        xlnuma_bitmap_for_each(n, nodes) {
            if (pages_r[n] >= avail[n])
                continue;
            if (best < 0 ||
                avail[n] - pages_r[n] > avail[best] - pages_r[best])
                best = n;
        }
        if (best < 0)
            break;          /* cannot happen: total >= need */
        pages_r[best]++;
        given++;
    }
    rc = 0;
 out:
    free(avail);
    return rc;
}

/* ---- names: a set of strings without deletion ------------------------- */

typedef struct {
    const char **key;           /* borrowed; NULL: empty slot */
    unsigned *val;
    size_t cap;                 /* a power of two, > 2 x the keys */
} namemap;

static void namemap_dispose(namemap *m)
{
    free(m->key);
    free(m->val);
    memset(m, 0, sizeof(*m));
}

static int namemap_alloc(namemap *m, size_t nr_keys)
{
    size_t cap = 16;

    memset(m, 0, sizeof(*m));
    while (cap < 2 * nr_keys + 16)
        cap *= 2;
    m->key = calloc(cap, sizeof(*m->key));
    m->val = calloc(cap, sizeof(*m->val));
    if (!m->key || !m->val) {
        namemap_dispose(m);
        return XLNUMA_ERROR_NOMEM;
    }
    m->cap = cap;
    return 0;
}

/* The value of k; inserted (value 0, *found false) when absent.  The map
 * holds at most half its capacity by construction. */
static unsigned *namemap_get(namemap *m, const char *k, bool *found)
{
    uint64_t hsh = UINT64_C(14695981039346656037);
    size_t i;

    for (const char *p = k; *p; p++)
        hsh = (hsh ^ (unsigned char)*p) * UINT64_C(1099511628211);
    for (i = hsh & (m->cap - 1); m->key[i]; i = (i + 1) & (m->cap - 1))
        if (!strcmp(m->key[i], k)) {
            *found = true;
            return &m->val[i];
        }
    m->key[i] = k;
    m->val[i] = 0;
    *found = false;
    return &m->val[i];
}

/* ---- traces ---------------------------------------------------------- */

void xlnuma_trace_init(xlnuma_trace *t)
{
    memset(t, 0, sizeof(*t));
}

void xlnuma_trace_dispose(xlnuma_trace *t)
{
    if (!t)
        return;
    for (unsigned i = 0; i < t->nr_events; i++)
        free(t->events[i].name);
    free(t->events);
    xlnuma_trace_init(t);
}

static const char *action_name(xlnuma_trace_action a)
{
    return a == XLNUMA_TRACE_CREATE ? "create" : "destroy";
}

static bool name_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
           c == ':' || c == '+';
}

/* "SRC line N" or "trace event N" for messages. */
static void where(char *buf, size_t size, const char *src,
                  const xlnuma_trace_event *e, unsigned idx)
{
    if (e->line)
        snprintf(buf, size, "%s line %u", src, e->line);
    else
        snprintf(buf, size, "%s event %u", src, idx + 1);
}

/* The rules of a consistent trace, on a whole trace (parsed, generated
 * or built by a caller): valid fields, times that never decrease, and
 * creates and destroys that alternate per name. */
static int trace_check(xlnuma_ctx *ctx, const char *src,
                       const xlnuma_trace *t)
{
    namemap alive;
    char at[128];
    int rc;

    rc = namemap_alloc(&alive, t->nr_events);
    if (rc)
        return rc;
    for (unsigned i = 0; i < t->nr_events; i++) {
        const xlnuma_trace_event *e = &t->events[i];
        size_t len = e->name ? strlen(e->name) : 0;
        unsigned *v;
        bool found;

        where(at, sizeof(at), src, e, i);
        if (!len || len > TRACE_MAX_NAME) {
            LOG(ERROR, "%s: a guest name has 1 to %u characters", at,
                TRACE_MAX_NAME);
            rc = XLNUMA_ERROR_PARSE;
            goto out;
        }
        for (size_t j = 0; j < len; j++)
            if (!name_char_ok(e->name[j])) {
                LOG(ERROR, "%s: guest name \"%s\" has '%c'; names use "
                    "letters, digits and _ - . : +", at, e->name,
                    e->name[j]);
                rc = XLNUMA_ERROR_PARSE;
                goto out;
            }
        if (e->action != XLNUMA_TRACE_CREATE &&
            e->action != XLNUMA_TRACE_DESTROY) {
            LOG(ERROR, "%s: unknown action %d", at, (int)e->action);
            rc = XLNUMA_ERROR_INVAL;
            goto out;
        }
        if (e->time > TRACE_MAX_TIME) {
            LOG(ERROR, "%s: time %" PRIu64 " is beyond %" PRIu64, at,
                e->time, TRACE_MAX_TIME);
            rc = XLNUMA_ERROR_RANGE;
            goto out;
        }
        if (i && e->time < t->events[i - 1].time) {
            LOG(ERROR, "%s: time %" PRIu64 " is before the previous "
                "event's %" PRIu64 "; a trace is in time order", at, e->time,
                t->events[i - 1].time);
            rc = XLNUMA_ERROR_PARSE;
            goto out;
        }
        if (e->action == XLNUMA_TRACE_CREATE) {
            if (!e->memory_mib || e->memory_mib > TRACE_MAX_MIB) {
                LOG(ERROR, "%s: create %s: memory %" PRIu64 " MiB is not "
                    "in 1..%" PRIu64, at, e->name, e->memory_mib,
                    TRACE_MAX_MIB);
                rc = XLNUMA_ERROR_RANGE;
                goto out;
            }
            if (!e->vcpus || e->vcpus > XLNUMA_MAX_VCPUS) {
                LOG(ERROR, "%s: create %s: %u vCPUs is not in 1..%u", at,
                    e->name, e->vcpus, XLNUMA_MAX_VCPUS);
                rc = XLNUMA_ERROR_RANGE;
                goto out;
            }
        }
        v = namemap_get(&alive, e->name, &found);
        if (e->action == XLNUMA_TRACE_CREATE && found && (*v & 1)) {
            const xlnuma_trace_event *c = &t->events[*v >> 1];
            char at2[128];

            where(at2, sizeof(at2), src, c, *v >> 1);
            LOG(ERROR, "%s: create %s: it is alive already (created at "
                "%s)", at, e->name, at2);
            rc = XLNUMA_ERROR_PARSE;
            goto out;
        }
        if (e->action == XLNUMA_TRACE_DESTROY && !(found && (*v & 1))) {
            LOG(ERROR, "%s: destroy %s: no guest of that name is alive", at,
                e->name);
            rc = XLNUMA_ERROR_PARSE;
            goto out;
        }
        if (e->action == XLNUMA_TRACE_CREATE)
            *v = (i << 1) | 1;
        else
            *v &= ~1u;
    }
    rc = 0;
 out:
    namemap_dispose(&alive);
    return rc;
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

/* A decimal field: PARSE or RANGE, logged with what it is. */
static int field_u64(xlnuma_ctx *ctx, const char *src, unsigned line,
                     const char *what, const char *s, uint64_t max,
                     uint64_t *v_r)
{
    int rc = xlnuma__parse_u64(s, max, v_r);

    if (rc == XLNUMA_ERROR_PARSE)
        LOG(ERROR, "%s line %u: %s \"%s\" is not a decimal number", src,
            line, what, s);
    else if (rc == XLNUMA_ERROR_RANGE)
        LOG(ERROR, "%s line %u: %s %s is too large (at most %" PRIu64 ")",
            src, line, what, s, max);
    return rc;
}

static int trace_append(xlnuma_trace *t, unsigned *cap,
                        const xlnuma_trace_event *e)
{
    if (t->nr_events == *cap) {
        unsigned ncap = *cap ? *cap * 2 : 64;
        xlnuma_trace_event *n = realloc(t->events, ncap * sizeof(*n));

        if (!n)
            return XLNUMA_ERROR_NOMEM;
        t->events = n;
        *cap = ncap;
    }
    t->events[t->nr_events++] = *e;
    return 0;
}

/* One line's fields, split on commas in place.  Returns the count. */
static unsigned split_fields(char *s, char **f, unsigned max)
{
    unsigned n = 0;

    for (;;) {
        char *comma = strchr(s, ',');

        if (comma)
            *comma = '\0';
        if (n < max)
            f[n] = trim(s);
        n++;
        if (!comma)
            break;
        s = comma + 1;
    }
    return n;
}

static int parse_line(xlnuma_ctx *ctx, const char *src, unsigned line,
                      char *s, bool *header_ok, xlnuma_trace_event *e)
{
    char *f[5];
    unsigned n = split_fields(s, f, 5);
    uint64_t v;
    int rc;

    if (*header_ok && !strcmp(f[0], "time")) {
        *header_ok = false;
        e->name = NULL;
        return 1;               /* the header: nothing to add */
    }
    *header_ok = false;
    if (n < 3 || n > 5) {
        LOG(ERROR, "%s line %u: %u fields; an event is TIME,create,NAME,"
            "MEMORY_MIB,VCPUS or TIME,destroy,NAME", src, line, n);
        return XLNUMA_ERROR_PARSE;
    }
    rc = field_u64(ctx, src, line, "time", f[0], TRACE_MAX_TIME, &e->time);
    if (rc)
        return rc;
    if (!strcmp(f[1], "create")) {
        e->action = XLNUMA_TRACE_CREATE;
        if (n != 5) {
            LOG(ERROR, "%s line %u: create needs TIME,create,NAME,"
                "MEMORY_MIB,VCPUS", src, line);
            return XLNUMA_ERROR_PARSE;
        }
        rc = field_u64(ctx, src, line, "memory (MiB)", f[3], TRACE_MAX_MIB,
                       &e->memory_mib);
        if (rc)
            return rc;
        rc = field_u64(ctx, src, line, "vCPUs", f[4], XLNUMA_MAX_VCPUS, &v);
        if (rc)
            return rc;
        e->vcpus = (unsigned)v;
    } else if (!strcmp(f[1], "destroy")) {
        e->action = XLNUMA_TRACE_DESTROY;
        for (unsigned i = 3; i < n; i++)
            if (*f[i]) {
                LOG(ERROR, "%s line %u: destroy takes no memory or vCPUs "
                    "(\"%s\"); leave those fields empty", src, line, f[i]);
                return XLNUMA_ERROR_PARSE;
            }
    } else {
        LOG(ERROR, "%s line %u: unknown event \"%s\" (create or destroy)",
            src, line, f[1]);
        return XLNUMA_ERROR_PARSE;
    }
    e->name = strdup(f[2]);
    return e->name ? 0 : XLNUMA_ERROR_NOMEM;
}

static int trace_parse(xlnuma_ctx *ctx, const char *src, const char *text,
                       xlnuma_trace *t_r)
{
    xlnuma_trace t;
    char *buf = NULL, *s, *nl;
    unsigned line = 0, cap = 0;
    bool header_ok = true;
    int rc;

    xlnuma_trace_init(&t);
    if (!text || !t_r) {
        LOG(ERROR, "no trace text");
        return XLNUMA_ERROR_INVAL;
    }
    buf = strdup(text);
    if (!buf)
        return XLNUMA_ERROR_NOMEM;
    for (s = buf; s; s = nl) {
        xlnuma_trace_event e;
        char *l;

        nl = strchr(s, '\n');
        if (nl)
            *nl++ = '\0';
        line++;
        l = trim(s);
        if (!*l || *l == '#')
            continue;
        if (t.nr_events >= TRACE_MAX_EVENTS) {
            LOG(ERROR, "%s line %u: more than %u events", src, line,
                TRACE_MAX_EVENTS);
            rc = XLNUMA_ERROR_RANGE;
            goto out;
        }
        memset(&e, 0, sizeof(e));
        e.line = line;
        rc = parse_line(ctx, src, line, l, &header_ok, &e);
        if (rc == 1)
            continue;
        if (rc)
            goto out;
        rc = trace_append(&t, &cap, &e);
        if (rc) {
            free(e.name);
            goto out;
        }
    }
    rc = trace_check(ctx, src, &t);
    if (rc)
        goto out;
    xlnuma_trace_dispose(t_r);
    *t_r = t;
    xlnuma_trace_init(&t);
 out:
    xlnuma_trace_dispose(&t);
    free(buf);
    return rc;
}

int xlnuma_trace_parse(xlnuma_ctx *ctx, const char *text, xlnuma_trace *t_r)
{
    return trace_parse(ctx, "trace", text, t_r);
}

int xlnuma_trace_load(xlnuma_ctx *ctx, const char *path, xlnuma_trace *t_r)
{
    char *text = NULL;
    int rc;

    if (!path || !t_r) {
        LOG(ERROR, "no trace path");
        return XLNUMA_ERROR_INVAL;
    }
    rc = xlnuma__read_file(ctx, path, &text, NULL);
    if (rc)
        return rc;
    rc = trace_parse(ctx, path, text, t_r);
    free(text);
    return rc;
}

int xlnuma_trace_format(xlnuma_ctx *ctx, const xlnuma_trace *t,
                        char **csv_r)
{
    static const char header[] = "time,event,name,memory_mib,vcpus\n";
    size_t cap = sizeof(header), len;
    char *buf;

    if (!t || !csv_r) {
        LOG(ERROR, "no trace to format");
        return XLNUMA_ERROR_INVAL;
    }
    for (unsigned i = 0; i < t->nr_events; i++)
        cap += 64 + (t->events[i].name ? strlen(t->events[i].name) : 0);
    buf = malloc(cap);
    if (!buf)
        return XLNUMA_ERROR_NOMEM;
    memcpy(buf, header, sizeof(header));
    len = sizeof(header) - 1;
    for (unsigned i = 0; i < t->nr_events; i++) {
        const xlnuma_trace_event *e = &t->events[i];
        int n;

        if (e->action == XLNUMA_TRACE_CREATE)
            n = snprintf(buf + len, cap - len, "%" PRIu64 ",create,%s,%"
                         PRIu64 ",%u\n", e->time, e->name ? e->name : "",
                         e->memory_mib, e->vcpus);
        else
            n = snprintf(buf + len, cap - len, "%" PRIu64 ",destroy,%s,,\n",
                         e->time, e->name ? e->name : "");
        if (n < 0 || (size_t)n >= cap - len) {
            free(buf);
            LOG(ERROR, "trace event %u does not fit its line", i + 1);
            return XLNUMA_ERROR_RANGE;
        }
        len += (size_t)n;
    }
    *csv_r = buf;
    return 0;
}

/* ---- the generator --------------------------------------------------- */

/* splitmix64 (Steele, Lea and Flood 2014): one 64-bit state, the same
 * sequence everywhere. */
static uint64_t rng_next(uint64_t *st)
{
    uint64_t z = (*st += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(uint64_t *st)
{
    return (double)(rng_next(st) >> 11) * 0x1.0p-53;
}

/* Exponential with the given mean. */
static double rng_exp(uint64_t *st, double mean)
{
    return -mean * log1p(-rng_unit(st));
}

/* The size mix before scaling (docs/simulation.md, "The generator"):
 * vCPUs a power of two in [vcpu_lo, vcpu_hi], memory log-uniform in
 * [gib_lo, gib_hi] GiB. */
static const struct {
    unsigned weight;            /* of 100 */
    unsigned vcpu_lo, vcpu_hi;
    unsigned gib_lo, gib_hi;
} size_mix[] = {
    { 50,  1,  2,  1,   4 },    /* tiny */
    { 30,  2,  4,  4,  16 },    /* small */
    { 15,  4, 16, 16,  64 },    /* medium */
    {  5, 16, 64, 64, 256 },    /* large */
};

#define GEN_MEAN_GAP 60.0           /* seconds between arrivals */
#define GEN_OFFERED 1.25            /* offered memory / free memory */
#define GEN_REF_MIB (1024.0 * 1024) /* 1 TiB: the mix's full scale */
#define GEN_REF_PCPUS 256.0
#define GEN_MIN_MIB 128
#define GEN_ROUND_MIB 64

typedef struct {
    uint64_t time;
    bool destroy;
    unsigned guest;
} gen_event;

static int gen_event_cmp(const void *a, const void *b)
{
    const gen_event *x = a, *y = b;

    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    if (x->destroy != y->destroy)
        return x->destroy ? -1 : 1;     /* departures first */
    return x->guest < y->guest ? -1 : x->guest > y->guest;
}

/* Free memory (MiB) and pCPUs of Pool-0's nodes: what the mix scales to. */
static void pool0_capacity(const xlnuma_host *h, uint64_t *mib_r,
                           unsigned *pcpus_r)
{
    const xlnuma_pool *p0 = xlnuma_host_pool_by_id(h, 0);
    uint64_t kib = 0;
    unsigned pcpus = 0;

    for (unsigned n = 0; n < h->nr_nodes; n++) {
        unsigned c = 0;

        xlnuma_bitmap_for_each(cpu, &h->nodes[n].cpus)
            if (!p0 || xlnuma_bitmap_test(&p0->cpus, (unsigned)cpu))
                c++;
        if (!c)
            continue;
        pcpus += c;
        kib += h->nodes[n].memfree_kib;
    }
    *mib_r = kib / 1024;
    *pcpus_r = pcpus;
}

int xlnuma_trace_generate(xlnuma_ctx *ctx, const xlnuma_host *h,
                          unsigned nr_guests, uint64_t seed,
                          xlnuma_trace *t_r)
{
    uint64_t st = seed, free_mib, *arrive = NULL, *mib = NULL;
    unsigned pcpus, *vcpus = NULL, nr_ev = 0, width = 3, cap = 0;
    double fm, fv, mean_mib = 0, lifetime;
    gen_event *ev = NULL;
    xlnuma_trace t;
    int rc;

    xlnuma_trace_init(&t);
    if (!h || !t_r || !xlnuma__host_finished(h)) {
        LOG(ERROR, "generate: needs a finished host and a trace");
        return XLNUMA_ERROR_INVAL;
    }
    if (!nr_guests || nr_guests > TRACE_MAX_EVENTS / 2) {
        LOG(ERROR, "generate: %u guests; between 1 and %u", nr_guests,
            TRACE_MAX_EVENTS / 2);
        return XLNUMA_ERROR_RANGE;
    }
    pool0_capacity(h, &free_mib, &pcpus);
    if (free_mib < 2 * GEN_MIN_MIB || !pcpus) {
        LOG(ERROR, "generate: Pool-0's nodes have %" PRIu64 " MiB free and "
            "%u pCPUs; a trace needs at least %u MiB and 1 pCPU", free_mib,
            pcpus, 2 * GEN_MIN_MIB);
        return XLNUMA_ERROR_INVAL;
    }
    fm = (double)free_mib / GEN_REF_MIB;
    fm = fm < 1 ? fm : 1;
    fv = pcpus / GEN_REF_PCPUS;
    fv = fv < 1 ? fv : 1;

    arrive = calloc(nr_guests, sizeof(*arrive));
    mib = calloc(nr_guests, sizeof(*mib));
    vcpus = calloc(nr_guests, sizeof(*vcpus));
    ev = calloc(2 * (size_t)nr_guests, sizeof(*ev));
    if (!arrive || !mib || !vcpus || !ev) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }

    /* Sizes and arrivals first, then lifetimes: the order of draws is
     * part of the format of a seed. */
    for (unsigned i = 0; i < nr_guests; i++) {
        unsigned pick = (unsigned)(rng_unit(&st) * 100), c = 0, steps, v;
        double lo, hi, gib, scaled;

        while (pick >= size_mix[c].weight) {
            pick -= size_mix[c].weight;
            c++;
        }
        for (steps = 0; size_mix[c].vcpu_lo << steps < size_mix[c].vcpu_hi;
             steps++)
            ;
        v = size_mix[c].vcpu_lo << (unsigned)(rng_unit(&st) * (steps + 1));
        lo = log(size_mix[c].gib_lo);
        hi = log(size_mix[c].gib_hi);
        gib = exp(lo + rng_unit(&st) * (hi - lo));
        gib = round(gib * 4) / 4;          /* whole 256 MiB */
        scaled = round(gib * 1024 * fm / GEN_ROUND_MIB) * GEN_ROUND_MIB;
        mib[i] = scaled < GEN_MIN_MIB ? GEN_MIN_MIB : (uint64_t)scaled;
        vcpus[i] = (unsigned)lround(v * fv);
        if (!vcpus[i])
            vcpus[i] = 1;
        if (i)
            arrive[i] = arrive[i - 1] +
                        (uint64_t)llround(rng_exp(&st, GEN_MEAN_GAP));
        mean_mib += (double)mib[i] / nr_guests;
    }
    /* Little's law: guests alive = rate x lifetime; their memory is to be
     * GEN_OFFERED x the free memory. */
    lifetime = GEN_OFFERED * (double)free_mib * GEN_MEAN_GAP / mean_mib;
    for (unsigned i = 0; i < nr_guests; i++) {
        uint64_t life = (uint64_t)llround(rng_exp(&st, lifetime));

        ev[nr_ev++] = (gen_event){ arrive[i], false, i };
        /* Departures after the last arrival are cut: the trace ends with
         * the host in its steady state, not drained. */
        if (arrive[i] + (life ? life : 1) <= arrive[nr_guests - 1])
            ev[nr_ev++] = (gen_event){ arrive[i] + (life ? life : 1), true,
                                       i };
    }
    qsort(ev, nr_ev, sizeof(*ev), gen_event_cmp);

    for (unsigned n = nr_guests; n >= 1000; n /= 10)
        width++;
    for (unsigned i = 0; i < nr_ev; i++) {
        xlnuma_trace_event e;
        char name[32];

        memset(&e, 0, sizeof(e));
        snprintf(name, sizeof(name), "g%0*u", (int)width, ev[i].guest + 1);
        e.time = ev[i].time;
        e.action = ev[i].destroy ? XLNUMA_TRACE_DESTROY
                                 : XLNUMA_TRACE_CREATE;
        if (!ev[i].destroy) {
            e.memory_mib = mib[ev[i].guest];
            e.vcpus = vcpus[ev[i].guest];
        }
        e.name = strdup(name);
        if (!e.name) {
            rc = XLNUMA_ERROR_NOMEM;
            goto out;
        }
        rc = trace_append(&t, &cap, &e);
        if (rc) {
            free(e.name);
            goto out;
        }
    }
    rc = trace_check(ctx, "generated trace", &t);
    if (rc)
        goto out;
    LOG(DETAIL, "generated %u guests for %" PRIu64 " MiB and %u pCPUs: "
        "memory x %.4f, vCPUs x %.4f, mean %.0f MiB, mean lifetime %.0f s",
        nr_guests, free_mib, pcpus, fm, fv, mean_mib, lifetime);
    xlnuma_trace_dispose(t_r);
    *t_r = t;
    xlnuma_trace_init(&t);
 out:
    xlnuma_trace_dispose(&t);
    free(arrive);
    free(mib);
    free(vcpus);
    free(ev);
    return rc;
}

/* ---- the replay ------------------------------------------------------ */

void xlnuma_sim_result_init(xlnuma_sim_result *r)
{
    memset(r, 0, sizeof(*r));
}

void xlnuma_sim_result_dispose(xlnuma_sim_result *r)
{
    if (!r)
        return;
    for (unsigned i = 0; i < r->nr_guests; i++) {
        free(r->guests[i].name);
        free(r->guests[i].message);
        xlnuma_bitmap_dispose(&r->guests[i].nodes);
        free(r->guests[i].pages);
    }
    free(r->guests);
    free(r->state_time);
    free(r->free_kib);
    xlnuma_sim_result_init(r);
}

typedef struct {
    xlnuma_ctx *ctx;
    const xlnuma_trace *t;
    const xlnuma_policy *p;
    xlnuma_sim_result *res;
    const xlnuma_host *cur;     /* the host now: h, then owned */
    xlnuma_host *owned;
    unsigned nr_nodes;
    xlnuma_bitmap pool0;        /* Pool-0's pCPUs */
    xlnuma_bitmap all_cpus;     /* hard affinity of an unpinned vCPU */
    unsigned *node_pcpus;       /* Pool-0 pCPUs per node */
    unsigned *load;             /* scratch, nr_nodes */
    double *spread;             /* scratch, nr_nodes */
    unsigned *on_node;          /* scratch, nr_nodes */
    xlnuma_bitmap where;        /* scratch */
    namemap guest_of;           /* name -> index into res->guests */
    unsigned alive;
    double frag_sum;
} sim;

static char *msg_printf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char *msg_printf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static uint64_t mib_up(uint64_t kib)
{
    return kib / 1024 + (kib % 1024 != 0);
}

/* Why a guest was refused, in the engine's terms (placement.md 6). */
static char *refusal_message(const sim *s, const xlnuma_request *req,
                             const xlnuma_result *r)
{
    switch (r->outcome) {
    case XLNUMA_NOFIT_MEMORY:
        return msg_printf("not enough free memory: the guest needs %" PRIu64
                          " MiB, the %u suitable node%s have %" PRIu64
                          " MiB free together", mib_up(req->need_kib),
                          r->nr_suitable_nodes,
                          r->nr_suitable_nodes == 1 ? "" : "s",
                          r->max_free_kib / 1024);
    case XLNUMA_NOFIT_CPUS:
        return msg_printf("too few pCPUs: the guest has %u vCPUs, the "
                          "suitable pCPUs number %u", req->vcpus,
                          r->nr_suitable_cpus);
    case XLNUMA_NOFIT_BOTH:
        return msg_printf("no set of %u to %u nodes has both %" PRIu64
                          " MiB free and %u pCPUs", r->min_nodes,
                          r->max_nodes, mib_up(req->need_kib), req->vcpus);
    case XLNUMA_NOFIT_EMPTY_POOL:
        return msg_printf("no suitable pCPU: Pool-0 holds none");
    case XLNUMA_NOFIT_BUDGET:
        return msg_printf("the search stopped after %llu steps, its budget, "
                          "before finding any set that fits", r->nr_steps);
    case XLNUMA_NOFIT_FILTER:
        return msg_printf("policy %s rejected every set of nodes that fits",
                          s->p->name);
    default:
        return msg_printf("no candidate (%s)",
                          xlnuma_outcome_name(r->outcome));
    }
}

static uint32_t next_domid(const xlnuma_host *h)
{
    uint32_t id = 0;

    for (unsigned i = 0; i < h->nr_domains; i++)
        if (h->domains[i].domid > id)
            id = h->domains[i].domid;
    return id + 1;
}

/* Make the owned copy the host now. */
static void sim_swap(sim *s, xlnuma_host *next)
{
    xlnuma_host_free(s->owned);
    s->owned = next;
    s->cur = next;
}

/* The domain a created guest becomes: node affinity = its nodes (empty
 * on a one-node host: unrestricted), every vCPU soft-affine to soft and
 * hard-affine to hard. */
static int sim_domain(const sim *s, const xlnuma_sim_guest *g,
                      const xlnuma_bitmap *nodeaff,
                      const xlnuma_bitmap *soft, const xlnuma_bitmap *hard,
                      xlnuma_domain *d)
{
    d->domid = next_domid(s->cur);
    d->name = strdup(g->name);
    d->pool = 0;
    d->vcpus = calloc(g->vcpus, sizeof(*d->vcpus));
    d->pages_per_node = malloc(s->nr_nodes * sizeof(*d->pages_per_node));
    if (!d->name || !d->vcpus || !d->pages_per_node)
        return XLNUMA_ERROR_NOMEM;
    d->nr_vcpus = g->vcpus;
    for (unsigned v = 0; v < g->vcpus; v++) {
        xlnuma_vcpu_init(&d->vcpus[v]);
        d->vcpus[v].id = v;
        d->vcpus[v].cpu = XLNUMA_NO_CPU;
        d->vcpus[v].online = true;
        if (xlnuma_bitmap_copy(&d->vcpus[v].hard, hard) ||
            xlnuma_bitmap_copy(&d->vcpus[v].soft, soft))
            return XLNUMA_ERROR_NOMEM;
    }
    d->nr_pages = s->nr_nodes;
    memcpy(d->pages_per_node, g->pages, s->nr_nodes * sizeof(uint64_t));
    for (unsigned n = 0; n < s->nr_nodes; n++)
        d->pages_total += g->pages[n];
    d->mem_kib = d->pages_total * PAGE_KIB;
    if (xlnuma_bitmap_copy(&d->node_affinity, nodeaff))
        return XLNUMA_ERROR_NOMEM;
    return 0;
}

/* Memory-weighted SLIT distance: sum over i, j of w_i w_j SLIT[i][j],
 * w_n the share of the guest's pages on node n. */
static double guest_distance(const xlnuma_host *h, const uint64_t *pages)
{
    double total = 0, d = 0;

    for (unsigned i = 0; i < h->nr_nodes; i++)
        total += (double)pages[i];
    if (total == 0)
        return 0;
    for (unsigned i = 0; i < h->nr_nodes; i++) {
        if (!pages[i])
            continue;
        for (unsigned j = 0; j < h->nr_nodes; j++)
            if (pages[j])
                d += (double)pages[i] / total * ((double)pages[j] / total) *
                     h->nodes[i].distance[j];
    }
    return d;
}

/* Xen's allocator stripes a guest's extents round-robin over its node
 * affinity, asking each chosen node for an equal share.  A would-be
 * over-commit: some chosen node has less free memory (above its DMA
 * zone, when known) than that share. */
static bool would_overcommit(const xlnuma_host *h, const xlnuma_bitmap *nodes,
                             uint64_t need_kib)
{
    unsigned k = xlnuma_bitmap_count(nodes);
    uint64_t share;

    if (!k)
        return false;
    share = need_kib / k + (need_kib % k != 0);
    xlnuma_bitmap_for_each(n, nodes) {
        const xlnuma_node *node = &h->nodes[n];
        uint64_t avail = node->memfree_kib - node->dmafree_kib;

        if (avail < share)
            return true;
    }
    return false;
}

/* Enact a created guest: its memory taken, its domain added. */
static int sim_enact(sim *s, xlnuma_sim_guest *g,
                     const xlnuma_bitmap *nodeaff,
                     const xlnuma_bitmap *soft, const xlnuma_bitmap *hard)
{
    xlnuma_ctx *ctx = s->ctx;
    xlnuma_host *next = NULL;
    xlnuma_domain d;
    int rc;

    xlnuma_domain_init(&d);
    rc = sim_domain(s, g, nodeaff, soft, hard, &d);
    if (rc)
        goto out;
    rc = xlnuma_host_dup(ctx, s->cur, &next);
    if (rc)
        goto out;
    rc = xlnuma_host_add_domain(ctx, next, &d);
    if (rc)
        goto out;
    for (unsigned n = 0; n < s->nr_nodes; n++) {
        if (!g->pages[n])
            continue;
        rc = xlnuma_host_take_memory(ctx, next, n, g->pages[n] * PAGE_KIB);
        if (rc)
            goto out;
    }
    rc = xlnuma_host_finish(ctx, next);
    if (rc)
        goto out;
    sim_swap(s, next);
    next = NULL;
 out:
    xlnuma_host_free(next);
    xlnuma_domain_dispose(&d);
    return rc;
}

static int sim_refuse(xlnuma_sim_guest *g, xlnuma_outcome o, char *msg)
{
    g->outcome = o;
    g->created = false;
    g->message = msg;
    return msg ? 0 : XLNUMA_ERROR_NOMEM;
}

static int sim_create(sim *s, unsigned ev, xlnuma_sim_guest *g)
{
    const xlnuma_trace_event *e = &s->t->events[ev];
    xlnuma_ctx *ctx = s->ctx;
    xlnuma_request req;
    xlnuma_result r;
    xlnuma_guest cfg;
    xlnuma_bitmap nodes, nodeaff;
    const xlnuma_bitmap *soft, *hard;
    uint64_t avail;
    int rc;

    xlnuma_request_init(&req);
    xlnuma_result_init(&r);
    xlnuma_guest_init(&cfg);
    xlnuma_bitmap_init(&nodes);
    xlnuma_bitmap_init(&nodeaff);

    g->name = strdup(e->name);
    if (!g->name) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    g->create_event = ev;
    g->destroy_event = XLNUMA_SIM_ALIVE;
    g->vcpus = e->vcpus;
    cfg.type = XLNUMA_GUEST_PV;
    cfg.memory_kib = e->memory_mib * 1024;     /* checked: <= 2^40 MiB */
    cfg.vcpus = e->vcpus;
    rc = xlnuma_need_memory(ctx, &cfg, &g->need_kib);
    if (rc)
        goto out;

    req.need_kib = g->need_kib;
    req.vcpus = g->vcpus;
    req.pool = -1;
    req.policy = s->p;
    rc = xlnuma_place(ctx, s->cur, &req, &r);
    if (rc)
        goto out;

    switch (r.outcome) {
    case XLNUMA_PLACED:
        rc = xlnuma_bitmap_copy(&nodes, &r.best.nodes);
        if (!rc)
            rc = xlnuma_bitmap_copy(&nodeaff, &r.best.nodes);
        soft = &r.cpus;
        hard = s->p->flags & XLNUMA_POLICY_PIN_DEFAULT ? &r.cpus
                                                       : &s->all_cpus;
        break;
    case XLNUMA_SKIP_ONE_NODE:
        /* libxl creates the guest unplaced: memory from the one node,
         * affinities untouched. */
        for (unsigned n = 0; !rc && n < s->nr_nodes; n++)
            if (s->node_pcpus[n])
                rc = xlnuma_bitmap_set(&nodes, n);
        soft = &s->all_cpus;
        hard = &s->all_cpus;
        break;
    default:
        rc = sim_refuse(g, r.outcome, refusal_message(s, &req, &r));
        goto out;
    }
    if (rc)
        goto out;

    g->pages = calloc(s->nr_nodes, sizeof(*g->pages));
    if (!g->pages) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    rc = xlnuma_split_memory(ctx, s->cur, &req, &nodes, g->pages, &avail);
    if (rc == XLNUMA_ERROR_NOFIT) {
        /* Only without placement (one node), or when free memory is not
         * whole pages. */
        char *list = xlnuma_bitmap_format(&nodes);

        free(g->pages);
        g->pages = NULL;
        rc = sim_refuse(g, XLNUMA_NOFIT_MEMORY,
                        list ? msg_printf("not enough free memory: the guest "
                                          "needs %" PRIu64 " MiB, node%s %s "
                                          "can give %" PRIu64 " MiB",
                                          mib_up(g->need_kib),
                                          xlnuma_bitmap_count(&nodes) == 1
                                          ? "" : "s", list,
                                          avail * PAGE_KIB / 1024)
                             : NULL);
        free(list);
        goto out;
    }
    if (rc)
        goto out;
    g->outcome = r.outcome;
    g->created = true;
    g->overcommit = r.outcome == XLNUMA_PLACED &&
                    would_overcommit(s->cur, &nodes, g->need_kib);
    g->distance = guest_distance(s->cur, g->pages);
    rc = sim_enact(s, g, &nodeaff, soft, hard);
    if (rc)
        goto out;
    rc = xlnuma_bitmap_copy(&g->nodes, &nodes);
    if (rc)
        goto out;
    s->alive++;
    if (s->alive > s->res->peak_guests)
        s->res->peak_guests = s->alive;
 out:
    xlnuma_bitmap_dispose(&nodeaff);
    xlnuma_bitmap_dispose(&nodes);
    xlnuma_guest_dispose(&cfg);
    xlnuma_result_dispose(&r);
    xlnuma_request_dispose(&req);
    return rc;
}

static int sim_destroy(sim *s, unsigned ev, xlnuma_sim_guest *g)
{
    xlnuma_ctx *ctx = s->ctx;
    xlnuma_host *next = NULL;
    int rc;

    g->destroy_event = ev;
    if (!g->created)
        return 0;               /* refused: nothing to undo */
    rc = xlnuma_host_dup(ctx, s->cur, &next);
    if (!rc)
        rc = xlnuma_host_remove_domain(ctx, next, g->name);
    for (unsigned n = 0; !rc && n < s->nr_nodes; n++)
        if (g->pages[n])
            rc = xlnuma_host_give_memory(ctx, next, n,
                                         g->pages[n] * PAGE_KIB);
    if (!rc)
        rc = xlnuma_host_finish(ctx, next);
    if (rc) {
        xlnuma_host_free(next);
        return rc;
    }
    sim_swap(s, next);
    s->alive--;
    return 0;
}

/* Runnable vCPUs per node as Xen's scheduler spreads them, into
 * s->spread: each online vCPU counts as one, shared evenly by the pCPUs
 * it prefers -- its soft affinity within its hard affinity and its
 * domain's cpupool, else its hard affinity within the pool.  The vCPUs
 * of a domain usually share their affinities: those are worked out once
 * per run of equal ones. */
static int spread_load(sim *s)
{
    const xlnuma_host *h = s->cur;
    unsigned nn = s->nr_nodes;
    int rc;

    memset(s->spread, 0, nn * sizeof(*s->spread));
    for (unsigned i = 0; i < h->nr_domains; i++) {
        const xlnuma_domain *d = &h->domains[i];
        const xlnuma_pool *pool = xlnuma_host_pool_by_id(h, d->pool);
        const xlnuma_vcpu *prev = NULL;
        unsigned k = 0;

        if (!pool)
            continue;
        for (unsigned v = 0; v < d->nr_vcpus; v++) {
            const xlnuma_vcpu *vc = &d->vcpus[v];

            if (!vc->online)
                continue;
            if (!prev || !xlnuma_bitmap_equal(&vc->hard, &prev->hard) ||
                !xlnuma_bitmap_equal(&vc->soft, &prev->soft)) {
                prev = vc;
                rc = xlnuma_bitmap_and(&s->where, &vc->hard, &pool->cpus);
                if (rc)
                    return rc;
                if (xlnuma_bitmap_intersects(&s->where, &vc->soft)) {
                    rc = xlnuma_bitmap_and(&s->where, &s->where, &vc->soft);
                    if (rc)
                        return rc;
                }
                memset(s->on_node, 0, nn * sizeof(*s->on_node));
                k = 0;
                xlnuma_bitmap_for_each(c, &s->where) {
                    int node = (unsigned)c < h->nr_cpus ? h->cpus[c].node
                                                        : XLNUMA_NO_NODE;

                    if (node < 0)
                        continue;
                    s->on_node[node]++;
                    k++;
                }
            }
            for (unsigned n = 0; k && n < nn; n++)
                s->spread[n] += (double)s->on_node[n] / k;
        }
    }
    return 0;
}

/* Record state `st': free memory, fragmentation and the worst loads. */
static int sim_state(sim *s, unsigned st)
{
    xlnuma_sim_result *res = s->res;
    const xlnuma_host *h = s->cur;
    uint64_t total = 0, max = 0;
    int rc;

    res->state_time[st] = s->t->nr_events
        ? s->t->events[st ? st - 1 : 0].time : 0;
    for (unsigned n = 0; n < s->nr_nodes; n++) {
        uint64_t f = h->nodes[n].memfree_kib;

        res->free_kib[(size_t)st * s->nr_nodes + n] = f;
        if (!s->node_pcpus[n])
            continue;
        total += f;
        if (f > max)
            max = f;
    }
    if (st)
        s->frag_sum += total ? 1 - (double)max / (double)total : 0;

    rc = spread_load(s);
    if (rc)
        return rc;
    rc = xlnuma_node_load(s->ctx, h, &s->pool0, s->load);
    if (rc)
        return rc;
    for (unsigned n = 0; n < s->nr_nodes; n++) {
        unsigned pcpus = xlnuma_bitmap_count(&h->nodes[n].cpus);
        double l;

        if (pcpus) {
            l = s->spread[n] / pcpus;
            if (l > res->worst_load + 1e-9) {
                res->worst_load = l;
                res->worst_load_node = n;
                res->worst_load_state = st;
            }
        }
        if (s->node_pcpus[n]) {
            l = (double)s->load[n] / s->node_pcpus[n];
            if (l > res->worst_libxl_load)
                res->worst_libxl_load = l;
        }
    }
    return 0;
}

static int dist_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The aggregate figures, from the guests. */
static int sim_summarise(sim *s)
{
    xlnuma_sim_result *res = s->res;
    double sum = 0, sum_multi = 0, *d;
    unsigned k = 0;

    d = malloc((res->nr_guests ? res->nr_guests : 1) * sizeof(*d));
    if (!d)
        return XLNUMA_ERROR_NOMEM;
    for (unsigned i = 0; i < res->nr_guests; i++) {
        const xlnuma_sim_guest *g = &res->guests[i];

        if (!g->created) {
            res->refused++;
            continue;
        }
        res->placed++;
        if (xlnuma_bitmap_count(&g->nodes) == 1) {
            res->single_node++;
        } else {
            res->multinode++;
            sum_multi += g->distance;
        }
        if (g->overcommit)
            res->overcommits++;
        sum += g->distance;
        d[k++] = g->distance;
    }
    res->creates = res->nr_guests;
    if (k) {
        unsigned rank = (unsigned)ceil(0.95 * k);

        qsort(d, k, sizeof(*d), dist_cmp);
        res->single_node_share = (double)res->single_node / k;
        res->mean_distance = sum / k;
        res->p95_distance = d[(rank ? rank : 1) - 1];
    }
    if (res->multinode)
        res->mean_distance_multinode = sum_multi / res->multinode;
    if (s->t->nr_events)
        res->fragmentation = s->frag_sum / s->t->nr_events;
    free(d);
    return 0;
}

static int sim_setup(sim *s, const xlnuma_host *h)
{
    xlnuma_ctx *ctx = s->ctx;
    const xlnuma_pool *p0 = xlnuma_host_pool_by_id(h, 0);
    unsigned creates = 0;
    int rc;

    s->cur = h;
    s->nr_nodes = h->nr_nodes;
    s->node_pcpus = calloc(s->nr_nodes, sizeof(*s->node_pcpus));
    s->load = calloc(s->nr_nodes, sizeof(*s->load));
    s->spread = calloc(s->nr_nodes, sizeof(*s->spread));
    s->on_node = calloc(s->nr_nodes, sizeof(*s->on_node));
    if (!s->node_pcpus || !s->load || !s->spread || !s->on_node)
        return XLNUMA_ERROR_NOMEM;
    if (!p0) {
        LOG(ERROR, "simulate: the host has no Pool-0 (cpupool id 0)");
        return XLNUMA_ERROR_INVAL;
    }
    rc = xlnuma_bitmap_copy(&s->pool0, &p0->cpus);
    if (rc)
        return rc;
    for (unsigned c = 0; c < h->nr_cpus; c++) {
        rc = xlnuma_bitmap_set(&s->all_cpus, c);
        if (rc)
            return rc;
    }
    for (unsigned n = 0; n < s->nr_nodes; n++)
        xlnuma_bitmap_for_each(c, &h->nodes[n].cpus)
            if (xlnuma_bitmap_test(&s->pool0, (unsigned)c))
                s->node_pcpus[n]++;

    for (unsigned i = 0; i < s->t->nr_events; i++)
        creates += s->t->events[i].action == XLNUMA_TRACE_CREATE;
    rc = namemap_alloc(&s->guest_of, creates);
    if (rc)
        return rc;
    s->res->guests = calloc(creates ? creates : 1, sizeof(*s->res->guests));
    s->res->nr_states = s->t->nr_events + 1;
    s->res->state_time = calloc(s->res->nr_states,
                                sizeof(*s->res->state_time));
    s->res->free_kib = calloc((size_t)s->res->nr_states * s->nr_nodes,
                              sizeof(*s->res->free_kib));
    if (!s->res->guests || !s->res->state_time || !s->res->free_kib)
        return XLNUMA_ERROR_NOMEM;
    for (unsigned i = 0; i < creates; i++)
        xlnuma_bitmap_init(&s->res->guests[i].nodes);
    s->res->policy = s->p;
    s->res->nr_nodes = s->nr_nodes;
    return 0;
}

int xlnuma_simulate(xlnuma_ctx *ctx, const xlnuma_host *h,
                    const xlnuma_trace *t, const xlnuma_policy *p,
                    xlnuma_sim_result *res_r)
{
    xlnuma_sim_result res;
    sim s;
    int rc;

    xlnuma_sim_result_init(&res);
    memset(&s, 0, sizeof(s));
    xlnuma_bitmap_init(&s.pool0);
    xlnuma_bitmap_init(&s.all_cpus);
    xlnuma_bitmap_init(&s.where);
    if (!h || !t || !res_r || !xlnuma__host_finished(h)) {
        LOG(ERROR, "simulate: needs a finished host, a trace and a result");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    s.ctx = ctx;
    s.t = t;
    s.res = &res;
    s.p = p ? p : xlnuma_policy_find(ctx, NULL);
    rc = trace_check(ctx, "trace", t);
    if (rc) {
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    for (unsigned i = 0; i < t->nr_events; i++) {
        const xlnuma_trace_event *e = &t->events[i];
        char at[128];

        if (e->action != XLNUMA_TRACE_CREATE ||
            !xlnuma_host_domain_by_name(h, e->name))
            continue;
        where(at, sizeof(at), "trace", e, i);
        LOG(ERROR, "%s: guest %s is a domain of the host already", at,
            e->name);
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    rc = sim_setup(&s, h);
    if (rc)
        goto out;
    rc = sim_state(&s, 0);
    if (rc)
        goto out;
    for (unsigned i = 0; i < t->nr_events; i++) {
        const xlnuma_trace_event *e = &t->events[i];
        unsigned *idx;
        bool found;

        idx = namemap_get(&s.guest_of, e->name, &found);
        if (e->action == XLNUMA_TRACE_CREATE) {
            *idx = res.nr_guests++;
            rc = sim_create(&s, i, &res.guests[*idx]);
        } else {
            rc = sim_destroy(&s, i, &res.guests[*idx]);
        }
        if (rc) {
            LOG(ERROR, "simulate: %s %s at time %" PRIu64 " failed (%s)",
                action_name(e->action), e->name, e->time,
                xlnuma_strerror(rc));
            goto out;
        }
        rc = sim_state(&s, i + 1);
        if (rc)
            goto out;
    }
    rc = sim_summarise(&s);
    if (rc)
        goto out;
    xlnuma_sim_result_dispose(res_r);
    *res_r = res;
    xlnuma_sim_result_init(&res);
 out:
    xlnuma_sim_result_dispose(&res);
    xlnuma_host_free(s.owned);
    namemap_dispose(&s.guest_of);
    xlnuma_bitmap_dispose(&s.pool0);
    xlnuma_bitmap_dispose(&s.all_cpus);
    free(s.node_pcpus);
    free(s.load);
    free(s.spread);
    free(s.on_node);
    xlnuma_bitmap_dispose(&s.where);
    return rc;
}
