/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * parse_numactl.c: a host model from `numactl -H' (numactl's hardware()):
 *
 *   available: N nodes (0-1,3)
 *   node 0 cpus: 0 1 2 3          (or "0-3 (4)" with --cpu-compress)
 *   node 0 size: 16373 MB         (MiB; "<not available>" if unknown)
 *   node 0 free: 15837 MB
 *   ...
 *   node distances:               (or "No distance information available.")
 *   node   0   1   3
 *     0:  10  20  20
 *
 * The text says nothing of cores, sockets, domains or pools: each cpu is
 * its own core (core = cpu id) and its node is its socket; the host has
 * one Pool-0 holding every listed cpu and no domain.  A node without cpus
 * (no "cpus" line, or an empty one) is memory-only.  Node ids between the
 * listed ones are absent from the host model (no cpus, no memory).  Cpu
 * ids no node lists are offline.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlnuma_internal.h"

#define ROLE "numactl -H"
#define LOGL(ln, f, ...) \
    LOG(ERROR, ROLE " line %u: " f, (ln), ##__VA_ARGS__)

#define MAX_MIB (XLNUMA_MAX_KIB / 1024)

typedef struct {
    bool listed;                /* in "available:" */
    unsigned cpus_line, size_line, free_line, dist_line;
    bool size_known, free_known;
    uint64_t size_mib, free_mib;
    xlnuma_bitmap cpus;
} nnode;

typedef struct {
    xlnuma_ctx *ctx;
    nnode *nodes;
    unsigned nr_nodes;          /* highest listed id + 1 */
    unsigned nr_listed;
    unsigned *cols;             /* the distance table's columns */
    unsigned nr_cols;
    unsigned *dist;             /* nr_nodes x nr_nodes, 0 unknown */
    bool have_dist;
    unsigned last_line;         /* the last line with text */
} numactl_parse;

/* Next word of a line (white space separated); NULL at the end. */
static const char *word(const char **p, size_t *len_r)
{
    const char *s = *p, *e;

    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return NULL;
    e = s;
    while (*e && !isspace((unsigned char)*e))
        e++;
    *len_r = (size_t)(e - s);
    *p = e;
    return s;
}

/* A decimal number that fills [s, s+len) and is <= max. */
static int number(xlnuma_ctx *ctx, unsigned ln, const char *what,
                  const char *s, size_t len, uint64_t max, uint64_t *v_r)
{
    char buf[48];
    int rc;

    if (len >= sizeof(buf)) {
        LOGL(ln, "%s \"%.40s...\" is not a sane number", what, s);
        return XLNUMA_ERROR_RANGE;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (buf[0] == '-' && isdigit((unsigned char)buf[1])) {
        LOGL(ln, "%s is negative (%s)", what, buf);
        return XLNUMA_ERROR_RANGE;
    }
    rc = xlnuma__parse_u64(buf, max, v_r);
    if (rc == XLNUMA_ERROR_PARSE)
        LOGL(ln, "%s \"%s\" is not a number", what, buf);
    else if (rc == XLNUMA_ERROR_RANGE)
        LOGL(ln, "%s %s is out of range (at most %" PRIu64 ")", what, buf,
             max);
    return rc;
}

/* "0-3,5" style lists (the node list of "available:", compressed cpus). */
static int id_list(xlnuma_ctx *ctx, unsigned ln, const char *what,
                   const char *s, size_t len, unsigned limit,
                   xlnuma_bitmap *b)
{
    const char *end = s + len;

    while (s < end) {
        const char *c = memchr(s, ',', (size_t)(end - s));
        const char *ie = c ? c : end, *dash;
        uint64_t lo, hi;
        int rc;

        dash = memchr(s, '-', (size_t)(ie - s));
        rc = number(ctx, ln, what, s, (size_t)((dash ? dash : ie) - s),
                    limit - 1, &lo);
        if (rc)
            return rc;
        hi = lo;
        if (dash) {
            rc = number(ctx, ln, what, dash + 1, (size_t)(ie - dash - 1),
                        limit - 1, &hi);
            if (rc)
                return rc;
            if (hi < lo) {
                LOGL(ln, "%s: range %" PRIu64 "-%" PRIu64 " is backwards",
                     what, lo, hi);
                return XLNUMA_ERROR_PARSE;
            }
        }
        rc = xlnuma__bitmap_set_range(b, (unsigned)lo, (unsigned)hi);
        if (rc)
            return rc;
        if (!c)
            break;
        s = c + 1;
        if (s == end) {
            LOGL(ln, "%s ends with a comma", what);
            return XLNUMA_ERROR_PARSE;
        }
    }
    return 0;
}

/* "available: N nodes (LIST)" */
static int parse_available(numactl_parse *np, unsigned ln, const char *line)
{
    xlnuma_ctx *ctx = np->ctx;
    xlnuma_bitmap b;
    uint64_t n;
    const char *open, *close;
    int start = 0, end = 0, used = 0, rc;

    xlnuma_bitmap_init(&b);
    open = strchr(line, '(');
    close = strrchr(line, ')');
    /* The count as text, for number(): %llu would wrap "-1" and
     * saturate 10^20 without a word. */
    if (sscanf(line, "available: %n%*[-0123456789]%n node%n", &start, &end,
               &used) < 0 || !used || !open || !close || close < open ||
        close[1]) {
        LOGL(ln, "expected \"available: N nodes (LIST)\"");
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    rc = number(ctx, ln, "the node count", line + start,
                (size_t)(end - start), XLNUMA_MAX_NODES, &n);
    if (rc)
        goto out;
    rc = id_list(ctx, ln, "node id", open + 1, (size_t)(close - open - 1),
                 XLNUMA_MAX_NODES, &b);
    if (rc)
        goto out;
    if (xlnuma_bitmap_count(&b) != n) {
        LOGL(ln, "%" PRIu64 " nodes announced but (%.*s) lists %u", n,
             (int)(close - open - 1), open + 1, xlnuma_bitmap_count(&b));
        rc = XLNUMA_ERROR_INCONSISTENT;
        goto out;
    }
    xlnuma_bitmap_for_each(i, &b)
        np->nr_nodes = (unsigned)i + 1;
    np->nr_listed = (unsigned)n;
    np->nodes = calloc(np->nr_nodes, sizeof(*np->nodes));
    np->dist = calloc((size_t)np->nr_nodes * np->nr_nodes,
                      sizeof(*np->dist));
    if (!np->nodes || !np->dist) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    for (unsigned i = 0; i < np->nr_nodes; i++) {
        xlnuma_bitmap_init(&np->nodes[i].cpus);
        np->nodes[i].listed = xlnuma_bitmap_test(&b, i);
    }
    rc = 0;
 out:
    xlnuma_bitmap_dispose(&b);
    return rc;
}

/* "node N cpus: ...", "node N size: X MB", "node N free: X MB" */
static int parse_node_line(numactl_parse *np, unsigned ln, const char *line)
{
    xlnuma_ctx *ctx = np->ctx;
    const char *p = line + 4, *w, *what;
    uint64_t id;
    size_t len;
    nnode *n;
    int rc;

    w = word(&p, &len);
    if (!w) {
        LOGL(ln, "expected \"node N cpus|size|free: ...\"");
        return XLNUMA_ERROR_PARSE;
    }
    rc = number(ctx, ln, "node id", w, len, XLNUMA_MAX_NODES - 1, &id);
    if (rc)
        return rc;
    if (id >= np->nr_nodes || !np->nodes[id].listed) {
        LOGL(ln, "node %" PRIu64 " is not in the \"available:\" list", id);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    n = &np->nodes[id];
    what = word(&p, &len);
    if (what && len == 5 && !strncmp(what, "cpus:", 5)) {
        if (n->cpus_line) {
            LOGL(ln, "node %" PRIu64 " cpus given twice (also line %u)", id,
                 n->cpus_line);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        n->cpus_line = ln;
        while ((w = word(&p, &len)) != NULL) {
            uint64_t cnt;

            if (w[0] == '(') {
                /* --cpu-compress: " (COUNT)" closes the line */
                if (len < 3 || w[len - 1] != ')' || word(&p, &len)) {
                    LOGL(ln, "bad cpu count \"%.*s\"", (int)len, w);
                    return XLNUMA_ERROR_PARSE;
                }
                rc = number(ctx, ln, "cpu count", w + 1, len - 2,
                            XLNUMA_MAX_CPUS, &cnt);
                if (rc)
                    return rc;
                if (cnt != xlnuma_bitmap_count(&n->cpus)) {
                    LOGL(ln, "node %" PRIu64 " lists %u cpus but counts %"
                         PRIu64, id, xlnuma_bitmap_count(&n->cpus), cnt);
                    return XLNUMA_ERROR_INCONSISTENT;
                }
                break;
            }
            if (w[len - 1] == ',')
                len--;
            if (!len) {
                LOGL(ln, "empty cpu list item");
                return XLNUMA_ERROR_PARSE;
            }
            rc = id_list(ctx, ln, "cpu id", w, len, XLNUMA_MAX_CPUS,
                         &n->cpus);
            if (rc)
                return rc;
        }
        return 0;
    }
    if (what && len == 5 && (!strncmp(what, "size:", 5) ||
                             !strncmp(what, "free:", 5))) {
        bool size = what[0] == 's';
        unsigned *line_p = size ? &n->size_line : &n->free_line;
        const char *v;
        size_t vlen, ulen;
        const char *unit;

        if (*line_p) {
            LOGL(ln, "node %" PRIu64 " %s given twice (also line %u)", id,
                 size ? "size" : "free", *line_p);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        *line_p = ln;
        while (isspace((unsigned char)*p))
            p++;
        if (!strcmp(p, "<not available>")) {
            LOG(WARN, ROLE " line %u: node %" PRIu64 " %s is not available; "
                "taken as 0", ln, id, size ? "size" : "free");
            return 0;
        }
        v = word(&p, &vlen);
        unit = word(&p, &ulen);
        if (!v || !unit || ulen != 2 || strncmp(unit, "MB", 2) ||
            word(&p, &ulen)) {
            LOGL(ln, "expected \"node %" PRIu64 " %s: X MB\"", id,
                 size ? "size" : "free");
            return XLNUMA_ERROR_PARSE;
        }
        rc = number(ctx, ln, size ? "size (MB)" : "free (MB)", v, vlen,
                    MAX_MIB, size ? &n->size_mib : &n->free_mib);
        if (rc)
            return rc;
        if (size)
            n->size_known = true;
        else
            n->free_known = true;
        return 0;
    }
    LOGL(ln, "expected \"node N cpus|size|free: ...\"");
    return XLNUMA_ERROR_PARSE;
}

/* "node   0   1 ..." after "node distances:" */
static int parse_dist_header(numactl_parse *np, unsigned ln,
                             const char *line)
{
    xlnuma_ctx *ctx = np->ctx;
    const char *p = line + 4, *w;
    size_t len;
    int rc;

    np->cols = calloc(np->nr_listed ? np->nr_listed : 1, sizeof(*np->cols));
    if (!np->cols)
        return XLNUMA_ERROR_NOMEM;
    while ((w = word(&p, &len)) != NULL) {
        uint64_t id;

        rc = number(ctx, ln, "node id", w, len, XLNUMA_MAX_NODES - 1, &id);
        if (rc)
            return rc;
        if (np->nr_cols == np->nr_listed) {
            LOGL(ln, "more columns than the %u nodes available",
                 np->nr_listed);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        if (id >= np->nr_nodes || !np->nodes[id].listed ||
            (np->nr_cols && id <= np->cols[np->nr_cols - 1])) {
            LOGL(ln, "column for node %" PRIu64 " is unexpected", id);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        np->cols[np->nr_cols++] = (unsigned)id;
    }
    if (np->nr_cols != np->nr_listed) {
        LOGL(ln, "the distance table has %u columns for %u nodes",
             np->nr_cols, np->nr_listed);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    return 0;
}

/* "  0:  10  20" */
static int parse_dist_row(numactl_parse *np, unsigned ln, const char *line)
{
    xlnuma_ctx *ctx = np->ctx;
    const char *p = line, *w;
    unsigned col = 0;
    uint64_t id;
    size_t len;
    int rc;

    w = word(&p, &len);
    if (!w || len < 2 || w[len - 1] != ':') {
        LOGL(ln, "expected a distance row \"N: d d ...\"");
        return XLNUMA_ERROR_PARSE;
    }
    rc = number(ctx, ln, "node id", w, len - 1, XLNUMA_MAX_NODES - 1, &id);
    if (rc)
        return rc;
    if (id >= np->nr_nodes || !np->nodes[id].listed) {
        LOGL(ln, "distance row for node %" PRIu64 ", which is not "
             "available", id);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    if (np->nodes[id].dist_line) {
        LOGL(ln, "distance row for node %" PRIu64 " given twice (also line "
             "%u)", id, np->nodes[id].dist_line);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    np->nodes[id].dist_line = ln;
    while ((w = word(&p, &len)) != NULL) {
        uint64_t d;
        char what[48];

        if (col == np->nr_cols) {
            LOGL(ln, "node %" PRIu64 " has more than %u distances", id,
                 np->nr_cols);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        snprintf(what, sizeof(what), "distance %" PRIu64 "->%u", id,
                 np->cols[col]);
        rc = number(ctx, ln, what, w, len, 255, &d);
        if (rc)
            return rc;
        if (!d) {
            LOGL(ln, "%s is 0; SLIT entries are 1..255", what);
            return XLNUMA_ERROR_RANGE;
        }
        np->dist[(size_t)id * np->nr_nodes + np->cols[col]] = (unsigned)d;
        col++;
    }
    if (col != np->nr_cols) {
        LOGL(ln, "node %" PRIu64 " has %u distances for %u nodes "
             "(truncated?)", id, col, np->nr_cols);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    return 0;
}

static int numactl_scan(numactl_parse *np, const char *text)
{
    xlnuma_ctx *ctx = np->ctx;
    enum { START, NODES, DIST_HEAD, DIST_ROWS, END } st = START;
    const char *p = text;
    unsigned ln = 0, last_ln = 0;
    char *line = NULL;
    int rc = 0;

    while (*p) {
        const char *nl = strchr(p, '\n'), *s;
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *e;

        ln++;
        free(line);
        line = strndup(p, len);
        if (!line)
            return XLNUMA_ERROR_NOMEM;
        p += len + (nl ? 1 : 0);
        e = line + len;
        while (e > line && isspace((unsigned char)e[-1]))
            *--e = '\0';
        s = line;
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            continue;
        last_ln = ln;
        switch (st) {
        case START:
            if (!strcmp(s, "No NUMA available on this system")) {
                LOGL(ln, "numactl found no NUMA on that system");
                rc = XLNUMA_ERROR_INCONSISTENT;
                goto out;
            }
            if (strncmp(s, "available:", 10)) {
                LOGL(ln, "expected \"available: N nodes (LIST)\"");
                rc = XLNUMA_ERROR_PARSE;
                goto out;
            }
            rc = parse_available(np, ln, s);
            if (rc)
                goto out;
            st = NODES;
            break;
        case NODES:
            if (!strcmp(s, "node distances:")) {
                st = DIST_HEAD;
                break;
            }
            if (!strcmp(s, "No distance information available.")) {
                st = END;
                break;
            }
            if (strncmp(s, "node ", 5)) {
                LOGL(ln, "unexpected \"%.60s\"", s);
                rc = XLNUMA_ERROR_PARSE;
                goto out;
            }
            rc = parse_node_line(np, ln, s);
            if (rc)
                goto out;
            break;
        case DIST_HEAD:
            if (strncmp(s, "node ", 5)) {
                LOGL(ln, "expected the distance header \"node 0 1 ...\"");
                rc = XLNUMA_ERROR_PARSE;
                goto out;
            }
            rc = parse_dist_header(np, ln, s);
            if (rc)
                goto out;
            np->have_dist = true;
            st = DIST_ROWS;
            break;
        case DIST_ROWS:
            rc = parse_dist_row(np, ln, s);
            if (rc)
                goto out;
            break;
        case END:
            LOGL(ln, "unexpected \"%.60s\" after the node list", s);
            rc = XLNUMA_ERROR_PARSE;
            goto out;
        }
    }
    if (st == START) {
        LOG(ERROR, ROLE ": empty");
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    if (st == NODES) {
        LOG(ERROR, ROLE " line %u: the text ends before the distance table "
            "(truncated?)", last_ln);
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    if (st == DIST_HEAD) {
        LOG(ERROR, ROLE " line %u: the distance table has no header "
            "(truncated?)", last_ln);
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    rc = 0;
 out:
    np->last_line = last_ln;
    free(line);
    return rc;
}

static int numactl_build(numactl_parse *np, xlnuma_host *h)
{
    xlnuma_ctx *ctx = np->ctx;
    unsigned max_node = 0;
    int max_cpu = -1;
    int rc;

    /* The highest cpu first, with its (first) node: the host's cpu array
     * then grows once, not once per cpu -- a million of them in a few
     * bytes of "node 0 cpus: 0-1048575". */
    for (unsigned i = 0; i < np->nr_nodes; i++) {
        int top = -1;

        if (!np->nodes[i].listed)
            continue;
        xlnuma_bitmap_for_each(c, &np->nodes[i].cpus)
            top = c;
        if (top > max_cpu) {
            max_cpu = top;
            max_node = i;
        }
    }
    if (max_cpu >= 0) {
        rc = xlnuma_host_add_cpu(ctx, h, (unsigned)max_cpu, max_cpu,
                                 (int)max_node, (int)max_node);
        if (rc)
            return rc;
    }
    for (unsigned i = 0; i < np->nr_nodes; i++) {
        nnode *n = &np->nodes[i];

        if (!n->listed)
            continue;
        if (!n->size_line || !n->free_line) {
            LOGL(n->cpus_line ? n->cpus_line : np->last_line, "node %u has "
                 "no %s line", i, n->size_line ? "free" : "size");
            return XLNUMA_ERROR_PARSE;
        }
        if (np->have_dist && !n->dist_line) {
            LOGL(np->last_line, "the distance table ends without a row for "
                 "node %u (truncated?)", i);
            return XLNUMA_ERROR_PARSE;
        }
        if (n->free_mib > n->size_mib) {
            LOGL(n->free_line, "node %u: free %" PRIu64 " MB exceeds its "
                 "size %" PRIu64 " MB", i, n->free_mib, n->size_mib);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        rc = xlnuma_host_add_node(ctx, h, i, n->size_mib * 1024,
                                  n->free_mib * 1024);
        if (rc)
            return rc;
        xlnuma_bitmap_for_each(c, &n->cpus) {
            for (unsigned j = 0; j < i; j++)
                if (xlnuma_bitmap_test(&np->nodes[j].cpus, (unsigned)c)) {
                    LOGL(n->cpus_line, "cpu %d is on nodes %u and %u", c, j,
                         i);
                    return XLNUMA_ERROR_INCONSISTENT;
                }
            if (c == max_cpu && i == max_node)
                continue;           /* added first */
            rc = xlnuma_host_add_cpu(ctx, h, (unsigned)c, c, (int)i, (int)i);
            if (rc)
                return rc;
        }
        for (unsigned j = 0; j < np->nr_nodes && np->have_dist; j++) {
            unsigned d = np->dist[(size_t)i * np->nr_nodes + j];

            if (!d)
                continue;
            rc = xlnuma_host_set_distance(ctx, h, i, j, d);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int xlnuma_host_from_numactl(xlnuma_ctx *ctx, const char *text,
                             xlnuma_host **host_r)
{
    numactl_parse np;
    xlnuma_host *h = NULL;
    int rc;

    memset(&np, 0, sizeof(np));
    np.ctx = ctx;
    if (!text || !host_r) {
        LOG(ERROR, "numactl -H: no text");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    rc = numactl_scan(&np, text);
    if (rc)
        goto out;
    rc = xlnuma_host_alloc(ctx, &h);
    if (rc)
        goto out;
    rc = numactl_build(&np, h);
    if (rc)
        goto out;
    rc = xlnuma_host_finish(ctx, h);
    if (rc)
        goto out;
    *host_r = h;
    h = NULL;
 out:
    xlnuma_host_free(h);
    for (unsigned i = 0; i < np.nr_nodes; i++)
        xlnuma_bitmap_dispose(&np.nodes[i].cpus);
    free(np.nodes);
    free(np.cols);
    free(np.dist);
    return rc;
}
