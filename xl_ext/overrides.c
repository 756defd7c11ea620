/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * overrides.c: a decision as the xl config lines that enact it, appended
 * after the guest's config on xl create's command line.
 *
 * Affinity mode: cpus_soft= the chosen pCPUs.  libxl then skips its own
 * placement (a soft affinity is given) and Xen derives the node affinity
 * from the vCPUs' affinities, so memory comes from the chosen nodes.
 * Pin mode: cpus= as well; the soft mask must stay or libxl would place
 * the guest again, ignoring the hard one (PRIOR-ART.md, defect 1).
 *
 * The value is "nodes:N,..." when the chosen pCPUs are exactly those of
 * the chosen nodes, else the pCPU list (a pool or a cpus= mask narrowed
 * the set).  Values are printed from bit indices only, never from user
 * text, so no override can smuggle in another config line.
 */
#include <stdio.h>
#include <stdlib.h>

#include "xl_numa.h"

static char *line(const char *key, const char *value)
{
    char *s;

    return asprintf(&s, "%s=\"%s\"", key, value) < 0 ? NULL : s;
}

int overrides_build(const xlnuma_host *h, decision *d)
{
    const xlnuma_bitmap *nodes = &d->res.best.nodes;
    xlnuma_bitmap node_cpus;
    char *value = NULL;
    int ret = XL_NUMA_EXIT_ERROR;

    xlnuma_bitmap_init(&node_cpus);
    if (xlnuma_host_nodes_to_cpus(h, nodes, &node_cpus))
        goto out;
    if (xlnuma_bitmap_equal(&node_cpus, &d->res.cpus))
        value = format_list(nodes, "nodes:");
    else
        value = format_list(&d->res.cpus, "");
    if (!value || !*value)
        goto out;

    if (xlnuma_bitmap_copy(&d->soft, &d->res.cpus))
        goto out;
    d->pin = d->mode == XLNUMA_MODE_PIN;
    if (d->pin) {
        if (xlnuma_bitmap_copy(&d->hard, &d->res.cpus))
            goto out;
        d->overrides[d->nr_overrides] = line("cpus", value);
        if (!d->overrides[d->nr_overrides++])
            goto out;
    }
    d->overrides[d->nr_overrides] = line("cpus_soft", value);
    if (!d->overrides[d->nr_overrides++])
        goto out;
    ret = 0;
 out:
    if (ret)
        cli_err("out of memory");
    free(value);
    xlnuma_bitmap_dispose(&node_cpus);
    return ret;
}
