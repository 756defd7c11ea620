/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * output_json.c: decisions and hosts as JSON (yajl, as libxl uses).
 *
 * A decision is one object whose top-level keys come last, after the
 * nested candidate objects, and are never repeated inside them under the
 * same name: a reader with no JSON parser (the Xen lab's dom0 shell) can
 * take the last "key": value it sees.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "xl_numa.h"

#define S(g, s) yajl_gen_string((g), (const unsigned char *)(s), strlen(s))
#define I(g, v) yajl_gen_integer((g), (long long)(v))

static void key_str(yajl_gen g, const char *k, const char *v)
{
    S(g, k);
    if (v)
        S(g, v);
    else
        yajl_gen_null(g);
}

static void key_int(yajl_gen g, const char *k, long long v)
{
    S(g, k);
    I(g, v);
}

static void key_list(yajl_gen g, const char *k, const xlnuma_bitmap *b)
{
    char *s = format_list(b, "");

    key_str(g, k, s ? s : "");
    free(s);
}

static void key_ids(yajl_gen g, const char *k, const xlnuma_bitmap *b)
{
    S(g, k);
    yajl_gen_array_open(g);
    xlnuma_bitmap_for_each(i, b)
        I(g, i);
    yajl_gen_array_close(g);
}

static yajl_gen gen_new(void)
{
    yajl_gen g = yajl_gen_alloc(NULL);

    if (!g)
        return NULL;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
    return g;
}

/* yajl's beautifier spreads an empty array or map over three lines;
 * write "[]" and "{}" instead (outside strings, where it cannot matter
 * that a '[' is followed by blanks). */
void json_write_folded(FILE *f, const unsigned char *buf, size_t len)
{
    bool in_string = false, escaped = false;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = buf[i];

        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            size_t j = i + 1;

            while (j < len && isspace(buf[j]))
                j++;
            if (j < len && buf[j] == (c == '[' ? ']' : '}')) {
                fputc(c, f);
                c = buf[j];
                i = j;
            }
        }
        fputc(c, f);
    }
}

static int gen_flush(FILE *f, yajl_gen g)
{
    const unsigned char *buf;
    size_t len;

    if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
        cli_err("cannot produce the JSON output");
        yajl_gen_free(g);
        return XL_NUMA_EXIT_ERROR;
    }
    json_write_folded(f, buf, len);
    if (len && buf[len - 1] != '\n')
        fputc('\n', f);
    yajl_gen_free(g);
    return 0;
}

static void gen_candidate(yajl_gen g, const xlnuma_candidate *c)
{
    key_ids(g, "set", &c->nodes);
    key_int(g, "set_cpus", c->nr_cpus);
    key_int(g, "set_cores", c->nr_cores);
    key_int(g, "set_free_kib", (long long)c->free_kib);
    key_int(g, "set_load", c->load);
    key_int(g, "set_distance", (long long)c->distance);
    key_int(g, "set_max_distance", c->max_distance);
}

static void gen_trace(yajl_gen g, const xlnuma_result *res)
{
    S(g, "candidates");
    yajl_gen_array_open(g);
    for (unsigned i = 0; i < res->nr_trace; i++) {
        const xlnuma_explained *e = &res->trace[i];

        yajl_gen_map_open(g);
        gen_candidate(g, &e->c);
        key_str(g, "verdict", verdict_name(e->verdict));
        switch (e->verdict) {
        case XLNUMA_VERDICT_SHORT_MEMORY:
        case XLNUMA_VERDICT_SHORT_BOTH:
            key_int(g, "short_kib", (long long)e->short_kib);
            if (e->verdict == XLNUMA_VERDICT_SHORT_MEMORY)
                break;
            /* fall through */
        case XLNUMA_VERDICT_SHORT_CPUS:
            key_int(g, "short_cpus", e->short_cpus);
            break;
        case XLNUMA_VERDICT_PRUNED:
            key_int(g, "prefix_len", e->prefix_len);
            key_int(g, "group_size", (long long)e->group_size);
            break;
        default:
            break;
        }
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    S(g, "trace_truncated");
    yajl_gen_bool(g, res->trace_truncated);
}

int print_decision_json(FILE *f, const xlnuma_host *h, const decision *d)
{
    const xlnuma_result *res = &d->res;
    bool placed = d->kind == DECISION_PLACED;
    yajl_gen g = gen_new();

    if (!g) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    yajl_gen_map_open(g);

    /* Nested objects first (see the top of the file). */
    if (d->req.explain && d->have_result) {
        gen_trace(g, res);
        if (res->has_runner_up) {
            const xlnuma_policy *p = res->policy ? res->policy : d->policy;

            S(g, "runner_up");
            yajl_gen_map_open(g);
            gen_candidate(g, &res->runner_up);
            yajl_gen_map_close(g);
            /* The key that made the winner win, in words; "order" when
             * they tie on every key (or the policy has none). */
            key_str(g, "decided_by", p->compare ? "comparator" :
                    xlnuma_key_name(xlnuma_deciding_key(p, &res->best,
                                                        &res->runner_up)));
        }
        key_int(g, "evaluated", (long long)res->nr_evaluated);
        key_int(g, "pruned", (long long)res->nr_pruned);
        key_int(g, "steps", (long long)res->nr_steps);
        if (res->nr_fixed_in || res->nr_fixed_out) {
            /* The reduction: nodes decided before the search. */
            key_int(g, "fixed_in", res->nr_fixed_in);
            key_int(g, "fixed_out", res->nr_fixed_out);
            key_int(g, "load_bound", (long long)res->reduce_bound);
        }
    }
    if (d->overcommit) {
        /* The over-commit guard: what the guest would take from each
         * node judged (guard.c). */
        S(g, "overcommit");
        yajl_gen_array_open(g);
        for (unsigned i = 0; i < d->nr_shares; i++) {
            const node_share *sh = &d->shares[i];

            yajl_gen_map_open(g);
            key_int(g, "oc_node", sh->node);
            key_int(g, "oc_take_kib", (long long)sh->take_kib);
            key_int(g, "oc_free_kib", (long long)sh->free_kib);
            key_int(g, "oc_headroom_kib", (long long)sh->reserve_kib);
            key_int(g, "oc_short_kib", (long long)sh->short_kib);
            yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        S(g, "forced");
        yajl_gen_bool(g, d->forced);
    }
    if (d->vnuma_asked && d->kind == DECISION_PLACED) {
        S(g, "vnodes");
        yajl_gen_array_open(g);
        for (unsigned v = 0; v < d->nr_vnodes; v++) {
            const vnuma_node *vn = &d->vnodes[v];

            yajl_gen_map_open(g);
            key_int(g, "vnode", v);
            key_int(g, "pnode", vn->pnode);
            key_int(g, "size_mib", (long long)vn->size_mib);
            key_int(g, "vnode_first_vcpu", vn->first_vcpu);
            key_int(g, "vnode_vcpus", vn->nr_vcpus);
            S(g, "vdistances");
            yajl_gen_array_open(g);
            for (unsigned w = 0; w < d->nr_vnodes; w++)
                I(g, vn->vdistances[w]);
            yajl_gen_array_close(g);
            yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
    }
    if (d->have_result && res->node_load) {
        S(g, "node_load");
        yajl_gen_array_open(g);
        for (unsigned n = 0; n < res->nr_node_load; n++)
            I(g, res->node_load[n]);
        yajl_gen_array_close(g);
    }

    S(g, "placed");
    yajl_gen_bool(g, placed);
    key_str(g, "outcome", d->kind == DECISION_REFUSED ? "overcommit" :
                          d->have_result ? xlnuma_outcome_name(res->outcome)
                                         : "skipped");
    key_str(g, "reason", d->reason);
    key_str(g, "guest", d->guest_name);
    key_int(g, "need_memkb", (long long)d->req.need_kib);
    key_int(g, "vcpus", d->req.vcpus);
    key_str(g, "policy", d->policy ? d->policy->name : NULL);
    key_str(g, "mode", mode_name(d->mode));
    key_str(g, "pool", d->pool_name);
    if (d->req.headroom_kib || d->req.headroom_pct) {
        key_int(g, "headroom_kib", (long long)d->req.headroom_kib);
        key_int(g, "headroom_pct", d->req.headroom_pct);
    }
    if (!xlnuma_bitmap_is_empty(&d->req.cpus))
        key_list(g, "within", &d->req.cpus);
    if (d->have_result && res->outcome != XLNUMA_SKIP_ONE_NODE) {
        key_int(g, "suitable_nodes", res->nr_suitable_nodes);
        key_int(g, "suitable_cpus", res->nr_suitable_cpus);
        if (d->req.smt_cores) {
            unsigned cores;

            if (guard_suitable_cores(h, &d->req, &cores)) {
                yajl_gen_free(g);
                return XL_NUMA_EXIT_ERROR;
            }
            key_int(g, "suitable_cores", cores);
        }
        key_int(g, "min_nodes", res->min_nodes);
        key_int(g, "max_nodes", res->max_nodes);
        S(g, "exact");
        yajl_gen_bool(g, res->exact);
        if (!res->exact && res->has_gap)
            key_int(g, "gap", (long long)res->gap);
    }
    if (placed) {
        key_ids(g, "nodes", &res->best.nodes);
        key_list(g, "cpus", &res->cpus);
        key_int(g, "nr_cpus", xlnuma_bitmap_count(&res->cpus));
        key_int(g, "nr_cores", res->best.nr_cores);
        key_int(g, "free_memkb", (long long)res->best.free_kib);
        key_int(g, "load", res->best.load);
        key_int(g, "distance", (long long)res->best.distance);
        key_int(g, "max_distance", res->best.max_distance);
    } else {
        S(g, "nodes");
        yajl_gen_array_open(g);
        yajl_gen_array_close(g);
        key_str(g, "cpus", "");
    }
    S(g, "overrides");
    yajl_gen_array_open(g);
    for (unsigned i = 0; i < d->nr_overrides; i++)
        S(g, d->overrides[i]);
    yajl_gen_array_close(g);
    /* Where Xen is expected to put the guest's pages (locality.c). */
    if (d->have_result) {
        S(g, "dma_aware");
        yajl_gen_bool(g, d->req.dma_aware);
        S(g, "dma_fallback");
        yajl_gen_bool(g, res->dma_fallback);
    }
    if (d->have_expect) {
        char pct[LOCALITY_PCT_LEN];

        key_int(g, "expected_pages", (long long)d->expect_pages);
        S(g, "expected_pages_per_node");
        yajl_gen_array_open(g);
        for (unsigned n = 0; n < d->expect_nr; n++)
            I(g, d->expect_per_node[n]);
        yajl_gen_array_close(g);
        locality_pct(d->expect_local, d->expect_pages, pct, sizeof(pct));
        S(g, "expected_local_pct");
        yajl_gen_number(g, pct, strlen(pct));
    }
    if (d->expect_note)
        key_str(g, "expected_note", d->expect_note);
    yajl_gen_map_close(g);
    (void)h;
    return gen_flush(f, g);
}

int print_info_json(FILE *f, const char *source, const xlnuma_host *h)
{
    unsigned nr_nodes = xlnuma_host_nr_nodes(h);
    bool dma = xlnuma_host_dma_known(h);
    unsigned *load = NULL;
    yajl_gen g;
    int ret;

    ret = pool0_node_load(h, &load);
    if (ret)
        return ret;
    g = gen_new();
    if (!g) {
        free(load);
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    yajl_gen_map_open(g);
    key_str(g, "source", source);

    S(g, "nodes");
    yajl_gen_array_open(g);
    for (unsigned n = 0; n < nr_nodes; n++) {
        const xlnuma_node *node = xlnuma_host_node(h, n);

        yajl_gen_map_open(g);
        key_int(g, "id", n);
        key_list(g, "cpus", &node->cpus);
        key_int(g, "memsize_kib", (long long)node->memsize_kib);
        key_int(g, "memfree_kib", (long long)node->memfree_kib);
        if (dma)
            key_int(g, "dmafree_kib", (long long)node->dmafree_kib);
        key_int(g, "runnable_vcpus", load[n]);
        S(g, "distances");
        yajl_gen_array_open(g);
        for (unsigned m = 0; m < nr_nodes; m++)
            I(g, node->distance[m]);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);

    S(g, "pools");
    yajl_gen_array_open(g);
    for (unsigned i = 0; i < xlnuma_host_nr_pools(h); i++) {
        const xlnuma_pool *p = xlnuma_host_pool(h, i);
        xlnuma_bitmap nodes;

        xlnuma_bitmap_init(&nodes);
        yajl_gen_map_open(g);
        key_int(g, "id", p->id);
        key_str(g, "name", p->name);
        key_str(g, "sched", p->sched);
        key_list(g, "cpus", &p->cpus);
        if (!xlnuma_host_cpus_to_nodes(h, &p->cpus, &nodes))
            key_ids(g, "nodes", &nodes);
        yajl_gen_map_close(g);
        xlnuma_bitmap_dispose(&nodes);
    }
    yajl_gen_array_close(g);

    S(g, "domains");
    yajl_gen_array_open(g);
    for (unsigned i = 0; i < xlnuma_host_nr_domains(h); i++) {
        const xlnuma_domain *d = xlnuma_host_domain(h, i);

        yajl_gen_map_open(g);
        key_str(g, "name", d->name);
        key_int(g, "id", d->domid);
        key_int(g, "pool", d->pool);
        key_int(g, "memkb", (long long)d->mem_kib);
        key_int(g, "vcpus", d->nr_vcpus);
        /* An empty node affinity reads as every node. */
        S(g, "nodes");
        yajl_gen_array_open(g);
        for (unsigned n = 0; n < nr_nodes; n++)
            if (xlnuma_bitmap_is_empty(&d->node_affinity) ||
                xlnuma_bitmap_test(&d->node_affinity, n))
                I(g, n);
        yajl_gen_array_close(g);
        if (d->pages_per_node) {
            S(g, "pages_per_node");
            yajl_gen_array_open(g);
            for (unsigned n = 0; n < d->nr_pages; n++)
                I(g, (long long)d->pages_per_node[n]);
            yajl_gen_array_close(g);
            key_int(g, "pages_total", (long long)d->pages_total);
        }
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    free(load);
    return gen_flush(f, g);
}
