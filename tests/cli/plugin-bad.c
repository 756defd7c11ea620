/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * plugin-bad.c: policy plug-ins that xl-numa must refuse, for the golden
 * tests of its loader (xl_ext/plugin.c):
 *  - with PLUGIN_BAD_VERSION, one built for a future major version of
 *    the API, which the loader refuses before running any of its code;
 *  - without, one whose xlnuma_plugin_init fails after registering a
 *    policy, which the loader reports and then refuses to use.
 */
#include <xlnuma.h>

#ifdef PLUGIN_BAD_VERSION
const unsigned xlnuma_plugin_api_version = XLNUMA_API_VERSION + 0x010000;
#else
const unsigned xlnuma_plugin_api_version = XLNUMA_API_VERSION;
#endif
int xlnuma_plugin_init(xlnuma_ctx *ctx, unsigned api_version);

static int first(const xlnuma_candidate *a, const xlnuma_candidate *b,
                 void *priv)
{
    return 0;
}

static const xlnuma_policy bad = {
    .name = "bad",
    .summary = "never used",
    .load_model = XLNUMA_LOAD_PER_NODE,
    .compare = first,
};

int xlnuma_plugin_init(xlnuma_ctx *ctx, unsigned api_version)
{
#ifdef PLUGIN_BAD_VERSION
    /* Never reached: the loader checks the version first. */
    return xlnuma_policy_register(ctx, &bad);
#else
    int rc = xlnuma_policy_register(ctx, &bad);

    return rc ? rc : XLNUMA_ERROR_RANGE;
#endif
}
