/* SPDX-License-Identifier: LGPL-2.1-only */
/* util.c: numbers from the command line, and cpu/node lists as text. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "xl_numa.h"

int parse_u64_arg(const char *what, const char *s, uint64_t max,
                  uint64_t *v_r)
{
    uint64_t v = 0;
    const char *p = s;

    if (*p == '-') {
        cli_err("%s: \"%s\" is negative", what, s);
        return XL_NUMA_EXIT_ERROR;
    }
    if (!*p) {
        cli_err("%s: a number is needed", what);
        return XL_NUMA_EXIT_ERROR;
    }
    for (; *p; p++) {
        if (*p < '0' || *p > '9') {
            cli_err("%s: \"%s\" is not a decimal number", what, s);
            return XL_NUMA_EXIT_ERROR;
        }
        if (__builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v) || v > max) {
            cli_err("%s: %s is too large (at most %" PRIu64 ")", what, s,
                    max);
            return XL_NUMA_EXIT_ERROR;
        }
    }
    *v_r = v;
    return 0;
}

int parse_uint_arg(const char *what, const char *s, unsigned max,
                   unsigned *v_r)
{
    uint64_t v;
    int ret;

    ret = parse_u64_arg(what, s, max, &v);
    if (!ret)
        *v_r = (unsigned)v;
    return ret;
}

/* Append "%s%u" or "%s%u-%u" to buf; every piece is a number. */
static int append_range(char **buf, size_t *len, size_t *cap,
                        const char *prefix, unsigned a, unsigned b)
{
    char piece[64];
    int n;

    if (a == b)
        n = snprintf(piece, sizeof(piece), "%s%s%u", *len ? "," : "",
                     prefix, a);
    else
        n = snprintf(piece, sizeof(piece), "%s%s%u-%u", *len ? "," : "",
                     prefix, a, b);
    if (n < 0 || (size_t)n >= sizeof(piece))
        return -1;
    if (*len + (size_t)n + 1 > *cap) {
        size_t ncap = (*cap ? *cap * 2 : 64) + (size_t)n;
        char *nbuf = realloc(*buf, ncap);

        if (!nbuf)
            return -1;
        *buf = nbuf;
        *cap = ncap;
    }
    memcpy(*buf + *len, piece, (size_t)n + 1);
    *len += (size_t)n;
    return 0;
}

char *format_list(const xlnuma_bitmap *b, const char *prefix)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int i, start = -1, prev = -1;

    if (strlen(prefix) > 16)
        return NULL;
    for (i = xlnuma_bitmap_next(b, 0); ; i = xlnuma_bitmap_next(b, i + 1)) {
        if (i >= 0 && start >= 0 && i == prev + 1) {
            prev = i;
            continue;
        }
        if (start >= 0 && append_range(&buf, &len, &cap, prefix,
                                       (unsigned)start, (unsigned)prev)) {
            free(buf);
            return NULL;
        }
        if (i < 0)
            break;
        start = prev = i;
    }
    if (!buf)
        buf = strdup("");
    return buf;
}
