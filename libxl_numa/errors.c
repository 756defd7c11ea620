/* SPDX-License-Identifier: LGPL-2.1-only */
/* errors.c: messages and names generated from XLNUMA_ERRORS. */
#include "xlnuma_internal.h"

const char *xlnuma_strerror(int rc)
{
    switch (rc) {
    case 0:
        return "success";
#define X(name, val, msg) case (val): return (msg);
    XLNUMA_ERRORS(X)
#undef X
    default:
        return "unknown error";
    }
}

const char *xlnuma_error_name(int rc)
{
    switch (rc) {
    case 0:
        return "OK";
#define X(name, val, msg) case (val): return #name;
    XLNUMA_ERRORS(X)
#undef X
    default:
        return "UNKNOWN";
    }
}

const char *xlnuma_outcome_name(xlnuma_outcome o)
{
    switch (o) {
    case XLNUMA_PLACED:           return "placed";
    case XLNUMA_SKIP_ONE_NODE:    return "one-node-host";
    case XLNUMA_NOFIT_MEMORY:     return "no-memory";
    case XLNUMA_NOFIT_CPUS:       return "too-few-pcpus";
    case XLNUMA_NOFIT_BOTH:       return "no-fit";
    case XLNUMA_NOFIT_EMPTY_POOL: return "empty-pool";
    case XLNUMA_NOFIT_FILTER:     return "filtered";
    case XLNUMA_NOFIT_BUDGET:     return "budget-exhausted";
    }
    return "unknown";
}
