/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * guestcfg.c: an xl domain config, read with libxlutil as xl create reads
 * it (tools/xl/xl_vmcontrol.c, xl_parse.c in Xen 4.17): the file's text,
 * then each KEY=VALUE argument as one more line, so that they override
 * the file; then the keys that size the guest and the keys that say
 * where it may run.
 *
 * xl warns about a malformed value and carries on; a placement cannot,
 * so every malformed value the placement depends on is an error naming
 * the key, the value and where it came from.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xl_numa.h"

#define MAX_MIB     (1L << 40)      /* 1 EiB: more than any host */
#define MAX_VCPUS   16384L
#define MAX_CFG     (16u << 20)

typedef struct {
    XLU_Config *cfg;
    const char *path;
    char *const *extra;
    unsigned nr_extra;
} reader;

void guestcfg_init(guestcfg *g)
{
    memset(g, 0, sizeof(*g));
    xlnuma_guest_init(&g->guest);
}

static void cpuspec_dispose(cpuspec *cs)
{
    for (unsigned i = 0; i < cs->nr_items; i++)
        free(cs->items[i]);
    free(cs->items);
    memset(cs, 0, sizeof(*cs));
}

void guestcfg_dispose(guestcfg *g)
{
    free(g->source);
    free(g->name);
    xlnuma_guest_dispose(&g->guest);
    cpuspec_dispose(&g->cpus);
    cpuspec_dispose(&g->cpus_soft);
    free(g->pool);
    free(g->policy);
    guestcfg_init(g);
}

/* Where a key's value came from: the command line when a KEY=VALUE
 * argument sets it (the last setting wins, as for xl), else the file. */
static const char *origin(const reader *r, const char *key)
{
    size_t klen = strlen(key);

    for (unsigned i = 0; i < r->nr_extra; i++) {
        const char *p = r->extra[i];

        while (isspace((unsigned char)*p))
            p++;
        if (!strncmp(p, key, klen) &&
            (p[klen] == '=' || p[klen] == '+' ||
             isspace((unsigned char)p[klen])))
            return "command line";
    }
    return r->path;
}

/* A number; *given_r false when absent.  Logs and fails when malformed
 * or outside [min, max]. */
static int cfg_long(const reader *r, const char *key, long min, long max,
                    const char *unit, long *v_r, bool *given_r)
{
    const char *s = NULL;
    long l;
    int e;

    e = xlu_cfg_get_long(r->cfg, key, &l, 1);
    if (e == ESRCH) {
        *given_r = false;
        return 0;
    }
    if (e) {
        if (e == ERANGE && !xlu_cfg_get_string(r->cfg, key, &s, 1))
            cli_err("%s: %s=%s is too large (at most %ld)", origin(r, key),
                    key, s, max);
        else if (!xlu_cfg_get_string(r->cfg, key, &s, 1))
            cli_err("%s: %s=\"%s\" is not a number%s%s", origin(r, key),
                    key, s, *unit ? " of " : "", unit);
        else
            cli_err("%s: %s= is a list; a number%s%s is needed",
                    origin(r, key), key, *unit ? " of " : "", unit);
        return XL_NUMA_EXIT_ERROR;
    }
    if (l < 0 && min >= 0) {
        cli_err("%s: %s=%ld is negative", origin(r, key), key, l);
        return XL_NUMA_EXIT_ERROR;
    }
    if (l < min) {
        cli_err("%s: %s=%ld is too small (at least %ld)", origin(r, key),
                key, l, min);
        return XL_NUMA_EXIT_ERROR;
    }
    if (l > max) {
        cli_err("%s: %s=%ld is too large (at most %ld)", origin(r, key),
                key, l, max);
        return XL_NUMA_EXIT_ERROR;
    }
    *v_r = l;
    *given_r = true;
    return 0;
}

/* A size in MiB into KiB; 0 when absent. */
static int cfg_mib(const reader *r, const char *key, long min,
                   uint64_t *kib_r, bool *given_r)
{
    bool given;
    long l;
    int ret;

    ret = cfg_long(r, key, min, MAX_MIB, "MiB", &l, &given);
    if (ret)
        return ret;
    *kib_r = given ? (uint64_t)l * 1024 : 0;
    if (given_r)
        *given_r = given;
    return 0;
}

/* A string; NULL when absent.  A list is an error. */
static int cfg_string(const reader *r, const char *key, const char **s_r)
{
    int e;

    *s_r = NULL;
    e = xlu_cfg_get_string(r->cfg, key, s_r, 1);
    if (e == ESRCH) {
        *s_r = NULL;
        return 0;
    }
    if (e) {
        cli_err("%s: %s= is a list; a string is needed", origin(r, key),
                key);
        return XL_NUMA_EXIT_ERROR;
    }
    return 0;
}

static int cfg_strdup(const reader *r, const char *key, char **s_r)
{
    const char *s;
    int ret;

    ret = cfg_string(r, key, &s);
    if (ret || !s)
        return ret;
    *s_r = strdup(s);
    if (!*s_r) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    return 0;
}

static int read_type(const reader *r, guestcfg *g)
{
    const char *type, *builder;
    bool have_type = false;
    int ret;

    ret = cfg_string(r, "type", &type);
    if (ret)
        return ret;
    if (type) {
        have_type = true;
        if (!strcmp(type, "pv"))
            g->guest.type = XLNUMA_GUEST_PV;
        else if (!strcmp(type, "pvh"))
            g->guest.type = XLNUMA_GUEST_PVH;
        else if (!strcmp(type, "hvm"))
            g->guest.type = XLNUMA_GUEST_HVM;
        else {
            cli_err("%s: type=\"%s\" is not pv, pvh or hvm",
                    origin(r, "type"), type);
            return XL_NUMA_EXIT_ERROR;
        }
    }

    /* Deprecated since Xen 4.10, still read by xl. */
    ret = cfg_string(r, "builder", &builder);
    if (ret)
        return ret;
    if (builder) {
        xlnuma_guest_type bt;

        if (!strcmp(builder, "hvm"))
            bt = XLNUMA_GUEST_HVM;
        else if (!strcmp(builder, "generic"))
            bt = XLNUMA_GUEST_PV;
        else {
            cli_err("%s: builder=\"%s\" is not hvm or generic",
                    origin(r, "builder"), builder);
            return XL_NUMA_EXIT_ERROR;
        }
        if (have_type && bt != g->guest.type) {
            cli_err("%s: builder=\"%s\" contradicts type=\"%s\"",
                    origin(r, "builder"), builder, type);
            return XL_NUMA_EXIT_ERROR;
        }
        g->guest.type = bt;
    }
    return 0;
}

static int read_memory(const reader *r, guestcfg *g)
{
    xlnuma_guest *gu = &g->guest;
    bool given;
    long l;
    int ret;

    ret = cfg_mib(r, "memory", 1, &gu->memory_kib, NULL);
    if (!ret)
        ret = cfg_mib(r, "maxmem", 1, &gu->maxmem_kib, NULL);
    if (!ret)
        ret = cfg_mib(r, "shadow_memory", 0, &gu->shadow_kib,
                      &gu->shadow_given);
    if (!ret)
        ret = cfg_mib(r, "videoram", 0, &gu->videoram_kib, NULL);
    if (!ret)
        ret = cfg_mib(r, "stubdomain_memory", 0, &gu->stubdom_mem_kib, NULL);
    if (ret)
        return ret;

    ret = cfg_long(r, "vcpus", 1, MAX_VCPUS, "", &l, &given);
    if (ret)
        return ret;
    if (given)
        gu->vcpus = (unsigned)l;
    ret = cfg_long(r, "maxvcpus", 1, MAX_VCPUS, "", &l, &given);
    if (ret)
        return ret;
    if (given)
        gu->maxvcpus = (unsigned)l;

    ret = cfg_long(r, "hap", LONG_MIN, LONG_MAX, "", &l, &given);
    if (ret)
        return ret;
    if (given)
        gu->hap = l != 0;
    return 0;
}

static int read_device_model(const reader *r, guestcfg *g)
{
    const char *version, *vga;
    bool stubdom = false, given, trad = false;
    long l;
    int ret;

    ret = cfg_string(r, "device_model_version", &version);
    if (ret)
        return ret;
    if (version) {
        if (!strcmp(version, "qemu-xen-traditional"))
            trad = true;
        else if (strcmp(version, "qemu-xen")) {
            cli_err("%s: device_model_version=\"%s\" is not qemu-xen or "
                    "qemu-xen-traditional",
                    origin(r, "device_model_version"), version);
            return XL_NUMA_EXIT_ERROR;
        }
    }
    ret = cfg_long(r, "device_model_stubdomain_override", LONG_MIN,
                   LONG_MAX, "", &l, &given);
    if (ret)
        return ret;
    stubdom = given && l;
    g->dm_traditional = trad;

    /* Stub domains and their video memory exist for HVM guests only. */
    if (g->guest.type != XLNUMA_GUEST_HVM)
        return 0;
    if (stubdom)
        g->guest.stubdom = trad ? XLNUMA_STUBDOM_QEMU_TRAD
                                : XLNUMA_STUBDOM_QEMU_XEN;

    ret = cfg_string(r, "vga", &vga);
    if (ret)
        return ret;
    if (vga) {
        if (!strcmp(vga, "stdvga"))
            g->guest.stdvga = true;
        else if (strcmp(vga, "cirrus") && strcmp(vga, "none") &&
                 strcmp(vga, "qxl")) {
            cli_err("%s: vga=\"%s\" is not stdvga, cirrus, none or qxl",
                    origin(r, "vga"), vga);
            return XL_NUMA_EXIT_ERROR;
        }
        return 0;
    }
    ret = cfg_long(r, "stdvga", LONG_MIN, LONG_MAX, "", &l, &given);
    if (ret)
        return ret;
    if (given)
        g->guest.stdvga = l != 0;
    return 0;
}

static int cpuspec_add(cpuspec *cs, const char *s)
{
    char **items = realloc(cs->items, (cs->nr_items + 1) * sizeof(*items));

    if (!items)
        return XL_NUMA_EXIT_ERROR;
    cs->items = items;
    cs->items[cs->nr_items] = strdup(s);
    if (!cs->items[cs->nr_items])
        return XL_NUMA_EXIT_ERROR;
    cs->nr_items++;
    return 0;
}

static int read_cpuspec(const reader *r, const char *key, cpuspec *cs)
{
    XLU_ConfigList *list;
    const char *s;
    int n;

    if (!xlu_cfg_get_list(r->cfg, key, &list, &n, 1)) {
        cs->given = true;
        cs->is_list = true;
        for (int i = 0; i < n; i++) {
            XLU_ConfigValue *v = xlu_cfg_get_listitem2(list, i);

            if (!v || xlu_cfg_value_type(v) != XLU_STRING) {
                cli_err("%s: %s= entry %d (vCPU %d) is a list; a cpu-list "
                        "string is needed", origin(r, key), key, i, i);
                return XL_NUMA_EXIT_ERROR;
            }
            if (cpuspec_add(cs, xlu_cfg_get_listitem(list, i))) {
                cli_err("out of memory");
                return XL_NUMA_EXIT_ERROR;
            }
        }
        return 0;
    }
    if (!xlu_cfg_get_string(r->cfg, key, &s, 1)) {
        cs->given = true;
        if (cpuspec_add(cs, s)) {
            cli_err("out of memory");
            return XL_NUMA_EXIT_ERROR;
        }
    }
    return 0;
}

/* "0-1,3" -> 3; every element "N" or "N-M". */
static int count_vcpus(const reader *r, unsigned vnode, const char *spec,
                       unsigned *n_r)
{
    const char *p = spec;
    unsigned n = 0;

    for (;;) {
        unsigned long a, b;
        char *end;

        while (isspace((unsigned char)*p))
            p++;
        if (!isdigit((unsigned char)*p))
            goto bad;
        a = b = strtoul(p, &end, 10);
        if (*end == '-') {
            p = end + 1;
            if (!isdigit((unsigned char)*p))
                goto bad;
            b = strtoul(p, &end, 10);
        }
        if (b < a || b >= (unsigned long)MAX_VCPUS)
            goto bad;
        n += (unsigned)(b - a + 1);
        p = end;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        if (*p != ',')
            goto bad;
        p++;
    }
    *n_r = n;
    return 0;
 bad:
    cli_err("%s: vnuma= vnode %u: vcpus=\"%s\" is not a list of vCPU ranges",
            origin(r, "vnuma"), vnode, spec);
    return XL_NUMA_EXIT_ERROR;
}

static int read_vnode_option(const reader *r, guestcfg *g, unsigned vnode,
                             const char *opt, uint64_t *size_mib,
                             unsigned *vcpus)
{
    const char *eq = strchr(opt, '='), *k = opt, *v;
    size_t klen;
    unsigned long val;
    char *end;

    if (!eq) {
        cli_err("%s: vnuma= vnode %u: \"%s\" is not KEY=VALUE",
                origin(r, "vnuma"), vnode, opt);
        return XL_NUMA_EXIT_ERROR;
    }
    while (isspace((unsigned char)*k))
        k++;
    klen = (size_t)(eq - k);
    while (klen && isspace((unsigned char)k[klen - 1]))
        klen--;
    v = eq + 1;
    while (isspace((unsigned char)*v))
        v++;

#define KEY_IS(s) (klen == strlen(s) && !strncmp(k, s, klen))
    if (KEY_IS("pnode") || KEY_IS("size")) {
        errno = 0;
        val = strtoul(v, &end, 10);
        while (isspace((unsigned char)*end))
            end++;
        if (!isdigit((unsigned char)*v) || *end || errno ||
            val > (unsigned long)MAX_MIB) {
            cli_err("%s: vnuma= vnode %u: %.*s=\"%s\" is not a number",
                    origin(r, "vnuma"), vnode, (int)klen, k, v);
            return XL_NUMA_EXIT_ERROR;
        }
        if (KEY_IS("pnode")) {
            g->vnuma_pnode = true;
            if (val > g->max_pnode)
                g->max_pnode = (unsigned)val;
        } else {
            *size_mib += val;
        }
    } else if (KEY_IS("vcpus")) {
        unsigned n;
        int ret = count_vcpus(r, vnode, v, &n);

        if (ret)
            return ret;
        *vcpus += n;
    }
#undef KEY_IS
    /* vdistances and anything else do not matter here. */
    return 0;
}

/* vnuma = [ ["pnode=0","size=512","vcpus=0-1","vdistances=10,20"], ...]:
 * pnode= pins the guest's memory (manual placement); the sizes and vCPUs
 * give maxmem and maxvcpus when those are not given, as in xl. */
static int read_vnuma(const reader *r, guestcfg *g)
{
    XLU_ConfigList *vnuma;
    uint64_t size_mib = 0;
    unsigned vcpus = 0;
    const char *s;
    int n, ret;

    if (xlu_cfg_get_list(r->cfg, "vnuma", &vnuma, &n, 1)) {
        if (!xlu_cfg_get_string(r->cfg, "vnuma", &s, 1)) {
            cli_err("%s: vnuma=\"%s\" is not a list of vnode lists",
                    origin(r, "vnuma"), s);
            return XL_NUMA_EXIT_ERROR;
        }
        return 0;
    }
    if (!n)
        return 0;
    for (int i = 0; i < n; i++) {
        XLU_ConfigValue *spec = xlu_cfg_get_listitem2(vnuma, i);
        XLU_ConfigList *opts = NULL;

        if (!spec || xlu_cfg_value_type(spec) != XLU_LIST ||
            xlu_cfg_value_get_list(r->cfg, spec, &opts, 1)) {
            cli_err("%s: vnuma= vnode %d is not a list of \"KEY=VALUE\" "
                    "strings", origin(r, "vnuma"), i);
            return XL_NUMA_EXIT_ERROR;
        }
        for (int j = 0; (s = xlu_cfg_get_listitem(opts, j)) ||
                        xlu_cfg_get_listitem2(opts, j); j++) {
            if (!s)
                continue;   /* a nested list: xl skips it too */
            ret = read_vnode_option(r, g, (unsigned)i, s, &size_mib, &vcpus);
            if (ret)
                return ret;
        }
    }
    g->nr_vnodes = (unsigned)n;

    if (g->guest.maxvcpus && g->guest.maxvcpus != vcpus) {
        cli_err("%s: vnuma= gives %u vCPUs but maxvcpus=%u", r->path, vcpus,
                g->guest.maxvcpus);
        return XL_NUMA_EXIT_ERROR;
    }
    if (!vcpus) {
        cli_err("%s: vnuma= gives no vCPU (vcpus= in each vnode)", r->path);
        return XL_NUMA_EXIT_ERROR;
    }
    g->guest.maxvcpus = vcpus;
    if (g->guest.maxmem_kib && g->guest.maxmem_kib != size_mib * 1024) {
        cli_err("%s: vnuma= sizes add up to %llu MiB but maxmem=%llu",
                r->path, (unsigned long long)size_mib,
                (unsigned long long)(g->guest.maxmem_kib / 1024));
        return XL_NUMA_EXIT_ERROR;
    }
    if (!size_mib) {
        cli_err("%s: vnuma= gives no memory (size= in each vnode)", r->path);
        return XL_NUMA_EXIT_ERROR;
    }
    g->guest.maxmem_kib = size_mib * 1024;
    return 0;
}

/* numa_placement_headroom: a number of MiB, or a string of one or two
 * comma-separated elements, "N" (MiB) and "N%" (of each node's size). */
static int read_headroom(const reader *r, guestcfg *g)
{
    static const char key[] = "numa_placement_headroom";
    bool given, have_mib = false, have_pct = false;
    const char *s, *p;
    long l;
    int ret;

    if (!xlu_cfg_get_long(r->cfg, key, &l, 1)) {
        ret = cfg_long(r, key, 0, MAX_MIB, "MiB", &l, &given);
        if (ret)
            return ret;
        g->headroom_given = true;
        g->headroom_kib = (uint64_t)l * 1024;
        return 0;
    }
    ret = cfg_string(r, key, &s);
    if (ret || !s)
        return ret;
    for (p = s; ; ) {
        uint64_t v = 0;
        const char *start;
        bool pct;

        while (isspace((unsigned char)*p))
            p++;
        start = p;
        while (isdigit((unsigned char)*p)) {
            v = v * 10 + (uint64_t)(*p - '0');
            if (v > (uint64_t)MAX_MIB)
                goto bad;
            p++;
        }
        if (p == start)
            goto bad;
        pct = *p == '%';
        if (pct)
            p++;
        while (isspace((unsigned char)*p))
            p++;
        if (*p && *p != ',')
            goto bad;
        if (pct) {
            if (have_pct || v > 100)
                goto bad;
            have_pct = true;
            g->headroom_pct = (unsigned)v;
        } else {
            if (have_mib)
                goto bad;
            have_mib = true;
            g->headroom_kib = v * 1024;
        }
        if (!*p)
            break;
        p++;
    }
    g->headroom_given = true;
    return 0;
 bad:
    cli_err("%s: %s=\"%s\" is not a headroom: MiB, N%% of each node's size "
            "(at most 100%%), or one of each (\"256,5%%\")", origin(r, key),
            key, s);
    return XL_NUMA_EXIT_ERROR;
}

/* A 0/1 key, as xl's booleans. */
static int cfg_bool(const reader *r, const char *key, bool *v_r)
{
    bool given;
    long l;
    int ret;

    ret = cfg_long(r, key, 0, 1, "", &l, &given);
    if (ret || !given)
        return ret;
    *v_r = l != 0;
    return 0;
}

static int read_placement_keys(const reader *r, guestcfg *g)
{
    const char *s;
    int ret;

    ret = cfg_string(r, "numa_placement", &s);
    if (ret)
        return ret;
    if (!s || !strcmp(s, "auto"))
        g->placement = NUMA_PLACEMENT_AUTO;
    else if (!strcmp(s, "off"))
        g->placement = NUMA_PLACEMENT_OFF;
    else if (!strcmp(s, "within"))
        g->placement = NUMA_PLACEMENT_WITHIN;
    else {
        cli_err("%s: numa_placement=\"%s\" is not auto, off or within",
                origin(r, "numa_placement"), s);
        return XL_NUMA_EXIT_ERROR;
    }

    ret = cfg_strdup(r, "numa_placement_policy", &g->policy);
    if (ret)
        return ret;

    ret = cfg_string(r, "numa_placement_mode", &s);
    if (ret)
        return ret;
    if (s) {
        g->mode_given = true;
        if (!strcmp(s, "affinity"))
            g->mode = XLNUMA_MODE_AFFINITY;
        else if (!strcmp(s, "pin"))
            g->mode = XLNUMA_MODE_PIN;
        else {
            cli_err("%s: numa_placement_mode=\"%s\" is not affinity or pin",
                    origin(r, "numa_placement_mode"), s);
            return XL_NUMA_EXIT_ERROR;
        }
    }

    ret = read_headroom(r, g);
    if (!ret)
        ret = cfg_bool(r, "numa_placement_force", &g->force);
    if (!ret)
        ret = cfg_bool(r, "numa_placement_vnuma", &g->vnuma);
    if (!ret) {
        long l;

        ret = cfg_long(r, "numa_placement_dma_aware", 0, 1, "", &l,
                       &g->dma_aware_given);
        if (!ret && g->dma_aware_given)
            g->dma_aware = l != 0;
    }
    if (!ret)
        ret = cfg_string(r, "numa_placement_smt", &s);
    if (ret)
        return ret;
    if (s) {
        if (!strcmp(s, "cores"))
            g->smt_cores = true;
        else if (strcmp(s, "threads")) {
            cli_err("%s: numa_placement_smt=\"%s\" is not threads or cores",
                    origin(r, "numa_placement_smt"), s);
            return XL_NUMA_EXIT_ERROR;
        }
    }
    return 0;
}

/* The file's text as xl create gives it to libxlutil: the file, then a
 * newline, each argument and a newline, and a final newline. */
static int read_text(const char *path, char *const *extra,
                     unsigned nr_extra, char **buf_r, size_t *len_r)
{
    FILE *f = NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    int ret;

    f = fopen(path, "r");
    if (!f) {
        cli_err("cannot read the config %s: %s", path, strerror(errno));
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    do {
        if (cap - len < 4096) {
            char *nbuf;

            cap = cap ? cap * 2 : 8192;
            if (cap > MAX_CFG) {
                cli_err("%s: larger than %u MiB; not an xl config", path,
                        MAX_CFG >> 20);
                ret = XL_NUMA_EXIT_ERROR;
                goto out;
            }
            nbuf = realloc(buf, cap);
            if (!nbuf)
                goto nomem;
            buf = nbuf;
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
    } while (n);
    if (ferror(f)) {
        cli_err("cannot read the config %s: %s", path, strerror(errno));
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    if (memchr(buf, '\0', len)) {
        cli_err("%s: contains a NUL byte; not an xl config", path);
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }

    if (nr_extra) {
        size_t add = 2;

        for (unsigned i = 0; i < nr_extra; i++)
            add += strlen(extra[i]) + 1;
        if (len + add + 1 > MAX_CFG)
            goto nomem;
        if (len + add + 1 > cap) {
            char *nbuf = realloc(buf, len + add + 1);

            if (!nbuf)
                goto nomem;
            buf = nbuf;
        }
        buf[len++] = '\n';
        for (unsigned i = 0; i < nr_extra; i++) {
            size_t l = strlen(extra[i]);

            memcpy(buf + len, extra[i], l);
            len += l;
            buf[len++] = '\n';
        }
        buf[len++] = '\n';
    }
    buf[len] = '\0';
    *buf_r = buf;
    *len_r = len;
    buf = NULL;
    ret = 0;
    goto out;
 nomem:
    cli_err("out of memory");
    ret = XL_NUMA_EXIT_ERROR;
 out:
    if (f)
        fclose(f);
    free(buf);
    return ret;
}

/* xl create appends each KEY=VALUE argument to the config as a line of
 * its own; a newline, or a ';' outside a string, would end that line and
 * start another setting behind the argument.  Strings are '...' or
 * "..." with backslash escapes in both, as libxlutil 4.17 reads them;
 * '#' starts a comment to the end of the line. */
static const char *second_statement(const char *arg)
{
    char quote = 0;

    if (strpbrk(arg, "\n\r"))
        return "a newline";
    for (const char *p = arg; *p; p++) {
        if (quote) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == quote)
                quote = 0;
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (*p == '#') {
            break;
        } else if (*p == ';') {
            return "a ';'";
        }
    }
    return NULL;
}

/* Each argument on its own first, so that a syntax error is reported
 * against the argument rather than a line past the end of the file. */
static int check_extra(const char *arg)
{
    XLU_Config *scratch;
    const char *why;
    char *line;
    size_t len = strlen(arg);
    int e;

    if (!strchr(arg, '=')) {
        cli_err("\"%s\" is not KEY=VALUE", arg);
        return XL_NUMA_EXIT_ERROR;
    }
    why = second_statement(arg);
    if (why) {
        cli_err("\"%s\" is more than one KEY=VALUE: %s ends an xl config "
                "line; give each setting as an argument of its own", arg,
                why);
        return XL_NUMA_EXIT_ERROR;
    }
    if (len > MAX_CFG)
        return XL_NUMA_EXIT_ERROR;
    line = malloc(len + 2);
    scratch = xlu_cfg_init(stderr, "command line");
    if (!line || !scratch) {
        free(line);
        if (scratch)
            xlu_cfg_destroy(scratch);
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    memcpy(line, arg, len);
    line[len] = '\n';
    line[len + 1] = '\0';
    e = xlu_cfg_readdata(scratch, line, (int)len + 1);
    xlu_cfg_destroy(scratch);
    free(line);
    /* libxlutil printed "command line:1: config parsing error near ..." */
    return e ? XL_NUMA_EXIT_ERROR : 0;
}

int guestcfg_read(const char *path, char *const *extra, unsigned nr_extra,
                  guestcfg *g)
{
    reader r = { .cfg = NULL, .path = path, .extra = extra,
                 .nr_extra = nr_extra };
    char *text = NULL;
    size_t len = 0;
    int e, ret;

    for (unsigned i = 0; i < nr_extra; i++) {
        ret = check_extra(extra[i]);
        if (ret)
            goto out;
    }
    ret = read_text(path, extra, nr_extra, &text, &len);
    if (ret)
        goto out;
    if (len > INT_MAX) {
        cli_err("%s: too large", path);
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    r.cfg = xlu_cfg_init(stderr, path);
    g->source = strdup(path);
    if (!r.cfg || !g->source) {
        cli_err("out of memory");
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    e = xlu_cfg_readdata(r.cfg, text, (int)len);
    if (e) {
        /* libxlutil printed the line and what it expected. */
        if (e == ENOMEM)
            cli_err("out of memory");
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }

    if ((ret = read_type(&r, g)) ||
        (ret = read_memory(&r, g)) ||
        (ret = read_device_model(&r, g)) ||
        (ret = cfg_strdup(&r, "name", &g->name)) ||
        (ret = cfg_strdup(&r, "pool", &g->pool)) ||
        (ret = read_cpuspec(&r, "cpus", &g->cpus)) ||
        (ret = read_cpuspec(&r, "cpus_soft", &g->cpus_soft)) ||
        (ret = read_vnuma(&r, g)) ||
        (ret = read_placement_keys(&r, g)))
        goto out;

    if (g->guest.maxvcpus && g->guest.vcpus > g->guest.maxvcpus) {
        cli_err("%s: maxvcpus=%u is less than vcpus=%u",
                origin(&r, "maxvcpus"), g->guest.maxvcpus, g->guest.vcpus);
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    if (g->guest.maxmem_kib && g->guest.memory_kib > g->guest.maxmem_kib) {
        cli_err("%s: memory=%llu is more than maxmem=%llu",
                origin(&r, "memory"),
                (unsigned long long)(g->guest.memory_kib / 1024),
                (unsigned long long)(g->guest.maxmem_kib / 1024));
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    ret = 0;
 out:
    if (r.cfg)
        xlu_cfg_destroy(r.cfg);
    free(text);
    return ret;
}
