/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * cpulist.c: xl's cpu-list syntax (cpus=, cpus_soft=), as
 * tools/xl/xl_parse.c reads it: comma-separated elements applied left to
 * right; each is "all", "N" or "N-M", optionally prefixed by "^" (remove)
 * and then by "node:" or "nodes:" (whole NUMA nodes).
 *
 * Unlike xl, an id the host does not have is an error rather than
 * silently dropped, and so is a list that selects no pCPU at all.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "xl_numa.h"

/* Whole-string decimal, no sign, no blanks. */
static bool parse_id(const char *s, size_t len, unsigned long *v_r)
{
    unsigned long v = 0;

    if (!len)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        if (v > (1ul << 24))
            return false;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    *v_r = v;
    return true;
}

/* "N" or "N-M" over [s, s+len). */
static bool parse_range(const char *s, size_t len, unsigned long *a_r,
                        unsigned long *b_r)
{
    const char *dash = memchr(s, '-', len);

    if (!dash)
        return parse_id(s, len, a_r) && (*b_r = *a_r, true);
    return parse_id(s, (size_t)(dash - s), a_r) &&
           parse_id(dash + 1, len - (size_t)(dash - s) - 1, b_r) &&
           *a_r <= *b_r;
}

static int apply_element(const char *what, const char *spec,
                         const char *el, size_t len, const xlnuma_host *h,
                         xlnuma_bitmap *cpus)
{
    unsigned nr_cpus = xlnuma_host_nr_cpus(h);
    unsigned nr_nodes = xlnuma_host_nr_nodes(h);
    bool is_not = false, is_nodes = false;
    unsigned long a, b;
    const char *p = el;
    size_t n = len;

    if (n && *p == '^') {
        is_not = true;
        p++, n--;
    }
    if (n >= 6 && !strncmp(p, "nodes:", 6)) {
        is_nodes = true;
        p += 6, n -= 6;
    } else if (n >= 5 && !strncmp(p, "node:", 5)) {
        is_nodes = true;
        p += 5, n -= 5;
    }

    if (n == 3 && !strncmp(p, "all", 3)) {
        if (is_not) {
            cli_err("%s=\"%s\": \"%.*s\": \"^\" cannot be combined with "
                    "\"all\"", what, spec, (int)len, el);
            return XL_NUMA_EXIT_ERROR;
        }
        for (unsigned c = 0; c < nr_cpus; c++)
            if (xlnuma_bitmap_set(cpus, c))
                goto nomem;
        return 0;
    }

    if (!parse_range(p, n, &a, &b)) {
        cli_err("%s=\"%s\": \"%.*s\" is not a %s or a range of them "
                "(N, N-M, ^N, node:N, nodes:N-M, all)", what, spec,
                (int)len, el, is_nodes ? "node" : "pCPU");
        return XL_NUMA_EXIT_ERROR;
    }
    if (is_nodes && b >= nr_nodes) {
        cli_err("%s=\"%s\": node %lu does not exist (the host has %u "
                "node%s, 0-%u)", what, spec, b, nr_nodes,
                nr_nodes == 1 ? "" : "s", nr_nodes - 1);
        return XL_NUMA_EXIT_ERROR;
    }
    if (!is_nodes && b >= nr_cpus) {
        cli_err("%s=\"%s\": pCPU %lu does not exist (the host has %u "
                "pCPU%s, 0-%u)", what, spec, b, nr_cpus,
                nr_cpus == 1 ? "" : "s", nr_cpus - 1);
        return XL_NUMA_EXIT_ERROR;
    }

    for (unsigned long i = a; i <= b; i++) {
        if (is_nodes) {
            const xlnuma_node *node = xlnuma_host_node(h, (unsigned)i);

            xlnuma_bitmap_for_each(c, &node->cpus) {
                if (is_not)
                    xlnuma_bitmap_reset(cpus, (unsigned)c);
                else if (xlnuma_bitmap_set(cpus, (unsigned)c))
                    goto nomem;
            }
        } else if (is_not) {
            xlnuma_bitmap_reset(cpus, (unsigned)i);
        } else if (xlnuma_bitmap_set(cpus, (unsigned)i)) {
            goto nomem;
        }
    }
    return 0;
 nomem:
    cli_err("out of memory");
    return XL_NUMA_EXIT_ERROR;
}

int cpulist_parse(const char *what, const char *spec, const xlnuma_host *h,
                  xlnuma_bitmap *cpus_r)
{
    xlnuma_bitmap cpus;
    const char *p = spec;
    int ret;

    xlnuma_bitmap_init(&cpus);
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *el = p;

        /* Blanks around an element are allowed; empty elements are
         * skipped, as strtok_r does for xl. */
        while (len && isspace((unsigned char)*el))
            el++, len--;
        while (len && isspace((unsigned char)el[len - 1]))
            len--;
        if (len) {
            ret = apply_element(what, spec, el, len, h, &cpus);
            if (ret)
                goto out;
        }
        if (!end)
            break;
        p = end + 1;
    }
    if (xlnuma_bitmap_is_empty(&cpus)) {
        cli_err("%s=\"%s\" selects no pCPU", what, spec);
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    xlnuma_bitmap_dispose(cpus_r);
    *cpus_r = cpus;
    xlnuma_bitmap_init(&cpus);
    ret = 0;
 out:
    xlnuma_bitmap_dispose(&cpus);
    return ret;
}
