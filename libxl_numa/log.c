/* SPDX-License-Identifier: LGPL-2.1-only */
/* log.c: the ctx borrows a xentoollog_logger, as libxl_ctx_alloc does. */
#include <stdlib.h>

#include "xlnuma_internal.h"

void xlnuma__log(xlnuma_ctx *ctx, xentoollog_level lvl, int errnoval,
                 const char *fmt, ...)
{
    va_list ap;

    if (!ctx || !ctx->lg)
        return;
    va_start(ap, fmt);
    xtl_logv(ctx->lg, lvl, errnoval, "xlnuma", fmt, ap);
    va_end(ap);
}

int xlnuma_ctx_alloc(xlnuma_ctx **ctx_r, xentoollog_logger *lg)
{
    xlnuma_ctx *ctx;

    if (!ctx_r)
        return XLNUMA_ERROR_INVAL;
    ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return XLNUMA_ERROR_NOMEM;
    ctx->lg = lg;
    *ctx_r = ctx;
    return 0;
}

void xlnuma_ctx_free(xlnuma_ctx *ctx)
{
    free(ctx);
}
