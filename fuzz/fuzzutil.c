/* SPDX-License-Identifier: LGPL-2.1-only */
/* fuzzutil.c: the logger, input splitting and oracles of the harnesses. */
#include <stdarg.h>
#include <string.h>

#include "fuzz.h"

static struct {
    xentoollog_logger vtable;
    unsigned errors;
    char last[1024];
} logger;

static void log_vmessage(xentoollog_logger *lg, xentoollog_level level,
                         int errnoval, const char *context,
                         const char *format, va_list al)
{
    /* Format every message: a bad argument shows up under ASan. */
    vsnprintf(logger.last, sizeof(logger.last), format, al);
    if (level >= XTL_ERROR)
        logger.errors++;
}

static void log_progress(xentoollog_logger *lg, const char *context,
                         const char *doing_what, int percent,
                         unsigned long done, unsigned long total)
{
}

static void log_destroy(xentoollog_logger *lg)
{
}

xentoollog_logger *fuzz_logger(void)
{
    logger.vtable.vmessage = log_vmessage;
    logger.vtable.progress = log_progress;
    logger.vtable.destroy = log_destroy;
    return &logger.vtable;
}

xlnuma_ctx *fuzz_ctx(void)
{
    static xlnuma_ctx *ctx;

    if (!ctx)
        FUZZ_ASSERT(!xlnuma_ctx_alloc(&ctx, fuzz_logger()),
                    "cannot allocate a ctx");
    return ctx;
}

void fuzz_log_reset(void)
{
    logger.errors = 0;
    logger.last[0] = '\0';
}

unsigned fuzz_log_errors(void)
{
    return logger.errors;
}

const char *fuzz_log_last(void)
{
    return logger.last;
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s)
        return NULL;
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

int fuzz_split(const uint8_t *data, size_t size, unsigned max,
               char **pieces, unsigned *nr_r)
{
    unsigned nr = 0;
    size_t start = 0;

    while (nr < max) {
        const uint8_t *nul = nr + 1 < max && start < size ?
                             memchr(data + start, '\0', size - start) : NULL;
        size_t end = nul ? (size_t)(nul - data) : size;

        pieces[nr] = fuzz_strndup(data + start, end - start);
        if (!pieces[nr]) {
            fuzz_split_free(pieces, nr);
            return -1;
        }
        nr++;
        if (!nul)
            break;
        start = end + 1;
    }
    *nr_r = nr;
    return 0;
}

void fuzz_split_free(char **pieces, unsigned nr)
{
    for (unsigned i = 0; i < nr; i++)
        free(pieces[i]);
}

void fuzz_check_rc(int rc, const char *what)
{
    FUZZ_ASSERT(rc <= 0 && strcmp(xlnuma_error_name(rc), "UNKNOWN"),
                "%s: rc %d is not an XLNUMA_ERROR_* code", what, rc);
    FUZZ_ASSERT(!rc || rc == XLNUMA_ERROR_NOMEM || fuzz_log_errors(),
                "%s: failed with %s but logged no error", what,
                xlnuma_error_name(rc));
}

void fuzz_check_host(const xlnuma_host *h, const char *what)
{
    xlnuma_ctx *ctx = fuzz_ctx();
    xlnuma_host *again = NULL;
    char *json = NULL, *json2 = NULL;
    int rc;

    fuzz_log_reset();
    rc = xlnuma_host_to_json(ctx, h, &json);
    /* JSON holds UTF-8 only; xl prints a domain's name as it is. */
    if (rc == XLNUMA_ERROR_NOMEM ||
        (rc == XLNUMA_ERROR_INVAL && strstr(fuzz_log_last(), "UTF-8")))
        return;
    FUZZ_ASSERT(!rc, "%s: a host that loaded cannot be written: %s (%s)",
                what, xlnuma_error_name(rc), fuzz_log_last());
    rc = xlnuma_host_from_json(ctx, json, &again);
    FUZZ_ASSERT(!rc || rc == XLNUMA_ERROR_NOMEM,
                "%s: the JSON written does not load: %s (%s)\n%s", what,
                xlnuma_error_name(rc), fuzz_log_last(), json);
    if (again) {
        rc = xlnuma_host_to_json(ctx, again, &json2);
        FUZZ_ASSERT(rc || !strcmp(json, json2),
                    "%s: JSON round trip differs:\n%s\n----\n%s", what, json,
                    json2);
    }
    free(json2);
    free(json);
    xlnuma_host_free(again);
}

void fuzz_exercise_host(const xlnuma_host *h, const char *what)
{
    xlnuma_ctx *ctx = fuzz_ctx();
    xlnuma_request req;
    xlnuma_result res;
    int rc;

    /* A million pCPUs in a few bytes of numactl text are the parser's
     * business; 45 MB of JSON and back again would only slow the fuzzer
     * past its timeout (14000 pCPUs took 7 s under ASan: yajl and the
     * host builder grow their arrays one element at a time). */
    if (xlnuma_host_nr_cpus(h) > 4096)
        return;
    fuzz_check_host(h, what);

    xlnuma_request_init(&req);
    xlnuma_result_init(&res);
    req.need_kib = UINT64_C(1) << 20;       /* 1 GiB */
    req.vcpus = 2;
    req.max_steps = 20000;
    fuzz_log_reset();
    rc = xlnuma_place(ctx, h, &req, &res);
    /* INVAL: no Pool-0, say; the engine said why. */
    fuzz_check_rc(rc, "xlnuma_place");
    if (!rc && res.outcome == XLNUMA_PLACED) {
        unsigned nr_nodes = xlnuma_host_nr_nodes(h);
        uint64_t free_kib = 0;

        FUZZ_ASSERT(!xlnuma_bitmap_is_empty(&res.best.nodes),
                    "%s: placed on no node", what);
        xlnuma_bitmap_for_each(n, &res.best.nodes) {
            FUZZ_ASSERT((unsigned)n < nr_nodes, "%s: placed on node %d of "
                        "%u", what, n, nr_nodes);
            free_kib += xlnuma_host_node(h, (unsigned)n)->memfree_kib;
        }
        FUZZ_ASSERT(free_kib >= req.need_kib && res.best.nr_cpus >= req.vcpus,
                    "%s: placed where %llu KiB and %u pCPUs are", what,
                    (unsigned long long)free_kib, res.best.nr_cpus);
    }
    xlnuma_result_dispose(&res);
    xlnuma_request_dispose(&req);
}

const xlnuma_host *fuzz_small_host(void)
{
    static xlnuma_host *h;
    xlnuma_ctx *ctx = fuzz_ctx();
    xlnuma_bitmap cpus;
    xlnuma_domain d;
    int rc = 0;

    if (h)
        return h;
    xlnuma_bitmap_init(&cpus);
    xlnuma_domain_init(&d);
    rc = xlnuma_host_alloc(ctx, &h);
    for (unsigned n = 0; !rc && n < 4; n++)
        rc = xlnuma_host_add_node(ctx, h, n, UINT64_C(4) << 20,
                                  (UINT64_C(3) - (n & 1)) << 20);
    for (unsigned a = 0; !rc && a < 4; a++)
        for (unsigned b = 0; !rc && b < 4; b++)
            rc = xlnuma_host_set_distance(ctx, h, a, b, a == b ? 10 : 20);
    for (unsigned c = 0; !rc && c < 12; c++)
        rc = xlnuma_host_add_cpu(ctx, h, c, (int)c / 2, (int)c / 4,
                                 c < 8 ? (int)c / 4 : 3);
    if (!rc)
        rc = xlnuma_host_add_cpu(ctx, h, 12, 6, 3, XLNUMA_NO_NODE);
    for (unsigned c = 0; !rc && c < 8; c++)
        rc = xlnuma_bitmap_set(&cpus, c);
    if (!rc)
        rc = xlnuma_host_add_pool(ctx, h, 0, "Pool-0", "credit2", &cpus);
    xlnuma_bitmap_clear(&cpus);
    for (unsigned c = 8; !rc && c < 12; c++)
        rc = xlnuma_bitmap_set(&cpus, c);
    if (!rc)
        rc = xlnuma_host_add_pool(ctx, h, 1, "pool1", "credit", &cpus);
    if (!rc) {
        d.domid = 0;
        d.name = strdup("Domain-0");
        d.mem_kib = UINT64_C(1) << 20;
        d.nr_vcpus = 2;
        d.vcpus = calloc(2, sizeof(*d.vcpus));
        rc = d.name && d.vcpus ? 0 : XLNUMA_ERROR_NOMEM;
        for (unsigned v = 0; !rc && v < 2; v++) {
            xlnuma_vcpu_init(&d.vcpus[v]);
            d.vcpus[v].id = v;
            d.vcpus[v].cpu = (int)v;
            d.vcpus[v].online = true;
            rc = xlnuma_bitmap_set(&d.vcpus[v].hard, v);
        }
    }
    if (!rc)
        rc = xlnuma_host_add_domain(ctx, h, &d);
    if (!rc)
        rc = xlnuma_host_finish(ctx, h);
    FUZZ_ASSERT(!rc, "cannot build the small host: %s (%s)",
                xlnuma_error_name(rc), fuzz_log_last());
    xlnuma_domain_dispose(&d);
    xlnuma_bitmap_dispose(&cpus);
    return h;
}
