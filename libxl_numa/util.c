/* SPDX-License-Identifier: LGPL-2.1-only */
/* util.c: checked arithmetic, strings and whole-file reads. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xlnuma_internal.h"

bool xlnuma__add_u64(uint64_t a, uint64_t b, uint64_t *r)
{
    return !__builtin_add_overflow(a, b, r);
}

bool xlnuma__mul_u64(uint64_t a, uint64_t b, uint64_t *r)
{
    return !__builtin_mul_overflow(a, b, r);
}

char *xlnuma__strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

#define READ_LIMIT (64u << 20)

int xlnuma__read_file(xlnuma_ctx *ctx, const char *path, char **text_r,
                      size_t *len_r)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int fd = -1, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        LOGE(ERROR, "cannot open %s", path);
        rc = XLNUMA_ERROR_IO;
        goto out;
    }
    for (;;) {
        ssize_t n;

        if (len + 1 >= cap) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *nbuf;

            if (ncap > READ_LIMIT + 1) {
                LOG(ERROR, "%s: larger than %u MiB", path, READ_LIMIT >> 20);
                rc = XLNUMA_ERROR_RANGE;
                goto out;
            }
            nbuf = realloc(buf, ncap);
            if (!nbuf) {
                rc = XLNUMA_ERROR_NOMEM;
                goto out;
            }
            buf = nbuf;
            cap = ncap;
        }
        n = read(fd, buf + len, cap - len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            LOGE(ERROR, "cannot read %s", path);
            rc = XLNUMA_ERROR_IO;
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (!buf) {
        buf = malloc(1);
        if (!buf) {
            rc = XLNUMA_ERROR_NOMEM;
            goto out;
        }
    }
    buf[len] = '\0';
    if (memchr(buf, '\0', len)) {
        LOG(ERROR, "%s: contains a NUL byte; not a text file", path);
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    *text_r = buf;
    if (len_r)
        *len_r = len;
    buf = NULL;
    rc = 0;
 out:
    if (fd >= 0)
        close(fd);
    free(buf);
    return rc;
}

int xlnuma__vcpu_room(xlnuma_ctx *ctx, uint64_t *nr_vcpus_io, uint64_t more,
                      unsigned nr_cpus, const char *what)
{
    uint64_t total = *nr_vcpus_io + more;

    /* 2 maps of at least a byte each, as the bitmaps are allocated */
    if (total > XLNUMA_MAX_AFFINITY_BITS / 2 / 8 ||
        total * 2 * (((uint64_t)nr_cpus + 7) / 8 * 8) >
        XLNUMA_MAX_AFFINITY_BITS) {
        LOG(ERROR, "%s: %" PRIu64 " vCPUs in all, each with affinity maps "
            "of %u pCPUs, are more than this library models (%" PRIu64
            " MiB of maps)", what, total, nr_cpus,
            XLNUMA_MAX_AFFINITY_BITS / 8 >> 20);
        return XLNUMA_ERROR_RANGE;
    }
    *nr_vcpus_io = total;
    return 0;
}

int xlnuma__parse_u64(const char *s, uint64_t max, uint64_t *v_r)
{
    uint64_t v = 0;

    if (!s || !*s)
        return XLNUMA_ERROR_PARSE;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return XLNUMA_ERROR_PARSE;
        if (!xlnuma__mul_u64(v, 10, &v) ||
            !xlnuma__add_u64(v, (uint64_t)(*s - '0'), &v))
            return XLNUMA_ERROR_RANGE;
    }
    if (v > max)
        return XLNUMA_ERROR_RANGE;
    *v_r = v;
    return 0;
}
