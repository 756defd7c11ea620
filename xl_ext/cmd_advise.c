/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * cmd_advise.c: xl-numa advise -- numad-style rebalance advice for the
 * running guests of a host (libxl_numa/advise.c decides), and with
 * --apply the moves made: each advised guest's vCPUs get the new soft
 * affinity, through libxl on a live host, or in a JSON state file.
 *
 * Xen cannot move a running guest's memory between nodes, so the advice
 * never does: it brings the vCPUs to the memory.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "xl_numa.h"

#define NOTE "Xen cannot move a running guest's memory between nodes: " \
             "each move brings the guest's vCPUs to its memory (their "  \
             "soft affinity)"

/* ppm -> whole per cent, rounded. */
static unsigned pct(uint32_t ppm)
{
    return (ppm + 5000) / 10000;
}

/* "node 1", "nodes 0-1" */
static void print_nodes(FILE *f, const xlnuma_bitmap *nodes)
{
    char *s = format_list(nodes, "");

    fprintf(f, "node%s %s", xlnuma_bitmap_count(nodes) == 1 ? "" : "s",
            s ? (*s ? s : "none") : "?");
    free(s);
}

/* thousandths -> "2.5" */
static void print_milli(FILE *f, uint64_t m)
{
    uint64_t tenths = (m + 50) / 100;

    fprintf(f, "%" PRIu64 ".%" PRIu64, tenths / 10, tenths % 10);
}

static void print_advice_text(FILE *f, const xlnuma_host *h,
                              const xlnuma_advice *a, const bool *applied)
{
    const xlnuma_domain *d = xlnuma_host_domain(h, a->domain);

    fprintf(f, "domain %s (%" PRIu32 "): ", d->name, a->domid);
    switch (a->kind) {
    case XLNUMA_ADVICE_MOVE:
        fputs("move soft affinity from ", f);
        print_nodes(f, &a->from_nodes);
        fputs(" to ", f);
        print_nodes(f, &a->to_nodes);
        fprintf(f, " (memory local %u%% -> %u%%)\n", pct(a->local_now_ppm),
                pct(a->local_after_ppm));
        fputs("  load:     ", f);
        print_milli(f, a->load_before_milli);
        fputs(" -> ", f);
        print_milli(f, a->load_after_milli);
        fprintf(f, " expected vCPUs on the %u pCPU%s of ", a->to_nr_cpus,
                a->to_nr_cpus == 1 ? "" : "s");
        print_nodes(f, &a->to_nodes);
        fputc('\n', f);
        if (a->hard_limited)
            fprintf(f, "  note:     a new hard affinity (xl vcpu-pin) could "
                    "bring it to %u%%\n", pct(a->local_free_ppm));
        if (applied && *applied) {
            char *cpus = format_list(&a->to_cpus, "");

            fprintf(f, "  applied:  every vCPU's soft affinity is pCPUs %s\n",
                    cpus ? cpus : "?");
            free(cpus);
        }
        break;
    case XLNUMA_ADVICE_KEEP:
        fprintf(f, "keep: memory local %u%% (vCPUs on ", pct(a->local_now_ppm));
        print_nodes(f, &a->from_nodes);
        fputs(", memory on ", f);
        print_nodes(f, &a->memory_nodes);
        fputs(")\n", f);
        break;
    case XLNUMA_ADVICE_BUSY:
        fputs("keep: moving its soft affinity from ", f);
        print_nodes(f, &a->from_nodes);
        fputs(" to ", f);
        print_nodes(f, &a->to_nodes);
        fprintf(f, " would make memory local %u%% -> %u%% but put ",
                pct(a->local_now_ppm), pct(a->local_after_ppm));
        print_milli(f, a->load_after_milli);
        fprintf(f, " expected vCPUs on %u pCPU%s (now ", a->to_nr_cpus,
                a->to_nr_cpus == 1 ? "" : "s");
        print_milli(f, a->load_before_milli);
        fputs(")\n", f);
        break;
    case XLNUMA_ADVICE_HARD:
        fputs("its hard affinity keeps its vCPUs on ", f);
        print_nodes(f, &a->from_nodes);
        fputs(" and its memory is on ", f);
        print_nodes(f, &a->memory_nodes);
        fprintf(f, " (memory local %u%%, %u%% possible): only a new hard "
                "affinity (xl vcpu-pin) can bring them together\n",
                pct(a->local_now_ppm), pct(a->local_free_ppm));
        break;
    case XLNUMA_ADVICE_NO_PAGES:
        fputs("no advice: its pages per node are unknown (capture Xen's "
              "debug key u: xl debug-keys u; xl dmesg)\n", f);
        break;
    case XLNUMA_ADVICE_DOM0:
        fputs("left alone: Domain-0 is placed by Xen's command line "
              "(dom0_nodes=, dom0_vcpus_pin)\n", f);
        break;
    }
}

static int print_list_text(FILE *f, const char *source, const xlnuma_host *h,
                           const xlnuma_advice_list *l, const bool *applied,
                           bool apply)
{
    unsigned moves = 0, done = 0;

    fprintf(f, "advice for %s\nnote:       %s\n", source, NOTE);
    for (unsigned i = 0; i < l->nr_advice; i++) {
        print_advice_text(f, h, &l->advice[i], applied ? &applied[i] : NULL);
        moves += l->advice[i].kind == XLNUMA_ADVICE_MOVE;
        done += applied && applied[i];
    }
    if (!moves)
        fputs("no move advised\n", f);
    else if (apply)
        fprintf(f, "%u move%s advised, %u applied\n", moves,
                moves == 1 ? "" : "s", done);
    else
        fprintf(f, "%u move%s advised (--apply makes %s)\n", moves,
                moves == 1 ? "" : "s", moves == 1 ? "it" : "them");
    return 0;
}

/* ---- JSON ---- */

#define S(g, s) yajl_gen_string((g), (const unsigned char *)(s), strlen(s))
#define I(g, v) yajl_gen_integer((g), (long long)(v))

static void key_ids(yajl_gen g, const char *k, const xlnuma_bitmap *b)
{
    S(g, k);
    yajl_gen_array_open(g);
    xlnuma_bitmap_for_each(i, b)
        I(g, i);
    yajl_gen_array_close(g);
}

static void key_int(yajl_gen g, const char *k, long long v)
{
    S(g, k);
    I(g, v);
}

static int print_list_json(FILE *f, const char *source, const xlnuma_host *h,
                           const xlnuma_advice_list *l, const bool *applied)
{
    const unsigned char *buf;
    unsigned moves = 0, done = 0;
    size_t len;
    yajl_gen g = yajl_gen_alloc(NULL);

    if (!g) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
    yajl_gen_map_open(g);
    S(g, "advice");
    yajl_gen_array_open(g);
    for (unsigned i = 0; i < l->nr_advice; i++) {
        const xlnuma_advice *a = &l->advice[i];
        const xlnuma_domain *d = xlnuma_host_domain(h, a->domain);
        bool moved = a->kind == XLNUMA_ADVICE_MOVE;
        char *cpus = format_list(&a->to_cpus, "");

        yajl_gen_map_open(g);
        S(g, "domain");
        S(g, d->name);
        key_int(g, "domid", a->domid);
        S(g, "action");
        S(g, xlnuma_advice_kind_name(a->kind));
        key_ids(g, "memory_nodes", &a->memory_nodes);
        key_ids(g, "from_nodes", &a->from_nodes);
        key_ids(g, "to_nodes", &a->to_nodes);
        S(g, "to_cpus");
        S(g, cpus ? cpus : "");
        free(cpus);
        key_int(g, "local_now_ppm", a->local_now_ppm);
        key_int(g, "local_after_ppm", a->local_after_ppm);
        key_int(g, "local_free_ppm", a->local_free_ppm);
        S(g, "hard_limited");
        yajl_gen_bool(g, a->hard_limited);
        key_int(g, "load_before_milli", (long long)a->load_before_milli);
        key_int(g, "load_after_milli", (long long)a->load_after_milli);
        key_int(g, "to_nr_cpus", a->to_nr_cpus);
        if (d->pages_per_node) {
            S(g, "pages_per_node");
            yajl_gen_array_open(g);
            for (unsigned n = 0; n < d->nr_pages; n++)
                I(g, (long long)d->pages_per_node[n]);
            yajl_gen_array_close(g);
        }
        S(g, "applied");
        yajl_gen_bool(g, applied && applied[i]);
        yajl_gen_map_close(g);
        moves += moved;
        done += applied && applied[i];
    }
    yajl_gen_array_close(g);
    S(g, "source");
    S(g, source);
    S(g, "note");
    S(g, NOTE);
    key_int(g, "nr_moves", moves);
    key_int(g, "nr_applied", done);
    yajl_gen_map_close(g);
    if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
        yajl_gen_free(g);
        cli_err("cannot produce the JSON output");
        return XL_NUMA_EXIT_ERROR;
    }
    json_write_folded(f, buf, len);
    if (len && buf[len - 1] != '\n')
        fputc('\n', f);
    yajl_gen_free(g);
    return 0;
}

/* ---- --apply ---- */

/* A deep copy of a host's domain, for a state file's new copy. */
static int domain_copy(const xlnuma_domain *src, xlnuma_domain *dst)
{
    dst->domid = src->domid;
    dst->pool = src->pool;
    dst->mem_kib = src->mem_kib;
    dst->name = strdup(src->name);
    if (!dst->name || xlnuma_bitmap_copy(&dst->node_affinity,
                                         &src->node_affinity))
        return XL_NUMA_EXIT_ERROR;
    if (src->nr_vcpus) {
        dst->vcpus = calloc(src->nr_vcpus, sizeof(*dst->vcpus));
        if (!dst->vcpus)
            return XL_NUMA_EXIT_ERROR;
        for (unsigned v = 0; v < src->nr_vcpus; v++)
            xlnuma_vcpu_init(&dst->vcpus[v]);
        dst->nr_vcpus = src->nr_vcpus;
        for (unsigned v = 0; v < src->nr_vcpus; v++) {
            const xlnuma_vcpu *sv = &src->vcpus[v];
            xlnuma_vcpu *dv = &dst->vcpus[v];

            dv->id = sv->id;
            dv->cpu = sv->cpu;
            dv->online = sv->online;
            if (xlnuma_bitmap_copy(&dv->hard, &sv->hard) ||
                xlnuma_bitmap_copy(&dv->soft, &sv->soft))
                return XL_NUMA_EXIT_ERROR;
        }
    }
    if (src->pages_per_node) {
        dst->pages_per_node = calloc(src->nr_pages ? src->nr_pages : 1,
                                     sizeof(*dst->pages_per_node));
        if (!dst->pages_per_node)
            return XL_NUMA_EXIT_ERROR;
        memcpy(dst->pages_per_node, src->pages_per_node,
               src->nr_pages * sizeof(*dst->pages_per_node));
        dst->nr_pages = src->nr_pages;
        dst->pages_total = src->pages_total;
    }
    return 0;
}

/* The state file with every MOVE made: a copy of the host whose domains
 * are re-added in their order, the moved ones with the new soft
 * affinity, saved atomically. */
static int apply_state(const hostarg *ha, const xlnuma_advice_list *l,
                       bool *applied)
{
    const xlnuma_host *h = ha->host;
    xlnuma_host *copy = NULL;
    xlnuma_domain dom;
    int rc = 0, ret = XL_NUMA_EXIT_ERROR;

    xlnuma_domain_init(&dom);
    rc = xlnuma_host_dup(cli.ctx, h, &copy);
    for (unsigned i = 0; !rc && i < xlnuma_host_nr_domains(h); i++)
        rc = xlnuma_host_remove_domain(cli.ctx, copy,
                                       xlnuma_host_domain(h, i)->name);
    if (rc)
        goto lib_failed;
    for (unsigned i = 0; i < l->nr_advice; i++) {
        const xlnuma_advice *a = &l->advice[i];

        if (domain_copy(xlnuma_host_domain(h, a->domain), &dom)) {
            cli_err("out of memory");
            goto out;
        }
        if (a->kind == XLNUMA_ADVICE_MOVE)
            for (unsigned v = 0; v < dom.nr_vcpus; v++)
                if (xlnuma_bitmap_copy(&dom.vcpus[v].soft, &a->to_cpus)) {
                    cli_err("out of memory");
                    goto out;
                }
        rc = xlnuma_host_add_domain(cli.ctx, copy, &dom);
        if (rc)
            goto lib_failed;
        xlnuma_domain_dispose(&dom);
        xlnuma_domain_init(&dom);
    }
    rc = xlnuma_host_finish(cli.ctx, copy);
    if (!rc)
        rc = xlnuma_host_save(cli.ctx, copy, ha->source);
    if (rc)
        goto lib_failed;
    for (unsigned i = 0; i < l->nr_advice; i++)
        applied[i] = l->advice[i].kind == XLNUMA_ADVICE_MOVE;
    ret = 0;
    goto out;
 lib_failed:
    cli_err("advise: cannot change %s (%s); the file is unchanged",
            ha->source, xlnuma_strerror(rc));
 out:
    xlnuma_domain_dispose(&dom);
    xlnuma_host_free(copy);
    return ret;
}

/* Each MOVE through libxl; the first failure stops there. */
static int apply_live(const hostarg *ha, const xlnuma_advice_list *l,
                      bool *applied)
{
    for (unsigned i = 0; i < l->nr_advice; i++) {
        const xlnuma_advice *a = &l->advice[i];
        int rc;

        if (a->kind != XLNUMA_ADVICE_MOVE)
            continue;
        rc = xlnuma_libxl_set_soft_affinity(cli.ctx, ha->lctx, a->domid,
                                            &a->to_cpus);
        if (rc) {
            cli_err("advise: cannot set the soft affinity of domain %"
                    PRIu32 " (%s)", a->domid, xlnuma_strerror(rc));
            return XL_NUMA_EXIT_XL;
        }
        applied[i] = true;
    }
    return 0;
}

int main_advise(int argc, char **argv)
{
    static const struct option opts[] = {
        { "host",     required_argument, NULL, OPT_HOST },
        { "json",     no_argument,       NULL, OPT_JSON },
        { "apply",    no_argument,       NULL, OPT_APPLY },
        { "min-gain", required_argument, NULL, OPT_MIN_GAIN },
        { "help",     no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *host = NULL;
    bool json = false, apply = false, state = false;
    bool *applied = NULL;
    char *lock_path = NULL;
    int lock_fd = -1, opt, rc, ret, ret2;
    xlnuma_advise_request req;
    xlnuma_advice_list l;
    unsigned gain = 0;
    hostarg ha;

    xlnuma_advise_request_init(&req);
    xlnuma_advice_list_init(&l);
    hostarg_init(&ha);
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            help("advise", stdout);
            ret = XL_NUMA_EXIT_OK;
            goto out;
        case OPT_HOST:
            host = optarg;
            break;
        case OPT_JSON:
            json = true;
            break;
        case OPT_APPLY:
            apply = true;
            break;
        case OPT_MIN_GAIN:
            ret = parse_uint_arg("--min-gain", optarg, 100, &gain);
            if (ret)
                goto out;
            req.min_gain_ppm = gain * 10000;
            break;
        default:
            cli_err("advise: see xl-numa help advise");
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
    }
    if (optind < argc) {
        cli_err("advise: unexpected argument \"%s\"", argv[optind]);
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }

    if (apply) {
        /* Changes go to a live host or a state file, under the lock that
         * create takes, so that no placement reads a host half-moved. */
        if (host && strcmp(host, "live")) {
            state = path_is_json_state(host);
            if (!state) {
                cli_err("advise: --apply changes a live host (--host live) "
                        "or a JSON state file; %s is neither", host);
                ret = XL_NUMA_EXIT_ERROR;
                goto out;
            }
            if (asprintf(&lock_path, "%s.lock", host) < 0)
                lock_path = NULL;
        } else {
            host = "live";
            lock_path = strdup(live_lock_path());
        }
        if (!lock_path) {
            cli_err("out of memory");
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
        ret = lock_take(lock_path, &lock_fd);
        if (ret)
            goto out;
    }

    ret = hostarg_resolve(host, &ha);
    if (ret)
        goto out;
    rc = xlnuma_advise(cli.ctx, ha.host, &req, &l);
    if (rc) {
        cli_err("advise: %s", xlnuma_strerror(rc));
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    applied = calloc(l.nr_advice ? l.nr_advice : 1, sizeof(*applied));
    if (!applied) {
        cli_err("out of memory");
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    ret = 0;
    if (apply) {
        bool any = false;

        for (unsigned i = 0; i < l.nr_advice; i++)
            any |= l.advice[i].kind == XLNUMA_ADVICE_MOVE;
        if (any)
            ret = state ? apply_state(&ha, &l, applied)
                        : apply_live(&ha, &l, applied);
    }
    /* What was advised and what was done, also after a failure. */
    ret2 = json ? print_list_json(stdout, ha.source, ha.host, &l, applied)
                : print_list_text(stdout, ha.source, ha.host, &l, applied,
                                  apply);
    if (!ret)
        ret = ret2;
 out:
    lock_release(lock_fd);
    free(lock_path);
    free(applied);
    xlnuma_advice_list_dispose(&l);
    xlnuma_advise_request_dispose(&req);
    hostarg_dispose(&ha);
    return ret;
}
