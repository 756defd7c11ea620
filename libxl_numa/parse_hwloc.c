/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * parse_hwloc.c: a host model from hwloc 2.x XML (`lstopo --of xml',
 * hwloc-gather-topology, the XML files of hwloc's test suite).
 *
 * What is read, and nothing else:
 *
 *   <topology version="2.0|3.0">
 *     <object type="NUMANode" os_index="N" cpuset="0x..."
 *             local_memory="BYTES" [subtype="DRAM|HBM|..."]/>
 *     <object type="Package" os_index="S"> <object type="Core"
 *         os_index="C"> <object type="PU" os_index="P"/> ...
 *     <distances2 type="NUMANode" nbobjs="K" kind="5"
 *                 name="NUMALatency" indexing="os|gp">
 *       <indexes length="..">i0 i1 ...</indexes>        (one or more)
 *       <u64values length="..">d00 d01 ...</u64values>  (K x K, by rows)
 *     </distances2>
 *
 * The model:
 *  - each NUMANode is the node of its os_index; its size is
 *    local_memory in whole 4 KiB pages and, as hwloc knows no free
 *    memory, all of it is free.  Ids hwloc does not list are absent
 *    (no cpus, no memory), as Xen numbers nodes densely.
 *  - each PU is the cpu of its os_index, on the NUMANode whose cpuset
 *    holds it.  When several do (hwloc attaches DRAM and HBM or CXL
 *    memory to the same cpus), the ones without a subtype or of subtype
 *    DRAM win, then the lowest os_index: Linux and Xen put cpus on the
 *    DRAM node and show the others as memory-only nodes.  A PU no
 *    NUMANode holds (its node disallowed) is offline.  Its core and
 *    socket are the os_index of its Core and Package ancestors (-1
 *    without one).
 *  - the SLIT is the NUMANode matrix named NUMALatency, else the first
 *    NUMANode matrix whose kind says latency (kind bit 4); bandwidth
 *    matrices are not distances.  Entries must be SLIT values, 1..255,
 *    and cover every NUMANode.  Without a matrix, 10 local and 20 remote
 *    as Linux assumes.
 *
 * hwloc 1.x XML (no version on <topology>, <distances> elements) is
 * refused with a hint: hwloc 2's lstopo converts it.  The XML reader is
 * a small one of our own: elements, attributes, text, comments, the
 * prolog and CDATA; the five predefined and numeric entities.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlnuma_internal.h"

#define ROLE "hwloc XML"
#define LOGL(ln, f, ...) \
    LOG(ERROR, ROLE " line %u: " f, (ln), ##__VA_ARGS__)

#define KIND_MEANS_LATENCY 4u
#define KIND_MEANS_BANDWIDTH 8u
#define MAX_ATTRS 64u
#define MAX_DEPTH 256u

/* ---- the XML reader --------------------------------------------------- */

typedef struct {
    char *name;
    char *value;
} xattr;

typedef enum {
    TOK_START,
    TOK_END,
    TOK_TEXT,
    TOK_EOF,
} tok_kind;

typedef struct {
    tok_kind kind;
    unsigned line;
    char *name;                 /* START, END */
    bool empty;                 /* START: <name .../> */
    xattr attrs[MAX_ATTRS];
    unsigned nr_attrs;
    char *text;                 /* TEXT, decoded */
} xtok;

typedef struct {
    xlnuma_ctx *ctx;
    const char *p;
    unsigned line;
} xreader;

static void tok_clear(xtok *t)
{
    free(t->name);
    free(t->text);
    for (unsigned i = 0; i < t->nr_attrs; i++) {
        free(t->attrs[i].name);
        free(t->attrs[i].value);
    }
    memset(t, 0, sizeof(*t));
}

static const char *tok_attr(const xtok *t, const char *name)
{
    for (unsigned i = 0; i < t->nr_attrs; i++)
        if (!strcmp(t->attrs[i].name, name))
            return t->attrs[i].value;
    return NULL;
}

/* Move the cursor to q, counting lines. */
static void advance(xreader *x, const char *q)
{
    for (; x->p < q; x->p++)
        if (*x->p == '\n')
            x->line++;
}

/* Skip to just past the terminator; PARSE at the end of the text. */
static int skip_past(xreader *x, const char *term, const char *what)
{
    const char *q = strstr(x->p, term);
    unsigned start = x->line;
    xlnuma_ctx *ctx = x->ctx;

    if (!q) {
        LOGL(start, "%s is not closed by \"%s\"", what, term);
        return XLNUMA_ERROR_PARSE;
    }
    advance(x, q + strlen(term));
    return 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == ':' || (unsigned char)c >= 0x80;
}

static bool is_name_char(char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
}

static void skip_space(xreader *x)
{
    while (is_space(*x->p)) {
        if (*x->p == '\n')
            x->line++;
        x->p++;
    }
}

static int read_name(xreader *x, char **name_r)
{
    const char *s = x->p;
    xlnuma_ctx *ctx = x->ctx;

    if (!is_name_start(*s)) {
        LOGL(x->line, "a name was expected, not '%c'", *s ? *s : '?');
        return XLNUMA_ERROR_PARSE;
    }
    while (is_name_char(*x->p))
        x->p++;
    *name_r = strndup(s, (size_t)(x->p - s));
    return *name_r ? 0 : XLNUMA_ERROR_NOMEM;
}

/* Append the UTF-8 form of code point cp. */
static size_t put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Decode s[0..len) (entities) into a new string. */
static int decode(xreader *x, unsigned line, const char *s, size_t len,
                  char **out_r)
{
    static const struct {
        const char *name;
        char c;
    } ents[] = {
        { "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "quot", '"' },
        { "apos", '\'' },
    };
    xlnuma_ctx *ctx = x->ctx;
    char *o = malloc(len + 1), *w = o;

    if (!o)
        return XLNUMA_ERROR_NOMEM;
    for (size_t i = 0; i < len; i++) {
        const char *semi;
        size_t n;
        unsigned k;

        if (s[i] != '&') {
            *w++ = s[i];
            continue;
        }
        semi = memchr(s + i, ';', len - i);
        n = semi ? (size_t)(semi - (s + i)) - 1 : 0;
        if (!semi || n == 0 || n > 10) {
            LOGL(line, "a '&' that starts no entity");
            free(o);
            return XLNUMA_ERROR_PARSE;
        }
        if (s[i + 1] == '#') {
            unsigned long cp = 0;
            bool hex = s[i + 2] == 'x';
            size_t j = i + 2 + hex;

            if (j >= i + 1 + n) {
                LOGL(line, "an empty character reference");
                free(o);
                return XLNUMA_ERROR_PARSE;
            }
            for (; j < i + 1 + n; j++) {
                char c = s[j];
                unsigned d;

                if (c >= '0' && c <= '9')
                    d = (unsigned)(c - '0');
                else if (hex && c >= 'a' && c <= 'f')
                    d = (unsigned)(c - 'a' + 10);
                else if (hex && c >= 'A' && c <= 'F')
                    d = (unsigned)(c - 'A' + 10);
                else
                    d = 99;
                if (d == 99 || cp > 0x10ffff) {
                    LOGL(line, "bad character reference \"%.*s\"",
                         (int)n + 2, s + i);
                    free(o);
                    return XLNUMA_ERROR_PARSE;
                }
                cp = cp * (hex ? 16 : 10) + d;
            }
            if (!cp || cp > 0x10ffff) {
                LOGL(line, "character reference \"%.*s\" is out of range",
                     (int)n + 2, s + i);
                free(o);
                return XLNUMA_ERROR_PARSE;
            }
            w += put_utf8(w, cp);   /* at most n + 2 >= 4 bytes */
            i += n + 1;
            continue;
        }
        for (k = 0; k < ARRAY_SIZE(ents); k++)
            if (strlen(ents[k].name) == n &&
                !strncmp(s + i + 1, ents[k].name, n))
                break;
        if (k == ARRAY_SIZE(ents)) {
            LOGL(line, "unknown entity \"%.*s\"", (int)n + 2, s + i);
            free(o);
            return XLNUMA_ERROR_PARSE;
        }
        *w++ = ents[k].c;
        i += n + 1;
    }
    *w = '\0';
    *out_r = o;
    return 0;
}

static int read_start(xreader *x, xtok *t)
{
    xlnuma_ctx *ctx = x->ctx;
    int rc;

    t->kind = TOK_START;
    x->p++;                     /* '<' */
    rc = read_name(x, &t->name);
    if (rc)
        return rc;
    for (;;) {
        const char *q;
        char quote, *aname = NULL;
        unsigned aline;

        skip_space(x);
        if (*x->p == '>') {
            x->p++;
            return 0;
        }
        if (x->p[0] == '/' && x->p[1] == '>') {
            x->p += 2;
            t->empty = true;
            return 0;
        }
        if (!*x->p) {
            LOGL(t->line, "<%s is not closed", t->name);
            return XLNUMA_ERROR_PARSE;
        }
        aline = x->line;
        rc = read_name(x, &aname);
        if (rc)
            return rc;
        skip_space(x);
        if (*x->p != '=') {
            LOGL(aline, "attribute %s of <%s> has no value", aname, t->name);
            free(aname);
            return XLNUMA_ERROR_PARSE;
        }
        x->p++;
        skip_space(x);
        quote = *x->p;
        if (quote != '"' && quote != '\'') {
            LOGL(aline, "the value of attribute %s of <%s> is not quoted",
                 aname, t->name);
            free(aname);
            return XLNUMA_ERROR_PARSE;
        }
        q = strchr(x->p + 1, quote);
        if (!q) {
            LOGL(aline, "the value of attribute %s of <%s> is not closed",
                 aname, t->name);
            free(aname);
            return XLNUMA_ERROR_PARSE;
        }
        if (tok_attr(t, aname)) {
            LOGL(aline, "attribute %s appears twice in <%s>", aname,
                 t->name);
            free(aname);
            return XLNUMA_ERROR_PARSE;
        }
        if (t->nr_attrs == MAX_ATTRS) {
            LOGL(aline, "<%s> has more than %u attributes", t->name,
                 MAX_ATTRS);
            free(aname);
            return XLNUMA_ERROR_PARSE;
        }
        t->attrs[t->nr_attrs].name = aname;
        t->attrs[t->nr_attrs].value = NULL;
        t->nr_attrs++;
        rc = decode(x, aline, x->p + 1, (size_t)(q - x->p - 1),
                    &t->attrs[t->nr_attrs - 1].value);
        if (rc)
            return rc;
        advance(x, q + 1);
    }
}

/* The next token; comments, processing instructions and the DOCTYPE are
 * skipped. */
static int xml_next(xreader *x, xtok *t)
{
    xlnuma_ctx *ctx = x->ctx;
    int rc;

    tok_clear(t);
    for (;;) {
        t->line = x->line;
        if (!*x->p) {
            t->kind = TOK_EOF;
            return 0;
        }
        if (*x->p != '<') {
            const char *q = strchr(x->p, '<');

            if (!q)
                q = x->p + strlen(x->p);
            t->kind = TOK_TEXT;
            rc = decode(x, x->line, x->p, (size_t)(q - x->p), &t->text);
            advance(x, q);
            return rc;
        }
        if (!strncmp(x->p, "<?", 2)) {
            rc = skip_past(x, "?>", "a processing instruction");
        } else if (!strncmp(x->p, "<!--", 4)) {
            rc = skip_past(x, "-->", "a comment");
        } else if (!strncmp(x->p, "<![CDATA[", 9)) {
            const char *q = strstr(x->p + 9, "]]>");

            if (!q) {
                LOGL(x->line, "a CDATA section is not closed");
                return XLNUMA_ERROR_PARSE;
            }
            t->kind = TOK_TEXT;
            t->text = strndup(x->p + 9, (size_t)(q - x->p - 9));
            advance(x, q + 3);
            return t->text ? 0 : XLNUMA_ERROR_NOMEM;
        } else if (!strncmp(x->p, "<!", 2)) {
            /* <!DOCTYPE ...> with an optional [internal subset]. */
            unsigned depth = 0, start = x->line;
            char quote = 0;

            for (x->p += 2; *x->p; x->p++) {
                char c = *x->p;

                if (c == '\n')
                    x->line++;
                if (quote) {
                    if (c == quote)
                        quote = 0;
                } else if (!strncmp(x->p, "<!--", 4)) {
                    const char *q = strstr(x->p + 4, "-->");

                    if (!q) {
                        advance(x, x->p + strlen(x->p));
                        break;
                    }
                    advance(x, q + 2);  /* the loop steps past '>' */
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '[') {
                    depth++;
                } else if (c == ']' && depth) {
                    depth--;
                } else if (c == '>' && !depth) {
                    break;
                }
            }
            if (!*x->p) {
                LOGL(start, "a <! declaration is not closed");
                return XLNUMA_ERROR_PARSE;
            }
            x->p++;
            rc = 0;
        } else if (x->p[1] == '/') {
            t->kind = TOK_END;
            x->p += 2;
            rc = read_name(x, &t->name);
            if (rc)
                return rc;
            skip_space(x);
            if (*x->p != '>') {
                LOGL(t->line, "</%s is not closed by '>'", t->name);
                return XLNUMA_ERROR_PARSE;
            }
            x->p++;
            return 0;
        } else {
            return read_start(x, t);
        }
        if (rc)
            return rc;
    }
}

/* ---- the document ----------------------------------------------------- */

typedef struct {
    unsigned os;
    uint64_t gp;
    bool has_gp;
    uint64_t size_kib;
    xlnuma_bitmap cpus;
    bool dram;                  /* no subtype, or DRAM */
    unsigned line;
} hnode;

typedef struct {
    unsigned os;
    int core, socket;
    unsigned line;
} hpu;

typedef struct {
    char *name;                 /* NULL when absent */
    uint64_t kind;
    unsigned nbobjs;
    bool gp_indexing;
    uint64_t *idx;
    size_t nr_idx, cap_idx;
    uint64_t *val;
    size_t nr_val, cap_val;
    unsigned line;
} hdist;

typedef enum {
    EL_OTHER = 0,
    EL_CORE,
    EL_PACKAGE,
    EL_DIST,                    /* a NUMANode distances2 */
    EL_INDEXES,
    EL_VALUES,
} el_kind;

typedef struct {
    char *name;
    el_kind kind;
    int os;                     /* Core, Package: os_index, else -1 */
    unsigned line;
} frame;

typedef struct {
    xlnuma_ctx *ctx;
    hnode *nodes;
    unsigned nr_nodes;
    hpu *pus;
    unsigned nr_pus;
    hdist *dists;
    unsigned nr_dists;
    frame stack[MAX_DEPTH];
    unsigned depth;
    char *text;                 /* inside <indexes>, <u64values> */
    size_t text_len;
    bool root_seen, root_closed;
} hdoc;

static void hdoc_dispose(hdoc *d)
{
    for (unsigned i = 0; i < d->nr_nodes; i++)
        xlnuma_bitmap_dispose(&d->nodes[i].cpus);
    free(d->nodes);
    free(d->pus);
    for (unsigned i = 0; i < d->nr_dists; i++) {
        free(d->dists[i].name);
        free(d->dists[i].idx);
        free(d->dists[i].val);
    }
    free(d->dists);
    for (unsigned i = 0; i < d->depth; i++)
        free(d->stack[i].name);
    free(d->text);
}

/* A decimal attribute; *present_r false (rc 0) when absent. */
static int attr_u64(hdoc *d, const xtok *t, const char *name, uint64_t max,
                    uint64_t *v_r, bool *present_r)
{
    xlnuma_ctx *ctx = d->ctx;
    const char *s = tok_attr(t, name);
    int rc;

    *present_r = s != NULL;
    if (!s)
        return 0;
    rc = xlnuma__parse_u64(s, max, v_r);
    if (rc == XLNUMA_ERROR_PARSE)
        LOGL(t->line, "<%s> %s=\"%s\" is not a decimal number", t->name,
             name, s);
    else if (rc == XLNUMA_ERROR_RANGE)
        LOGL(t->line, "<%s> %s=\"%s\" is too large (at most %" PRIu64 ")",
             t->name, name, s, max);
    return rc;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* An hwloc bitmap string: 32-bit words in hex, most significant first,
 * separated by commas, an empty word being 0 ("0x000000ff,,0x1"); an
 * infinite set ("0xf...f") is not a cpuset a node can have. */
static int parse_cpuset(hdoc *d, unsigned line, const char *s,
                        xlnuma_bitmap *b)
{
    xlnuma_ctx *ctx = d->ctx;
    unsigned nr_words = 1, w = 0;
    const char *p;
    int rc;

    xlnuma_bitmap_clear(b);
    if (strstr(s, "f...f")) {
        LOGL(line, "cpuset \"%s\" is infinite", s);
        return XLNUMA_ERROR_PARSE;
    }
    for (p = s; *p; p++)
        nr_words += *p == ',';
    if ((uint64_t)nr_words * 32 > XLNUMA_MAX_CPUS) {
        LOGL(line, "cpuset \"%.40s...\" is wider than %u cpus", s,
             XLNUMA_MAX_CPUS);
        return XLNUMA_ERROR_RANGE;
    }
    for (p = s; ; w++) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        unsigned base = (nr_words - 1 - w) * 32;
        uint32_t word = 0;

        if (len) {
            if (len < 3 || p[0] != '0' || (p[1] != 'x' && p[1] != 'X') ||
                len > 10) {
                LOGL(line, "cpuset \"%s\": word \"%.*s\" is not 0x and 1 "
                     "to 8 hex digits", s, (int)len, p);
                return XLNUMA_ERROR_PARSE;
            }
            for (size_t i = 2; i < len; i++) {
                int h = hexval(p[i]);

                if (h < 0) {
                    LOGL(line, "cpuset \"%s\": word \"%.*s\" is not hex", s,
                         (int)len, p);
                    return XLNUMA_ERROR_PARSE;
                }
                word = word << 4 | (uint32_t)h;
            }
        }
        for (unsigned bit = 0; bit < 32; bit++)
            if (word >> bit & 1) {
                rc = xlnuma_bitmap_set(b, base + bit);
                if (rc)
                    return rc;
            }
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

static int add_numanode(hdoc *d, const xtok *t)
{
    xlnuma_ctx *ctx = d->ctx;
    const char *cpuset = tok_attr(t, "cpuset");
    const char *subtype = tok_attr(t, "subtype");
    uint64_t os, bytes = 0, gp = 0;
    bool has_os, has_mem, has_gp;
    hnode *n, *nn;
    int rc;

    rc = attr_u64(d, t, "os_index", XLNUMA_MAX_NODES - 1, &os, &has_os);
    if (!rc)
        rc = attr_u64(d, t, "local_memory", XLNUMA_MAX_KIB * 1024, &bytes,
                      &has_mem);
    if (!rc)
        rc = attr_u64(d, t, "gp_index", UINT64_MAX, &gp, &has_gp);
    if (rc)
        return rc;
    if (!has_os) {
        LOGL(t->line, "a NUMANode object without os_index");
        return XLNUMA_ERROR_PARSE;
    }
    for (unsigned i = 0; i < d->nr_nodes; i++)
        if (d->nodes[i].os == os) {
            LOGL(t->line, "NUMANode os_index %" PRIu64 " again (first at "
                 "line %u)", os, d->nodes[i].line);
            return XLNUMA_ERROR_INCONSISTENT;
        }
    if (!has_mem)
        LOG(DETAIL, ROLE " line %u: NUMANode %" PRIu64 " gives no "
            "local_memory: a node without memory", t->line, os);
    nn = realloc(d->nodes, (d->nr_nodes + 1) * sizeof(*nn));
    if (!nn)
        return XLNUMA_ERROR_NOMEM;
    d->nodes = nn;
    n = &d->nodes[d->nr_nodes++];
    memset(n, 0, sizeof(*n));
    xlnuma_bitmap_init(&n->cpus);
    n->os = (unsigned)os;
    n->gp = gp;
    n->has_gp = has_gp;
    n->size_kib = bytes / 4096 * 4;
    n->dram = !subtype || !strcmp(subtype, "DRAM");
    n->line = t->line;
    if (!cpuset) {
        LOGL(t->line, "NUMANode %" PRIu64 " has no cpuset", os);
        return XLNUMA_ERROR_PARSE;
    }
    return parse_cpuset(d, t->line, cpuset, &n->cpus);
}

static int add_pu(hdoc *d, const xtok *t)
{
    xlnuma_ctx *ctx = d->ctx;
    uint64_t os;
    bool has_os;
    hpu *p;
    int rc;

    rc = attr_u64(d, t, "os_index", XLNUMA_MAX_CPUS - 1, &os, &has_os);
    if (rc)
        return rc;
    if (!has_os) {
        LOGL(t->line, "a PU object without os_index");
        return XLNUMA_ERROR_PARSE;
    }
    p = realloc(d->pus, (d->nr_pus + 1) * sizeof(*p));
    if (!p)
        return XLNUMA_ERROR_NOMEM;
    d->pus = p;
    p = &d->pus[d->nr_pus++];
    p->os = (unsigned)os;
    p->core = p->socket = -1;
    p->line = t->line;
    for (unsigned i = d->depth; i-- > 0;) {
        if (d->stack[i].kind == EL_CORE && p->core < 0)
            p->core = d->stack[i].os;
        if (d->stack[i].kind == EL_PACKAGE && p->socket < 0)
            p->socket = d->stack[i].os;
    }
    return 0;
}

static int add_dist(hdoc *d, const xtok *t)
{
    xlnuma_ctx *ctx = d->ctx;
    const char *name = tok_attr(t, "name"), *indexing;
    uint64_t nb, kind = 0;
    bool has_nb, has_kind;
    hdist *nd;
    int rc;

    rc = attr_u64(d, t, "nbobjs", XLNUMA_MAX_NODES, &nb, &has_nb);
    if (!rc)
        rc = attr_u64(d, t, "kind", UINT32_MAX, &kind, &has_kind);
    if (rc)
        return rc;
    if (!has_nb || !nb) {
        LOGL(t->line, "<distances2 type=\"NUMANode\"> without nbobjs");
        return XLNUMA_ERROR_PARSE;
    }
    indexing = tok_attr(t, "indexing");
    if (indexing && strcmp(indexing, "os") && strcmp(indexing, "gp")) {
        LOGL(t->line, "<distances2> indexing=\"%s\" (os or gp)", indexing);
        return XLNUMA_ERROR_PARSE;
    }
    nd = realloc(d->dists, (d->nr_dists + 1) * sizeof(*nd));
    if (!nd)
        return XLNUMA_ERROR_NOMEM;
    d->dists = nd;
    nd = &d->dists[d->nr_dists++];
    memset(nd, 0, sizeof(*nd));
    nd->kind = kind;
    nd->nbobjs = (unsigned)nb;
    /* hwloc writes indexing="os" for NUMANodes; gp is its default. */
    nd->gp_indexing = !indexing || !strcmp(indexing, "gp");
    nd->line = t->line;
    if (name && !(nd->name = strdup(name)))
        return XLNUMA_ERROR_NOMEM;
    return 0;
}

/* The numbers of an <indexes> or <u64values> element. */
static int take_numbers(hdoc *d, unsigned line, bool values)
{
    xlnuma_ctx *ctx = d->ctx;
    hdist *h = &d->dists[d->nr_dists - 1];
    uint64_t **arr = values ? &h->val : &h->idx;
    size_t *nr = values ? &h->nr_val : &h->nr_idx;
    size_t *cap = values ? &h->cap_val : &h->cap_idx;
    size_t limit = values ? (size_t)h->nbobjs * h->nbobjs : h->nbobjs;
    char *p = d->text ? d->text : (char *)"";

    for (;;) {
        char *e;
        uint64_t v;
        int rc;

        while (is_space(*p))
            p++;
        if (!*p)
            return 0;
        for (e = p; *e && !is_space(*e); e++)
            ;
        if (*e)
            *e++ = '\0';
        rc = xlnuma__parse_u64(p, UINT64_MAX, &v);
        if (rc) {
            LOGL(line, "<%s> holds \"%s\", not a decimal number",
                 values ? "u64values" : "indexes", p);
            return XLNUMA_ERROR_PARSE;
        }
        if (*nr == limit) {
            LOGL(line, "distances2 of line %u has more %s than its %u "
                 "objects need", h->line, values ? "values" : "indexes",
                 h->nbobjs);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        if (*nr == *cap) {
            size_t ncap = *cap ? *cap * 2 : 64;
            uint64_t *n = realloc(*arr, ncap * sizeof(*n));

            if (!n)
                return XLNUMA_ERROR_NOMEM;
            *arr = n;
            *cap = ncap;
        }
        (*arr)[(*nr)++] = v;
        p = e;
    }
}

static int on_start(hdoc *d, const xtok *t)
{
    xlnuma_ctx *ctx = d->ctx;
    frame *f;
    el_kind kind = EL_OTHER;
    int os = -1, rc;

    if (!d->root_seen) {
        const char *version = tok_attr(t, "version");

        if (strcmp(t->name, "topology")) {
            LOGL(t->line, "the document is <%s>, not an hwloc <topology>",
                 t->name);
            return XLNUMA_ERROR_PARSE;
        }
        if (!version || atoi(version) < 2) {
            LOGL(t->line, "hwloc 1.x XML (<topology> without version=\"2.0\""
                 " or later) is not read; convert it with hwloc 2's "
                 "`lstopo -i OLD.xml --of xml NEW.xml'");
            return XLNUMA_ERROR_PARSE;
        }
        d->root_seen = true;
    } else if (d->root_closed) {
        LOGL(t->line, "<%s> after </topology>", t->name);
        return XLNUMA_ERROR_PARSE;
    }

    if (!strcmp(t->name, "object")) {
        const char *type = tok_attr(t, "type");

        if (!type) {
            LOGL(t->line, "an <object> without type");
            return XLNUMA_ERROR_PARSE;
        }
        if (!strcmp(type, "NUMANode")) {
            rc = add_numanode(d, t);
            if (rc)
                return rc;
        } else if (!strcmp(type, "PU")) {
            rc = add_pu(d, t);
            if (rc)
                return rc;
        } else if (!strcmp(type, "Core") || !strcmp(type, "Package")) {
            uint64_t v;
            bool present;

            rc = attr_u64(d, t, "os_index", INT32_MAX, &v, &present);
            if (rc)
                return rc;
            kind = type[0] == 'C' ? EL_CORE : EL_PACKAGE;
            os = present ? (int)v : -1;
        }
    } else if (!strcmp(t->name, "distances")) {
        LOGL(t->line, "<distances> is hwloc 1.x XML; convert it with hwloc "
             "2's `lstopo -i OLD.xml --of xml NEW.xml'");
        return XLNUMA_ERROR_PARSE;
    } else if (!strcmp(t->name, "distances2")) {
        const char *type = tok_attr(t, "type");

        if (type && !strcmp(type, "NUMANode")) {
            rc = add_dist(d, t);
            if (rc)
                return rc;
            kind = EL_DIST;
        }
    } else if (d->depth && d->stack[d->depth - 1].kind == EL_DIST &&
               (!strcmp(t->name, "indexes") ||
                !strcmp(t->name, "u64values"))) {
        kind = t->name[0] == 'i' ? EL_INDEXES : EL_VALUES;
        d->text_len = 0;
        if (d->text)
            d->text[0] = '\0';
        if (t->empty)
            return 0;
    }
    if (t->empty) {
        if (!d->depth)
            d->root_closed = true;  /* <topology .../> */
        return 0;
    }
    if (d->depth == MAX_DEPTH) {
        LOGL(t->line, "elements nested more than %u deep", MAX_DEPTH);
        return XLNUMA_ERROR_PARSE;
    }
    f = &d->stack[d->depth];
    f->name = strdup(t->name);
    if (!f->name)
        return XLNUMA_ERROR_NOMEM;
    f->kind = kind;
    f->os = os;
    f->line = t->line;
    d->depth++;
    return 0;
}

static int on_end(hdoc *d, const xtok *t)
{
    xlnuma_ctx *ctx = d->ctx;
    frame *f;
    int rc = 0;

    if (!d->depth) {
        LOGL(t->line, "</%s> closes nothing", t->name);
        return XLNUMA_ERROR_PARSE;
    }
    f = &d->stack[d->depth - 1];
    if (strcmp(f->name, t->name)) {
        LOGL(t->line, "</%s> closes <%s> of line %u", t->name, f->name,
             f->line);
        return XLNUMA_ERROR_PARSE;
    }
    if (f->kind == EL_INDEXES || f->kind == EL_VALUES)
        rc = take_numbers(d, f->line, f->kind == EL_VALUES);
    free(f->name);
    f->name = NULL;
    d->depth--;
    if (!d->depth)
        d->root_closed = true;
    return rc;
}

static int on_text(hdoc *d, const xtok *t)
{
    xlnuma_ctx *ctx = d->ctx;
    size_t n = strlen(t->text);
    char *nt;

    if (d->depth && (d->stack[d->depth - 1].kind == EL_INDEXES ||
                     d->stack[d->depth - 1].kind == EL_VALUES)) {
        nt = realloc(d->text, d->text_len + n + 1);
        if (!nt)
            return XLNUMA_ERROR_NOMEM;
        memcpy(nt + d->text_len, t->text, n + 1);
        d->text = nt;
        d->text_len += n;
        return 0;
    }
    if (!d->depth || d->root_closed) {
        for (size_t i = 0; i < n; i++)
            if (!is_space(t->text[i])) {
                LOGL(t->line, "text \"%.20s\" outside <topology>",
                     t->text + i);
                return XLNUMA_ERROR_PARSE;
            }
    }
    return 0;
}

static int read_document(hdoc *d, const char *text)
{
    xlnuma_ctx *ctx = d->ctx;
    xreader x = { ctx, text, 1 };
    xtok t;
    int rc;

    memset(&t, 0, sizeof(t));
    if (!strncmp(x.p, "\xef\xbb\xbf", 3))
        x.p += 3;               /* a UTF-8 byte order mark */
    for (;;) {
        rc = xml_next(&x, &t);
        if (rc)
            goto out;
        if (t.kind == TOK_EOF)
            break;
        if (t.kind == TOK_START)
            rc = on_start(d, &t);
        else if (t.kind == TOK_END)
            rc = on_end(d, &t);
        else
            rc = on_text(d, &t);
        if (rc)
            goto out;
    }
    if (!d->root_seen) {
        LOG(ERROR, ROLE ": no <topology> element");
        rc = XLNUMA_ERROR_PARSE;
    } else if (d->depth) {
        LOGL(d->stack[d->depth - 1].line, "<%s> is never closed",
             d->stack[d->depth - 1].name);
        rc = XLNUMA_ERROR_PARSE;
    }
 out:
    tok_clear(&t);
    return rc;
}

/* ---- the host --------------------------------------------------------- */

static const hnode *node_by_os(const hdoc *d, uint64_t os)
{
    for (unsigned i = 0; i < d->nr_nodes; i++)
        if (d->nodes[i].os == os)
            return &d->nodes[i];
    return NULL;
}

static const hnode *node_by_gp(const hdoc *d, uint64_t gp)
{
    for (unsigned i = 0; i < d->nr_nodes; i++)
        if (d->nodes[i].has_gp && d->nodes[i].gp == gp)
            return &d->nodes[i];
    return NULL;
}

/* The node of a PU: see the head of the file. */
static int pu_node(const hdoc *d, unsigned pu)
{
    const hnode *best = NULL;

    for (unsigned i = 0; i < d->nr_nodes; i++) {
        const hnode *n = &d->nodes[i];

        if (!xlnuma_bitmap_test(&n->cpus, pu))
            continue;
        if (!best || (n->dram && !best->dram) ||
            (n->dram == best->dram && n->os < best->os))
            best = n;
    }
    return best ? (int)best->os : XLNUMA_NO_NODE;
}

static const hdist *pick_matrix(const hdoc *d)
{
    xlnuma_ctx *ctx = d->ctx;
    const hdist *first = NULL;

    for (unsigned i = 0; i < d->nr_dists; i++) {
        const hdist *h = &d->dists[i];

        if (h->name && !strcmp(h->name, "NUMALatency"))
            return h;
        if (!first && (h->kind & KIND_MEANS_LATENCY) &&
            !(h->kind & KIND_MEANS_BANDWIDTH))
            first = h;
    }
    for (unsigned i = 0; i < d->nr_dists; i++)
        if (&d->dists[i] != first)
            LOG(DETAIL, ROLE " line %u: NUMANode matrix %s (kind %" PRIu64
                ") not used for the SLIT", d->dists[i].line,
                d->dists[i].name ? d->dists[i].name : "(unnamed)",
                d->dists[i].kind);
    return first;
}

static int set_distances(hdoc *d, xlnuma_host *h)
{
    xlnuma_ctx *ctx = d->ctx;
    const hdist *m = pick_matrix(d);
    unsigned *ids = NULL, nb;
    bool *covered = NULL;
    int rc;

    if (!m) {
        LOG(DETAIL, ROLE ": no NUMA latency matrix; distances are 10 local, "
            "20 remote");
        return 0;
    }
    nb = m->nbobjs;
    if (m->nr_idx != nb || m->nr_val != (size_t)nb * nb) {
        LOGL(m->line, "distances2 %s: %u objects need %u indexes and %zu "
             "values; it has %zu and %zu", m->name ? m->name : "", nb, nb,
             (size_t)nb * nb, m->nr_idx, m->nr_val);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    ids = calloc(nb, sizeof(*ids));
    covered = calloc(d->nr_nodes, sizeof(*covered));
    if (!ids || !covered) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    for (unsigned i = 0; i < nb; i++) {
        const hnode *n = m->gp_indexing ? node_by_gp(d, m->idx[i])
                                        : node_by_os(d, m->idx[i]);

        if (!n) {
            LOGL(m->line, "distances2 %s names NUMANode %s %" PRIu64
                 ", which is not in the topology", m->name ? m->name : "",
                 m->gp_indexing ? "gp_index" : "os_index", m->idx[i]);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
        ids[i] = n->os;
        covered[n - d->nodes] = true;
    }
    for (unsigned i = 0; i < d->nr_nodes; i++)
        if (!covered[i]) {
            LOGL(m->line, "distances2 %s leaves out NUMANode %u (line %u)",
                 m->name ? m->name : "", d->nodes[i].os, d->nodes[i].line);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
    for (unsigned i = 0; i < nb; i++)
        for (unsigned j = 0; j < nb; j++) {
            uint64_t v = m->val[(size_t)i * nb + j];

            if (v < 1 || v > 255) {
                LOGL(m->line, "distances2 %s: %" PRIu64 " from node %u to "
                     "node %u is not a SLIT distance (1..255)",
                     m->name ? m->name : "", v, ids[i], ids[j]);
                rc = XLNUMA_ERROR_RANGE;
                goto out;
            }
            rc = xlnuma_host_set_distance(ctx, h, ids[i], ids[j],
                                          (unsigned)v);
            if (rc)
                goto out;
        }
    rc = 0;
 out:
    free(ids);
    free(covered);
    return rc;
}

static int build_host(hdoc *d, xlnuma_host *h)
{
    xlnuma_ctx *ctx = d->ctx;
    xlnuma_bitmap seen;
    int rc;

    xlnuma_bitmap_init(&seen);
    if (!d->nr_nodes) {
        LOG(ERROR, ROLE ": no NUMANode object");
        rc = XLNUMA_ERROR_INCONSISTENT;
        goto out;
    }
    if (!d->nr_pus) {
        LOG(ERROR, ROLE ": no PU object");
        rc = XLNUMA_ERROR_INCONSISTENT;
        goto out;
    }
    for (unsigned i = 0; i < d->nr_nodes; i++) {
        rc = xlnuma_host_add_node(ctx, h, d->nodes[i].os,
                                  d->nodes[i].size_kib, d->nodes[i].size_kib);
        if (rc)
            goto out;
    }
    rc = set_distances(d, h);
    if (rc)
        goto out;
    for (unsigned i = 0; i < d->nr_pus; i++) {
        const hpu *p = &d->pus[i];

        if (xlnuma_bitmap_test(&seen, p->os)) {
            LOGL(p->line, "PU os_index %u again", p->os);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
        rc = xlnuma_bitmap_set(&seen, p->os);
        if (rc)
            goto out;
        rc = xlnuma_host_add_cpu(ctx, h, p->os, p->core, p->socket,
                                 pu_node(d, p->os));
        if (rc)
            goto out;
    }
    rc = xlnuma_host_finish(ctx, h);
 out:
    xlnuma_bitmap_dispose(&seen);
    return rc;
}

int xlnuma_host_from_hwloc(xlnuma_ctx *ctx, const char *text,
                           xlnuma_host **host_r)
{
    xlnuma_host *h = NULL;
    hdoc d;
    int rc;

    memset(&d, 0, sizeof(d));
    d.ctx = ctx;
    if (!text || !host_r) {
        LOG(ERROR, ROLE ": no text");
        return XLNUMA_ERROR_INVAL;
    }
    rc = read_document(&d, text);
    if (rc)
        goto out;
    rc = xlnuma_host_alloc(ctx, &h);
    if (rc)
        goto out;
    rc = build_host(&d, h);
    if (rc)
        goto out;
    *host_r = h;
    h = NULL;
 out:
    xlnuma_host_free(h);
    hdoc_dispose(&d);
    return rc;
}
