/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * state_json.c: the JSON state file, docs/xlnuma-state.5.pod.
 *
 * Reading is strict: every key is known (a typo is an error naming the key
 * and where it is), every number is an integer within its range, and the
 * version is 1.  Writing is canonical: keys in a fixed order, lists in
 * their canonical form, pretty-printed by yajl; reading what we wrote and
 * writing it again gives the same bytes.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "xlnuma_internal.h"

#define STATE_FORMAT "xlnuma-state"
#define STATE_VERSION 1
#define MAX_DOMID 0x7fefu
#define PATH_LEN 96

/* ---- writing ---- */

typedef struct {
    xlnuma_ctx *ctx;
    yajl_gen g;
    int rc;                     /* first failure */
} writer;

static void w_check(writer *w, yajl_gen_status s)
{
    xlnuma_ctx *ctx = w->ctx;

    if (s == yajl_gen_status_ok || w->rc)
        return;
    if (s == yajl_gen_invalid_string) {
        LOG(ERROR, "state: a name is not valid UTF-8");
        w->rc = XLNUMA_ERROR_INVAL;
    } else {
        LOG(ERROR, "state: JSON generator failed (yajl status %d)", (int)s);
        w->rc = XLNUMA_ERROR_NOMEM;
    }
}

static void w_str(writer *w, const char *s)
{
    if (!w->rc)
        w_check(w, yajl_gen_string(w->g, (const unsigned char *)s,
                                   strlen(s)));
}

static void w_int(writer *w, long long v)
{
    if (!w->rc)
        w_check(w, yajl_gen_integer(w->g, v));
}

static void w_key_int(writer *w, const char *k, long long v)
{
    w_str(w, k);
    w_int(w, v);
}

static void w_key_str(writer *w, const char *k, const char *v)
{
    w_str(w, k);
    w_str(w, v);
}

static void w_open(writer *w, bool map)
{
    if (!w->rc)
        w_check(w, map ? yajl_gen_map_open(w->g)
                       : yajl_gen_array_open(w->g));
}

static void w_close(writer *w, bool map)
{
    if (!w->rc)
        w_check(w, map ? yajl_gen_map_close(w->g)
                       : yajl_gen_array_close(w->g));
}

static bool is_range(const xlnuma_bitmap *b, unsigned n)
{
    return n && xlnuma_bitmap_count(b) == n && xlnuma_bitmap_next(b, 0) == 0
           && xlnuma_bitmap_next(b, n - 1) == (int)n - 1;
}

/* A map: "all" when it is exactly 0..all_n-1 (all_n 0: never), `empty'
 * when empty, else the canonical list. */
static void w_map(writer *w, const char *k, const xlnuma_bitmap *b,
                  unsigned all_n, const char *empty)
{
    char *s;

    w_str(w, k);
    if (is_range(b, all_n)) {
        w_str(w, "all");
        return;
    }
    if (xlnuma_bitmap_is_empty(b)) {
        w_str(w, empty);
        return;
    }
    s = xlnuma_bitmap_format(b);
    if (!s) {
        if (!w->rc)
            w->rc = XLNUMA_ERROR_NOMEM;
        return;
    }
    w_str(w, s);
    free(s);
}

static bool vcpus_compact(const xlnuma_domain *d)
{
    for (unsigned v = 0; v < d->nr_vcpus; v++) {
        const xlnuma_vcpu *vc = &d->vcpus[v];

        if (vc->id != v || !vc->online || vc->cpu != XLNUMA_NO_CPU ||
            !xlnuma_bitmap_equal(&vc->hard, &d->vcpus[0].hard) ||
            !xlnuma_bitmap_equal(&vc->soft, &d->vcpus[0].soft))
            return false;
    }
    return true;
}

static void w_domain(writer *w, const xlnuma_host *h, const xlnuma_domain *d)
{
    xlnuma_bitmap all;

    w_open(w, true);
    w_key_int(w, "id", d->domid);
    w_key_str(w, "name", d->name ? d->name : "");
    w_key_int(w, "pool", d->pool);
    w_key_int(w, "mem_kib", (long long)d->mem_kib);
    w_map(w, "node_affinity", &d->node_affinity, h->nr_nodes, "");
    if (vcpus_compact(d)) {
        xlnuma_bitmap_init(&all);
        for (unsigned c = 0; c < h->nr_cpus && !w->rc; c++)
            if (xlnuma_bitmap_set(&all, c))
                w->rc = XLNUMA_ERROR_NOMEM;
        w_key_int(w, "nr_vcpus", d->nr_vcpus);
        w_map(w, "hard", d->nr_vcpus ? &d->vcpus[0].hard : &all,
              h->nr_cpus, "none");
        w_map(w, "soft", d->nr_vcpus ? &d->vcpus[0].soft : &all,
              h->nr_cpus, "none");
        xlnuma_bitmap_dispose(&all);
    } else {
        w_str(w, "vcpus");
        w_open(w, false);
        for (unsigned v = 0; v < d->nr_vcpus; v++) {
            const xlnuma_vcpu *vc = &d->vcpus[v];

            w_open(w, true);
            w_key_int(w, "id", vc->id);
            w_key_int(w, "cpu", vc->cpu);
            w_str(w, "online");
            if (!w->rc)
                w_check(w, yajl_gen_bool(w->g, vc->online));
            w_map(w, "hard", &vc->hard, h->nr_cpus, "none");
            w_map(w, "soft", &vc->soft, h->nr_cpus, "none");
            w_close(w, true);
        }
        w_close(w, false);
    }
    if (d->pages_per_node && d->nr_pages) {
        w_key_int(w, "pages_total", (long long)d->pages_total);
        w_str(w, "pages_per_node");
        w_open(w, false);
        for (unsigned n = 0; n < d->nr_pages; n++)
            w_int(w, (long long)d->pages_per_node[n]);
        w_close(w, false);
    } else if (d->pages_total) {
        w_key_int(w, "pages_total", (long long)d->pages_total);
    }
    w_close(w, true);
}

static void w_host(writer *w, const xlnuma_host *h)
{
    w_open(w, true);
    w_key_str(w, "format", STATE_FORMAT);
    w_key_int(w, "version", STATE_VERSION);
    w_str(w, "nodes");
    w_open(w, false);
    for (unsigned i = 0; i < h->nr_nodes; i++) {
        const xlnuma_node *n = &h->nodes[i];

        if (!h->node_described[i])
            continue;
        w_open(w, true);
        w_key_int(w, "id", i);
        w_key_int(w, "memsize_kib", (long long)n->memsize_kib);
        w_key_int(w, "memfree_kib", (long long)n->memfree_kib);
        if (h->dma_known)
            w_key_int(w, "dmafree_kib", (long long)n->dmafree_kib);
        w_str(w, "distances");
        w_open(w, false);
        for (unsigned j = 0; j < h->nr_nodes; j++)
            w_int(w, n->distance[j]);
        w_close(w, false);
        w_close(w, true);
    }
    w_close(w, false);
    if (h->dma_bits)
        w_key_int(w, "dma_bits", h->dma_bits);
    w_str(w, "cpus");
    w_open(w, false);
    for (unsigned i = 0; i < h->nr_cpus; i++) {
        const xlnuma_cpu *c = &h->cpus[i];

        if (!h->cpu_described[i])
            continue;
        w_open(w, true);
        w_key_int(w, "id", i);
        w_key_int(w, "core", c->core);
        w_key_int(w, "socket", c->socket);
        w_key_int(w, "node", c->online ? c->node : -1);
        w_close(w, true);
    }
    w_close(w, false);
    w_str(w, "pools");
    w_open(w, false);
    for (unsigned i = 0; i < h->nr_pools; i++) {
        const xlnuma_pool *p = &h->pools[i];

        w_open(w, true);
        w_key_int(w, "id", p->id);
        w_key_str(w, "name", p->name);
        if (p->sched)
            w_key_str(w, "sched", p->sched);
        w_map(w, "cpus", &p->cpus, 0, "");
        w_close(w, true);
    }
    w_close(w, false);
    w_str(w, "domains");
    w_open(w, false);
    for (unsigned i = 0; i < h->nr_domains; i++)
        w_domain(w, h, &h->domains[i]);
    w_close(w, false);
    w_close(w, true);
}

int xlnuma_host_to_json(xlnuma_ctx *ctx, const xlnuma_host *h,
                        char **json_r)
{
    writer w = { .ctx = ctx, .g = NULL, .rc = 0 };
    const unsigned char *buf;
    size_t len;
    char *out;
    int rc;

    if (!h || !json_r || !h->finished) {
        LOG(ERROR, "state: only a finished host can be written");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    w.g = yajl_gen_alloc(NULL);
    if (!w.g) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    yajl_gen_config(w.g, yajl_gen_beautify, 1);
    yajl_gen_config(w.g, yajl_gen_indent_string, "  ");
    yajl_gen_config(w.g, yajl_gen_validate_utf8, 1);
    w_host(&w, h);
    rc = w.rc;
    if (rc)
        goto out;
    if (yajl_gen_get_buf(w.g, &buf, &len) != yajl_gen_status_ok) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    out = malloc(len + 2);
    if (!out) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    memcpy(out, buf, len);
    if (!len || out[len - 1] != '\n')
        out[len++] = '\n';
    out[len] = '\0';
    *json_r = out;
    rc = 0;
 out:
    if (w.g)
        yajl_gen_free(w.g);
    return rc;
}

/* ---- reading ---- */

typedef struct {
    xlnuma_ctx *ctx;
    xlnuma_host *h;
    unsigned nr_nodes, nr_cpus;
    uint64_t nr_vcpus;          /* of every domain so far */
} reader;

static const char *type_name(yajl_val v)
{
    if (YAJL_IS_STRING(v))
        return "a string";
    if (YAJL_IS_NUMBER(v))
        return "a number";
    if (YAJL_IS_OBJECT(v))
        return "an object";
    if (YAJL_IS_ARRAY(v))
        return "an array";
    if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
        return "a boolean";
    return "null";
}

/* Every key of obj is in allowed[], once. */
static int check_keys(xlnuma_ctx *ctx, yajl_val obj, const char *path,
                      const char *const *allowed, unsigned nr)
{
    if (!YAJL_IS_OBJECT(obj)) {
        LOG(ERROR, "state: %s must be an object, not %s", path,
            type_name(obj));
        return XLNUMA_ERROR_PARSE;
    }
    for (size_t i = 0; i < obj->u.object.len; i++) {
        const char *k = obj->u.object.keys[i];
        bool ok = false;

        for (unsigned j = 0; j < nr && !ok; j++)
            ok = !strcmp(k, allowed[j]);
        if (!ok) {
            LOG(ERROR, "state: unknown key \"%s\" in %s", k, path);
            return XLNUMA_ERROR_PARSE;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(k, obj->u.object.keys[j])) {
                LOG(ERROR, "state: key \"%s\" appears twice in %s", k,
                    path);
                return XLNUMA_ERROR_PARSE;
            }
    }
    return 0;
}

static yajl_val get(yajl_val obj, const char *key)
{
    for (size_t i = 0; i < obj->u.object.len; i++)
        if (!strcmp(obj->u.object.keys[i], key))
            return obj->u.object.values[i];
    return NULL;
}

static int missing(xlnuma_ctx *ctx, const char *path, const char *key)
{
    LOG(ERROR, "state: %s has no \"%s\"", path, key);
    return XLNUMA_ERROR_PARSE;
}

/* An integer in [min, max]; null (when null_ok) reads as -1. */
static int v_int(xlnuma_ctx *ctx, yajl_val v, const char *path,
                 const char *key, long long min, long long max, bool null_ok,
                 long long *r)
{
    if (null_ok && YAJL_IS_NULL(v)) {
        *r = -1;
        return 0;
    }
    if (!YAJL_IS_NUMBER(v)) {
        LOG(ERROR, "state: %s.%s must be an integer, not %s", path, key,
            type_name(v));
        return XLNUMA_ERROR_PARSE;
    }
    if (!YAJL_IS_INTEGER(v)) {
        LOG(ERROR, "state: %s.%s is %s; it must be an integer in %lld..%lld",
            path, key, v->u.number.r, min, max);
        return XLNUMA_ERROR_RANGE;
    }
    if (v->u.number.i < min || v->u.number.i > max) {
        LOG(ERROR, "state: %s.%s is %lld; it must be in %lld..%lld", path,
            key, v->u.number.i, min, max);
        return XLNUMA_ERROR_RANGE;
    }
    *r = v->u.number.i;
    return 0;
}

static int get_int(xlnuma_ctx *ctx, yajl_val obj, const char *path,
                   const char *key, long long min, long long max,
                   bool null_ok, long long *r)
{
    yajl_val v = get(obj, key);

    if (!v)
        return missing(ctx, path, key);
    return v_int(ctx, v, path, key, min, max, null_ok, r);
}

static int get_str(xlnuma_ctx *ctx, yajl_val obj, const char *path,
                   const char *key, bool required, const char **r)
{
    yajl_val v = get(obj, key);

    if (!v) {
        *r = NULL;
        return required ? missing(ctx, path, key) : 0;
    }
    if (!YAJL_IS_STRING(v)) {
        LOG(ERROR, "state: %s.%s must be a string, not %s", path, key,
            type_name(v));
        return XLNUMA_ERROR_PARSE;
    }
    *r = v->u.string;
    return 0;
}

static int get_array(xlnuma_ctx *ctx, yajl_val obj, const char *path,
                     const char *key, bool required, yajl_val *r)
{
    yajl_val v = get(obj, key);

    *r = NULL;
    if (!v)
        return required ? missing(ctx, path, key) : 0;
    if (!YAJL_IS_ARRAY(v)) {
        LOG(ERROR, "state: %s.%s must be an array, not %s", path, key,
            type_name(v));
        return XLNUMA_ERROR_PARSE;
    }
    *r = v;
    return 0;
}

/* A map string: "all" (0..limit-1), "" or "none" (empty), or a list. */
static int get_map(xlnuma_ctx *ctx, yajl_val obj, const char *path,
                   const char *key, const char *dflt, unsigned limit,
                   xlnuma_bitmap *b)
{
    const char *s;
    int rc;

    rc = get_str(ctx, obj, path, key, dflt == NULL, &s);
    if (rc)
        return rc;
    if (!s)
        s = dflt;
    if (!*s || !strcmp(s, "none")) {
        xlnuma_bitmap_clear(b);
        return 0;
    }
    if (!limit) {
        LOG(ERROR, "state: %s.%s is \"%s\" but the host has none", path, key,
            s);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    /* Quietly: the message below says where. */
    rc = xlnuma_bitmap_parse(NULL, s, limit, b);
    if (rc == XLNUMA_ERROR_RANGE)
        LOG(ERROR, "state: %s.%s \"%s\" names an id beyond %u", path, key, s,
            limit - 1);
    else if (rc)
        LOG(ERROR, "state: %s.%s \"%s\" is not a list like \"0-3,8\"", path,
            key, s);
    return rc;
}

static int r_nodes(reader *r, yajl_val nodes)
{
    static const char *const keys[] = {
        "id", "memsize_kib", "memfree_kib", "dmafree_kib", "distances",
    };
    xlnuma_ctx *ctx = r->ctx;
    int dma_seen = -1;
    char path[PATH_LEN];
    long long v;
    int rc;

    /* First the ids, which size the distance rows. */
    for (size_t i = 0; i < nodes->u.array.len; i++) {
        yajl_val n = nodes->u.array.values[i];

        snprintf(path, sizeof(path), "$.nodes[%zu]", i);
        rc = check_keys(ctx, n, path, keys, ARRAY_SIZE(keys));
        if (!rc)
            rc = get_int(ctx, n, path, "id", 0, XLNUMA_MAX_NODES - 1, false,
                         &v);
        if (rc)
            return rc;
        if ((unsigned)v + 1 > r->nr_nodes)
            r->nr_nodes = (unsigned)v + 1;
    }
    for (size_t i = 0; i < nodes->u.array.len; i++) {
        yajl_val n = nodes->u.array.values[i], dists, dma;
        long long id, size, fr;

        snprintf(path, sizeof(path), "$.nodes[%zu]", i);
        rc = get_int(ctx, n, path, "id", 0, XLNUMA_MAX_NODES - 1, false, &id);
        if (!rc)
            rc = get_int(ctx, n, path, "memsize_kib", 0, XLNUMA_MAX_KIB,
                         false, &size);
        if (!rc)
            rc = get_int(ctx, n, path, "memfree_kib", 0, XLNUMA_MAX_KIB,
                         false, &fr);
        if (!rc)
            rc = get_array(ctx, n, path, "distances", false, &dists);
        if (rc)
            return rc;
        rc = xlnuma_host_add_node(ctx, r->h, (unsigned)id, (uint64_t)size,
                                  (uint64_t)fr);
        if (rc)
            return rc;
        dma = get(n, "dmafree_kib");
        if (dma_seen >= 0 && dma_seen != (dma != NULL)) {
            LOG(ERROR, "state: %s %s dmafree_kib but $.nodes[0] %s", path,
                dma ? "has" : "lacks", dma_seen ? "has" : "does not");
            return XLNUMA_ERROR_INCONSISTENT;
        }
        dma_seen = dma != NULL;
        if (dma) {
            rc = v_int(ctx, dma, path, "dmafree_kib", 0, XLNUMA_MAX_KIB,
                       false, &v);
            if (!rc)
                rc = xlnuma_host_set_dma(ctx, r->h, (unsigned)id,
                                         (uint64_t)v);
            if (rc)
                return rc;
        }
        if (!dists)
            continue;
        if (dists->u.array.len != r->nr_nodes) {
            LOG(ERROR, "state: %s.distances has %zu entries; node ids go up "
                "to %u", path, dists->u.array.len, r->nr_nodes - 1);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        for (size_t j = 0; j < dists->u.array.len; j++) {
            char key[32];

            snprintf(key, sizeof(key), "distances[%zu]", j);
            rc = v_int(ctx, dists->u.array.values[j], path, key, 0, 255,
                       false, &v);
            if (rc)
                return rc;
            if (!v)
                continue;       /* unknown */
            rc = xlnuma_host_set_distance(ctx, r->h, (unsigned)id,
                                          (unsigned)j, (unsigned)v);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int r_cpus(reader *r, yajl_val cpus)
{
    static const char *const keys[] = { "id", "core", "socket", "node" };
    xlnuma_ctx *ctx = r->ctx;
    char path[PATH_LEN];
    int rc;

    for (size_t i = 0; i < cpus->u.array.len; i++) {
        yajl_val c = cpus->u.array.values[i];
        long long id, core, socket, node;

        snprintf(path, sizeof(path), "$.cpus[%zu]", i);
        rc = check_keys(ctx, c, path, keys, ARRAY_SIZE(keys));
        if (!rc)
            rc = get_int(ctx, c, path, "id", 0, XLNUMA_MAX_CPUS - 1, false,
                         &id);
        if (!rc)
            rc = get_int(ctx, c, path, "core", -1, INT_MAX, true, &core);
        if (!rc)
            rc = get_int(ctx, c, path, "socket", -1, INT_MAX, true, &socket);
        if (!rc)
            rc = get_int(ctx, c, path, "node", -1, XLNUMA_MAX_NODES - 1, true,
                         &node);
        if (!rc)
            rc = xlnuma_host_add_cpu(ctx, r->h, (unsigned)id, (int)core,
                                     (int)socket, (int)node);
        if (rc)
            return rc;
        if ((unsigned)id + 1 > r->nr_cpus)
            r->nr_cpus = (unsigned)id + 1;
    }
    return 0;
}

static int r_pools(reader *r, yajl_val pools)
{
    static const char *const keys[] = { "id", "name", "sched", "cpus" };
    xlnuma_ctx *ctx = r->ctx;
    char path[PATH_LEN];
    xlnuma_bitmap b;
    int rc = 0;

    xlnuma_bitmap_init(&b);
    for (size_t i = 0; i < pools->u.array.len && !rc; i++) {
        yajl_val p = pools->u.array.values[i];
        const char *name = NULL, *sched = NULL;
        long long id;

        snprintf(path, sizeof(path), "$.pools[%zu]", i);
        rc = check_keys(ctx, p, path, keys, ARRAY_SIZE(keys));
        if (!rc)
            rc = get_int(ctx, p, path, "id", 0, INT_MAX, false, &id);
        if (!rc)
            rc = get_str(ctx, p, path, "name", true, &name);
        if (!rc && !YAJL_IS_NULL(get(p, "sched")))
            rc = get_str(ctx, p, path, "sched", false, &sched);
        if (!rc)
            rc = get_map(ctx, p, path, "cpus", NULL, r->nr_cpus, &b);
        if (!rc)
            rc = xlnuma_host_add_pool(ctx, r->h, (unsigned)id, name, sched,
                                      &b);
    }
    xlnuma_bitmap_dispose(&b);
    return rc;
}

static int r_vcpus(reader *r, yajl_val dom, const char *dpath,
                   xlnuma_domain *d)
{
    static const char *const keys[] = {
        "id", "cpu", "online", "hard", "soft",
    };
    xlnuma_ctx *ctx = r->ctx;
    yajl_val list = get(dom, "vcpus"), nr = get(dom, "nr_vcpus");
    char path[PATH_LEN + 32];
    xlnuma_bitmap hard, soft;
    long long n;
    int rc;

    xlnuma_bitmap_init(&hard);
    xlnuma_bitmap_init(&soft);
    if (list && (nr || get(dom, "hard") || get(dom, "soft"))) {
        LOG(ERROR, "state: %s has both \"vcpus\" and the compact form "
            "(\"nr_vcpus\", \"hard\", \"soft\")", dpath);
        return XLNUMA_ERROR_PARSE;
    }
    if (!list && !nr) {
        LOG(ERROR, "state: %s has neither \"vcpus\" nor \"nr_vcpus\"", dpath);
        return XLNUMA_ERROR_PARSE;
    }
    if (list) {
        rc = get_array(ctx, dom, dpath, "vcpus", true, &list);
        if (rc)
            return rc;
        n = (long long)list->u.array.len;
        if (n > XLNUMA_MAX_VCPUS) {
            LOG(ERROR, "state: %s has %lld vCPUs (at most %u)", dpath, n,
                XLNUMA_MAX_VCPUS);
            return XLNUMA_ERROR_RANGE;
        }
    } else {
        rc = v_int(ctx, nr, dpath, "nr_vcpus", 0, XLNUMA_MAX_VCPUS, false,
                   &n);
        if (rc)
            return rc;
    }
    snprintf(path, sizeof(path), "state: %s", dpath);
    rc = xlnuma__vcpu_room(ctx, &r->nr_vcpus, (uint64_t)n, r->nr_cpus, path);
    if (rc)
        return rc;
    if (!list) {
        rc = get_map(ctx, dom, dpath, "hard", "all", r->nr_cpus, &hard);
        if (!rc)
            rc = get_map(ctx, dom, dpath, "soft", "all", r->nr_cpus, &soft);
        if (rc)
            goto out;
    }
    if (n) {
        d->vcpus = calloc((size_t)n, sizeof(*d->vcpus));
        if (!d->vcpus) {
            rc = XLNUMA_ERROR_NOMEM;
            goto out;
        }
    }
    for (long long i = 0; i < n; i++) {
        xlnuma_vcpu *v = &d->vcpus[i];
        yajl_val o;
        long long id, cpu;

        xlnuma_vcpu_init(v);
        d->nr_vcpus = (unsigned)i + 1;
        v->id = (unsigned)i;
        if (!list) {
            rc = xlnuma_bitmap_copy(&v->hard, &hard);
            if (!rc)
                rc = xlnuma_bitmap_copy(&v->soft, &soft);
            if (rc)
                goto out;
            continue;
        }
        o = list->u.array.values[i];
        snprintf(path, sizeof(path), "%s.vcpus[%lld]", dpath, i);
        rc = check_keys(ctx, o, path, keys, ARRAY_SIZE(keys));
        if (!rc)
            rc = get_int(ctx, o, path, "id", 0, XLNUMA_MAX_VCPUS - 1, false,
                         &id);
        if (rc)
            goto out;
        if (id != i) {
            LOG(ERROR, "state: %s.id is %lld; vCPUs are listed from 0 in "
                "order", path, id);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
        rc = get(o, "cpu") ? get_int(ctx, o, path, "cpu", -1, INT_MAX, true,
                                     &cpu) : 0;
        if (rc)
            goto out;
        v->cpu = get(o, "cpu") ? (int)cpu : XLNUMA_NO_CPU;
        if ((o = get(o, "online")) != NULL) {
            if (!YAJL_IS_TRUE(o) && !YAJL_IS_FALSE(o)) {
                LOG(ERROR, "state: %s.online must be true or false, not %s",
                    path, type_name(o));
                rc = XLNUMA_ERROR_PARSE;
                goto out;
            }
            v->online = YAJL_IS_TRUE(o);
        }
        o = list->u.array.values[i];
        rc = get_map(ctx, o, path, "hard", "all", r->nr_cpus, &v->hard);
        if (!rc)
            rc = get_map(ctx, o, path, "soft", "all", r->nr_cpus, &v->soft);
        if (rc)
            goto out;
    }
    rc = 0;
 out:
    xlnuma_bitmap_dispose(&hard);
    xlnuma_bitmap_dispose(&soft);
    return rc;
}

static int r_domains(reader *r, yajl_val doms)
{
    static const char *const keys[] = {
        "id", "name", "pool", "mem_kib", "node_affinity", "vcpus",
        "nr_vcpus", "hard", "soft", "pages_total", "pages_per_node",
    };
    xlnuma_ctx *ctx = r->ctx;
    char path[PATH_LEN];
    xlnuma_domain d;
    int rc = 0;

    xlnuma_domain_init(&d);
    for (size_t i = 0; i < doms->u.array.len && !rc; i++) {
        yajl_val o = doms->u.array.values[i], ppn, pt;
        const char *name;
        long long id, pool, mem, v;

        xlnuma_domain_dispose(&d);
        snprintf(path, sizeof(path), "$.domains[%zu]", i);
        rc = check_keys(ctx, o, path, keys, ARRAY_SIZE(keys));
        if (!rc)
            rc = get_int(ctx, o, path, "id", 0, MAX_DOMID, false, &id);
        if (!rc)
            rc = get_str(ctx, o, path, "name", true, &name);
        if (!rc)
            rc = get_int(ctx, o, path, "pool", 0, INT_MAX, false, &pool);
        if (!rc)
            rc = get_int(ctx, o, path, "mem_kib", 0, XLNUMA_MAX_KIB, false,
                         &mem);
        if (rc)
            break;
        if (!*name) {
            LOG(ERROR, "state: %s.name is empty", path);
            rc = XLNUMA_ERROR_PARSE;
            break;
        }
        d.domid = (uint32_t)id;
        d.pool = (unsigned)pool;
        d.mem_kib = (uint64_t)mem;
        d.name = strdup(name);
        if (!d.name) {
            rc = XLNUMA_ERROR_NOMEM;
            break;
        }
        rc = get_map(ctx, o, path, "node_affinity", "", r->nr_nodes,
                     &d.node_affinity);
        if (!rc)
            rc = r_vcpus(r, o, path, &d);
        if (!rc)
            rc = get_array(ctx, o, path, "pages_per_node", false, &ppn);
        if (rc)
            break;
        if ((pt = get(o, "pages_total")) != NULL) {
            rc = v_int(ctx, pt, path, "pages_total", 0, XLNUMA_MAX_KIB / 4,
                       false, &v);
            if (rc)
                break;
            d.pages_total = (uint64_t)v;
        }
        if (ppn && ppn->u.array.len) {
            uint64_t sum = 0;

            if (ppn->u.array.len > r->nr_nodes) {
                LOG(ERROR, "state: %s.pages_per_node has %zu entries for %u "
                    "nodes", path, ppn->u.array.len, r->nr_nodes);
                rc = XLNUMA_ERROR_INCONSISTENT;
                break;
            }
            d.pages_per_node = calloc(ppn->u.array.len, sizeof(uint64_t));
            if (!d.pages_per_node) {
                rc = XLNUMA_ERROR_NOMEM;
                break;
            }
            d.nr_pages = (unsigned)ppn->u.array.len;
            for (size_t j = 0; j < ppn->u.array.len && !rc; j++) {
                char key[40];

                snprintf(key, sizeof(key), "pages_per_node[%zu]", j);
                rc = v_int(ctx, ppn->u.array.values[j], path, key, 0,
                           XLNUMA_MAX_KIB / 4, false, &v);
                d.pages_per_node[j] = (uint64_t)v;
                sum += (uint64_t)v;
            }
            if (rc)
                break;
            if (!pt)
                d.pages_total = sum;
        }
        rc = xlnuma_host_add_domain(ctx, r->h, &d);
    }
    xlnuma_domain_dispose(&d);
    return rc;
}

/* yajl builds its tree with a stack but frees it recursively, so a
 * document of a few MiB of '[' overflows the C stack.  A state file is
 * 4 levels deep: refuse anything deeper than MAX_DEPTH before yajl. */
#define MAX_DEPTH 32u

static int check_depth(xlnuma_ctx *ctx, const char *text)
{
    unsigned depth = 0, line = 1;
    bool in_string = false;

    for (const char *p = text; *p; p++) {
        if (*p == '\n')
            line++;
        if (in_string) {
            if (*p == '\\' && p[1] && p[1] != '\n')
                p++;
            else if (*p == '"')
                in_string = false;
            continue;
        }
        if (*p == '"') {
            in_string = true;
        } else if (*p == '[' || *p == '{') {
            if (++depth > MAX_DEPTH) {
                LOG(ERROR, "state: line %u: nested deeper than %u levels; "
                    "not a state file", line, MAX_DEPTH);
                return XLNUMA_ERROR_PARSE;
            }
        } else if ((*p == ']' || *p == '}') && depth) {
            depth--;
        }
    }
    return 0;
}

int xlnuma_host_from_json(xlnuma_ctx *ctx, const char *text,
                          xlnuma_host **host_r)
{
    static const char *const keys[] = {
        "format", "version", "nodes", "dma_bits", "cpus", "pools", "domains",
    };
    reader r = { .ctx = ctx, .h = NULL, .nr_nodes = 0, .nr_cpus = 0,
                 .nr_vcpus = 0 };
    yajl_val root = NULL, nodes, cpus, pools, doms, v;
    char err[1024];
    const char *fmt;
    long long n;
    int rc;

    if (!text || !host_r) {
        LOG(ERROR, "state: no text");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    rc = check_depth(ctx, text);
    if (rc)
        goto out;
    err[0] = '\0';
    root = yajl_tree_parse(text, err, sizeof(err));
    if (!root) {
        char *nl;

        while ((nl = strchr(err, '\n')) != NULL)
            *nl = ' ';
        LOG(ERROR, "state: not valid JSON: %s", err[0] ? err : "?");
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    rc = check_keys(ctx, root, "$", keys, ARRAY_SIZE(keys));
    if (rc)
        goto out;
    rc = get_str(ctx, root, "$", "format", true, &fmt);
    if (rc)
        goto out;
    if (strcmp(fmt, STATE_FORMAT)) {
        LOG(ERROR, "state: format is \"%s\", expected \"" STATE_FORMAT "\"",
            fmt);
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    v = get(root, "version");
    if (!v) {
        rc = missing(ctx, "$", "version");
        goto out;
    }
    if (!YAJL_IS_INTEGER(v) || v->u.number.i != STATE_VERSION) {
        LOG(ERROR, "state: version %s is not supported (this library reads "
            "version %d)", YAJL_IS_NUMBER(v) ? v->u.number.r : "?",
            STATE_VERSION);
        rc = XLNUMA_ERROR_RANGE;
        goto out;
    }
    rc = get_array(ctx, root, "$", "nodes", true, &nodes);
    if (!rc)
        rc = get_array(ctx, root, "$", "cpus", true, &cpus);
    if (!rc)
        rc = get_array(ctx, root, "$", "pools", false, &pools);
    if (!rc)
        rc = get_array(ctx, root, "$", "domains", false, &doms);
    if (rc)
        goto out;
    rc = xlnuma_host_alloc(ctx, &r.h);
    if (rc)
        goto out;
    rc = r_nodes(&r, nodes);
    if (rc)
        goto out;
    if ((v = get(root, "dma_bits")) != NULL) {
        rc = v_int(ctx, v, "$", "dma_bits", 0, 64, false, &n);
        if (!rc)
            rc = xlnuma_host_set_dma_bits(ctx, r.h, (unsigned)n);
        if (rc)
            goto out;
    }
    rc = r_cpus(&r, cpus);
    if (!rc && pools)
        rc = r_pools(&r, pools);
    if (!rc && doms)
        rc = r_domains(&r, doms);
    if (!rc)
        rc = xlnuma_host_finish(ctx, r.h);
    if (rc)
        goto out;
    *host_r = r.h;
    r.h = NULL;
 out:
    xlnuma_host_free(r.h);
    if (root)
        yajl_tree_free(root);
    return rc;
}
