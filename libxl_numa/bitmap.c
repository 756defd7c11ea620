/* SPDX-License-Identifier: LGPL-2.1-only */
/* bitmap.c: cpu and node maps of any width.  No ctx needed to allocate,
 * unlike libxl_bitmap_alloc(). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlnuma_internal.h"

#define PARSE_LIMIT (1u << 24)

static unsigned nbytes(unsigned nr_bits)
{
    return (nr_bits + 7) / 8;
}


void xlnuma_bitmap_init(xlnuma_bitmap *b)
{
    b->map = NULL;
    b->nr_bits = 0;
}

void xlnuma_bitmap_dispose(xlnuma_bitmap *b)
{
    if (!b)
        return;
    free(b->map);
    xlnuma_bitmap_init(b);
}

int xlnuma_bitmap_resize(xlnuma_bitmap *b, unsigned nr_bits)
{
    unsigned ob = nbytes(b->nr_bits), nb = nbytes(nr_bits);
    uint8_t *m;

    if (nr_bits == 0) {
        xlnuma_bitmap_dispose(b);
        return 0;
    }
    if (nb != ob) {
        m = realloc(b->map, nb);
        if (!m)
            return XLNUMA_ERROR_NOMEM;
        if (nb > ob)
            memset(m + ob, 0, nb - ob);
        b->map = m;
    }
    /* Clear bits past the new width in the last byte. */
    if (nr_bits < b->nr_bits && (nr_bits & 7))
        b->map[nb - 1] &= (uint8_t)((1u << (nr_bits & 7)) - 1);
    b->nr_bits = nr_bits;
    return 0;
}

int xlnuma_bitmap_set(xlnuma_bitmap *b, unsigned i)
{
    if (i >= b->nr_bits) {
        /* Grow geometrically so building a map bit by bit stays linear
         * at any width (a 2^20-bit map one bit at a time was quadratic
         * past 4096 bits); PARSE_LIMIT bounds what parsers ask for. */
        unsigned want = i + 1, grow = b->nr_bits * 2;
        int rc;

        if (grow > want)
            want = grow;
        rc = xlnuma_bitmap_resize(b, want);
        if (rc)
            return rc;
    }
    b->map[i / 8] |= (uint8_t)(1u << (i % 8));
    return 0;
}

/* Bits lo..hi (within the map) to value, whole bytes at a time. */
static void fill_range(xlnuma_bitmap *b, unsigned lo, unsigned hi,
                       bool value)
{
    uint64_t i = lo, end = (uint64_t)hi + 1;

    for (; i < end && i % 8; i++)
        if (value)
            b->map[i / 8] |= (uint8_t)(1u << (i % 8));
        else
            b->map[i / 8] &= (uint8_t)~(1u << (i % 8));
    if (end - i >= 8) {
        memset(b->map + i / 8, value ? 0xff : 0, (size_t)((end - i) / 8));
        i += (end - i) / 8 * 8;
    }
    for (; i < end; i++)
        if (value)
            b->map[i / 8] |= (uint8_t)(1u << (i % 8));
        else
            b->map[i / 8] &= (uint8_t)~(1u << (i % 8));
}

int xlnuma__bitmap_set_range(xlnuma_bitmap *b, unsigned lo, unsigned hi)
{
    int rc;

    if (hi < lo)
        return 0;
    if (hi >= b->nr_bits) {
        rc = xlnuma_bitmap_set(b, hi);
        if (rc)
            return rc;
    }
    fill_range(b, lo, hi, true);
    return 0;
}

void xlnuma__bitmap_reset_range(xlnuma_bitmap *b, unsigned lo, unsigned hi)
{
    if (hi < lo || lo >= b->nr_bits)
        return;
    fill_range(b, lo, hi < b->nr_bits ? hi : b->nr_bits - 1, false);
}

void xlnuma_bitmap_reset(xlnuma_bitmap *b, unsigned i)
{
    if (i < b->nr_bits)
        b->map[i / 8] &= (uint8_t)~(1u << (i % 8));
}

bool xlnuma_bitmap_test(const xlnuma_bitmap *b, unsigned i)
{
    return i < b->nr_bits && (b->map[i / 8] >> (i % 8)) & 1;
}

void xlnuma_bitmap_clear(xlnuma_bitmap *b)
{
    if (b->map)
        memset(b->map, 0, nbytes(b->nr_bits));
}

unsigned xlnuma_bitmap_count(const xlnuma_bitmap *b)
{
    unsigned n = 0, nb = nbytes(b->nr_bits), i = 0;

    for (; i + 8 <= nb; i += 8)
        n += (unsigned)__builtin_popcountll(xlnuma__load64(b->map + i));
    for (; i < nb; i++)
        n += (unsigned)__builtin_popcount(b->map[i]);
    return n;
}

bool xlnuma_bitmap_is_empty(const xlnuma_bitmap *b)
{
    unsigned nb = nbytes(b->nr_bits), i = 0;

    for (; i + 8 <= nb; i += 8)
        if (xlnuma__load64(b->map + i))
            return false;
    for (; i < nb; i++)
        if (b->map[i])
            return false;
    return true;
}

unsigned xlnuma__bitmap_used_bytes(const xlnuma_bitmap *b)
{
    unsigned nb = nbytes(b->nr_bits);

    while (nb >= 8 && !xlnuma__load64(b->map + nb - 8))
        nb -= 8;
    while (nb && !b->map[nb - 1])
        nb--;
    return nb;
}

int xlnuma__bitmap_last(const xlnuma_bitmap *b)
{
    unsigned nb = xlnuma__bitmap_used_bytes(b);

    if (!nb)
        return -1;
    return (int)((nb - 1) * 8 + 31 - (unsigned)__builtin_clz(b->map[nb - 1]));
}

/* Maps are often wide and sparse (a node's pCPUs among 10^4): whole
 * zero words are skipped. */
int xlnuma_bitmap_next(const xlnuma_bitmap *b, unsigned from)
{
    unsigned nb = nbytes(b->nr_bits), i;
    uint8_t byte;

    if (from >= b->nr_bits)
        return -1;
    i = from / 8;
    byte = (uint8_t)(b->map[i] >> (from % 8));
    if (byte)
        return (int)(from + (unsigned)__builtin_ctz(byte));
    for (i++; i < nb; i++) {
        while (!(i % 8) && i + 8 <= nb && !xlnuma__load64(b->map + i))
            i += 8;
        if (i < nb && b->map[i]) {
            unsigned bit = i * 8 + (unsigned)__builtin_ctz(b->map[i]);

            return bit < b->nr_bits ? (int)bit : -1;
        }
    }
    return -1;
}

int xlnuma_bitmap_copy(xlnuma_bitmap *dst, const xlnuma_bitmap *src)
{
    int rc;

    if (dst == src)
        return 0;
    rc = xlnuma_bitmap_resize(dst, src->nr_bits);
    if (rc)
        return rc;
    if (src->nr_bits)
        memcpy(dst->map, src->map, nbytes(src->nr_bits));
    return 0;
}

int xlnuma_bitmap_and(xlnuma_bitmap *dst, const xlnuma_bitmap *a,
                      const xlnuma_bitmap *b)
{
    unsigned n = a->nr_bits < b->nr_bits ? a->nr_bits : b->nr_bits;
    unsigned nb = nbytes(n);
    uint8_t *m = NULL;

    if (nb) {
        m = malloc(nb);
        if (!m)
            return XLNUMA_ERROR_NOMEM;
        for (unsigned i = 0; i < nb; i++)
            m[i] = a->map[i] & b->map[i];
        if (n & 7)
            m[nb - 1] &= (uint8_t)((1u << (n & 7)) - 1);
    }
    free(dst->map);
    dst->map = m;
    dst->nr_bits = n;
    return 0;
}

int xlnuma_bitmap_or(xlnuma_bitmap *dst, const xlnuma_bitmap *src)
{
    int rc;

    if (src->nr_bits > dst->nr_bits) {
        rc = xlnuma_bitmap_resize(dst, src->nr_bits);
        if (rc)
            return rc;
    }
    for (unsigned i = 0; i < nbytes(src->nr_bits); i++)
        dst->map[i] |= src->map[i];
    return 0;
}

bool xlnuma_bitmap_intersects(const xlnuma_bitmap *a, const xlnuma_bitmap *b)
{
    unsigned n = a->nr_bits < b->nr_bits ? a->nr_bits : b->nr_bits;

    unsigned nb = nbytes(n), i = 0;

    for (; i + 8 <= nb; i += 8)
        if (xlnuma__load64(a->map + i) & xlnuma__load64(b->map + i))
            return true;
    for (; i < nb; i++)
        if (a->map[i] & b->map[i])
            return true;
    return false;
}

bool xlnuma_bitmap_subset(const xlnuma_bitmap *a, const xlnuma_bitmap *b)
{
    for (unsigned i = 0; i < nbytes(a->nr_bits); i++) {
        uint8_t bb = i < nbytes(b->nr_bits) ? b->map[i] : 0;

        if (a->map[i] & ~bb)
            return false;
    }
    return true;
}

bool xlnuma_bitmap_equal(const xlnuma_bitmap *a, const xlnuma_bitmap *b)
{
    return xlnuma_bitmap_subset(a, b) && xlnuma_bitmap_subset(b, a);
}

char *xlnuma_bitmap_format(const xlnuma_bitmap *b)
{
    size_t cap = 64, len = 0;
    char *s = malloc(cap);
    int i;

    if (!s)
        return NULL;
    s[0] = '\0';
    i = xlnuma_bitmap_next(b, 0);
    while (i >= 0) {
        int j = i;
        char item[32];
        int n;

        while (xlnuma_bitmap_test(b, (unsigned)j + 1))
            j++;
        if (j == i)
            n = snprintf(item, sizeof(item), "%s%d", len ? "," : "", i);
        else
            n = snprintf(item, sizeof(item), "%s%d-%d", len ? "," : "", i, j);
        if (len + (size_t)n + 1 > cap) {
            char *ns;

            cap = (len + (size_t)n + 1) * 2;
            ns = realloc(s, cap);
            if (!ns) {
                free(s);
                return NULL;
            }
            s = ns;
        }
        memcpy(s + len, item, (size_t)n + 1);
        len += (size_t)n;
        i = xlnuma_bitmap_next(b, (unsigned)j + 1);
    }
    return s;
}

static int parse_index(xlnuma_ctx *ctx, const char *whole, const char **p,
                       unsigned limit, unsigned *v_r)
{
    const char *s = *p;
    unsigned long v = 0;

    if (!isdigit((unsigned char)*s)) {
        LOG(ERROR, "\"%s\": expected a number at \"%s\"", whole, s);
        return XLNUMA_ERROR_PARSE;
    }
    while (isdigit((unsigned char)*s)) {
        v = v * 10 + (unsigned long)(*s - '0');
        if (v >= PARSE_LIMIT) {
            LOG(ERROR, "\"%s\": index too large", whole);
            return XLNUMA_ERROR_RANGE;
        }
        s++;
    }
    if (limit && v >= limit) {
        LOG(ERROR, "\"%s\": index %lu out of range (this host has %u)",
            whole, v, limit);
        return XLNUMA_ERROR_RANGE;
    }
    *p = s;
    *v_r = (unsigned)v;
    return 0;
}

int xlnuma_bitmap_parse(xlnuma_ctx *ctx, const char *str, unsigned limit,
                        xlnuma_bitmap *b_r)
{
    xlnuma_bitmap b;
    const char *p = str;
    int rc;

    xlnuma_bitmap_init(&b);
    if (!str) {
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    while (*p == ' ')
        p++;
    if (!*p) {
        LOG(ERROR, "empty cpu or node list");
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    for (;;) {
        bool neg = false;
        unsigned lo, hi;

        while (*p == ' ')
            p++;
        if (*p == '^') {
            neg = true;
            p++;
        }
        if (!strncmp(p, "all", 3) && (p[3] == ',' || p[3] == '\0' ||
                                      p[3] == ' ')) {
            if (!limit) {
                LOG(ERROR, "\"%s\": \"all\" needs a known width", str);
                rc = XLNUMA_ERROR_INVAL;
                goto out;
            }
            lo = 0;
            hi = limit - 1;
            p += 3;
        } else {
            rc = parse_index(ctx, str, &p, limit, &lo);
            if (rc)
                goto out;
            hi = lo;
            if (*p == '-') {
                p++;
                rc = parse_index(ctx, str, &p, limit, &hi);
                if (rc)
                    goto out;
                if (hi < lo) {
                    LOG(ERROR, "\"%s\": range %u-%u is backwards", str, lo, hi);
                    rc = XLNUMA_ERROR_PARSE;
                    goto out;
                }
            }
        }
        /* Whole bytes at a time: "0-16777215," a few thousand times
         * over took minutes bit by bit. */
        if (neg) {
            xlnuma__bitmap_reset_range(&b, lo, hi);
        } else {
            rc = xlnuma__bitmap_set_range(&b, lo, hi);
            if (rc)
                goto out;
        }
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        if (*p != ',') {
            LOG(ERROR, "\"%s\": unexpected \"%c\"", str, *p);
            rc = XLNUMA_ERROR_PARSE;
            goto out;
        }
        p++;
    }
    xlnuma_bitmap_dispose(b_r);
    *b_r = b;
    xlnuma_bitmap_init(&b);
    rc = 0;
 out:
    xlnuma_bitmap_dispose(&b);
    return rc;
}
