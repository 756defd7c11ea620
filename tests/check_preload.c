/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * check_preload.c: libxlnuma-preload.so without a hypervisor.
 *
 *  - settings: the file's syntax, the variables, their precedence;
 *  - manual: the manual-placement rule on configs filled as xl fills
 *    them;
 *  - decide: the config rewrite on a 4-node host built here, per policy
 *    and mode, and `within';
 *  - session: the interposed call with fake I/O and a fake "real"
 *    function: every failure leaves the config as the caller made it and
 *    still calls the real function once, with the caller's arguments; the
 *    lock is held during the real call and released after; threads are
 *    serialised; a create nested in another, a busy lock, and a lock
 *    held by our parent (xl-numa create) are handled;
 *  - module: the built libxlnuma-preload.so exports the two entry points
 *    only, a program linked against libxenlight binds to them under
 *    LD_PRELOAD, and `xl-numa xl' runs xl with the module and the
 *    settings in its environment.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libxl_utils.h>

#include "hostlock.h"
#include "preload.h"
#include "testutil.h"

#define CPU_BITS 64     /* libxl's maps are as wide as Xen's */
#define NODE_BITS 64

static const char *const xlnuma_vars[] = {
    "XLNUMA_PLACEMENT", "XLNUMA_POLICY", "XLNUMA_MODE", "XLNUMA_HEADROOM",
    "XLNUMA_SMT", "XLNUMA_DMA_AWARE", "XLNUMA_MIN_NODES",
    "XLNUMA_MAX_NODES", "XLNUMA_MAX_STEPS", "XLNUMA_LOCK_TIMEOUT",
    "XLNUMA_CONFIG", "XLNUMA_VERBOSE", "XLNUMA_LOCK", "XLNUMA_PRELOAD_FAIL",
    "XLNUMA_PRELOAD", "XLNUMA_XL",
};

static char scratch[PATH_MAX];
static char lock_path[PATH_MAX + 16];

/* Every test starts from a clean environment: no settings file, a lock
 * file of its own. */
static void setup(void)
{
    test_ctx_setup();
    for (size_t i = 0; i < ARRAY_SIZE(xlnuma_vars); i++)
        unsetenv(xlnuma_vars[i]);
    snprintf(scratch, sizeof(scratch), "%s/check_preload.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(scratch));
    snprintf(lock_path, sizeof(lock_path), "%s/lock", scratch);
    setenv("XLNUMA_LOCK", lock_path, 1);
    setenv("XLNUMA_CONFIG", "", 1);
}

static void teardown(void)
{
    char cmd[PATH_MAX + 16];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
    ck_assert_int_eq(system(cmd), 0);
    test_ctx_teardown();
}

static xentoollog_logger *test_lg(void)
{
    return xlnuma_test_logger_xtl(test_log);
}

static void assert_log(const char *want)
{
    ck_assert_msg(strstr(test_log_text(), want),
                  "expected \"%s\" in the log:\n%s", want, test_log_text());
}

static char *write_file(const char *name, const char *text)
{
    char *path;
    FILE *f;

    ck_assert_int_ge(asprintf(&path, "%s/%s", scratch, name), 0);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
    return path;
}

/* ======================================================== settings === */

static const struct parse_case {
    const char *text;
    int rc;
    const char *log;                /* in the log (a warning) */
    preload_placement placement;
    const char *policy;
    int mode;                       /* -1: not given */
    uint64_t headroom_kib;
    unsigned headroom_pct;
    bool smt_cores, dma_aware;
    unsigned min_nodes, max_nodes;
    unsigned long long max_steps;
    unsigned lock_timeout;
} parse_cases[] = {
    { "", 0, NULL, PRELOAD_PLACEMENT_AUTO, NULL, -1, 0, 0, false, false,
      0, 0, 0, PRELOAD_LOCK_TIMEOUT_DEFAULT },
    { "# only a comment\n\n   \n", 0, NULL, PRELOAD_PLACEMENT_AUTO, NULL,
      -1, 0, 0, false, false, 0, 0, 0, PRELOAD_LOCK_TIMEOUT_DEFAULT },
    { "numa_placement = \"within\"\n"
      "numa_placement_policy = 'spread'\n"
      "numa_placement_mode=\"pin\";\n"
      "numa_placement_headroom = \"256,5%\"  # both\n"
      "numa_placement_smt = \"cores\"\n"
      "numa_placement_dma_aware = 1\n"
      "numa_placement_min_nodes = 2\n"
      "numa_placement_max_nodes = 3\n"
      "numa_placement_max_steps = 1000\n"
      "numa_placement_lock_timeout = 0\n",
      0, NULL, PRELOAD_PLACEMENT_WITHIN, "spread", XLNUMA_MODE_PIN,
      256 * MIB, 5, true, true, 2, 3, 1000, 0 },
    /* later lines win, as in xl.conf */
    { "numa_placement_policy = \"packed\"\nnuma_placement_policy = greedy\n",
      0, NULL, PRELOAD_PLACEMENT_AUTO, "greedy", -1, 0, 0, false, false,
      0, 0, 0, PRELOAD_LOCK_TIMEOUT_DEFAULT },
    { "numa_placement_headroom = 512\n", 0, NULL, PRELOAD_PLACEMENT_AUTO,
      NULL, -1, 512 * MIB, 0, false, false, 0, 0, 0,
      PRELOAD_LOCK_TIMEOUT_DEFAULT },
    { "numa_placement_headroom = \"10%\"\nnuma_placement = off\n", 0, NULL,
      PRELOAD_PLACEMENT_OFF, NULL, -1, 0, 10, false, false, 0, 0, 0,
      PRELOAD_LOCK_TIMEOUT_DEFAULT },
    /* a key of a newer version: warned about, ignored */
    { "autoballoon = \"off\"\nnuma_placement_policy = closest\n", 0,
      "xlnuma.conf:1: unknown key \"autoballoon\", ignored",
      PRELOAD_PLACEMENT_AUTO, "closest", -1, 0, 0, false, false, 0, 0, 0,
      PRELOAD_LOCK_TIMEOUT_DEFAULT },
};

START_TEST(test_parse)
{
    const struct parse_case *c = &parse_cases[_i];
    preload_settings s;

    preload_settings_init(&s);
    ck_assert_int_eq(preload_settings_parse(test_lg(), c->text,
                                            "/etc/xen/xlnuma.conf", &s),
                     c->rc);
    if (c->log)
        assert_log(c->log);
    if (!c->rc) {
        ck_assert_int_eq(s.placement, c->placement);
        if (c->policy)
            ck_assert_str_eq(s.policy, c->policy);
        else
            ck_assert_ptr_null(s.policy);
        ck_assert_int_eq(s.mode_given, c->mode >= 0);
        if (c->mode >= 0)
            ck_assert_int_eq(s.mode, c->mode);
        ck_assert_uint_eq(s.headroom_kib, c->headroom_kib);
        ck_assert_uint_eq(s.headroom_pct, c->headroom_pct);
        ck_assert_int_eq(s.smt_cores, c->smt_cores);
        ck_assert_int_eq(s.dma_aware, c->dma_aware);
        ck_assert_uint_eq(s.min_nodes, c->min_nodes);
        ck_assert_uint_eq(s.max_nodes, c->max_nodes);
        ck_assert_uint_eq(s.max_steps, c->max_steps);
        ck_assert_uint_eq(s.lock_timeout, c->lock_timeout);
    }
    preload_settings_dispose(&s);
}
END_TEST

/* Errors name the file, the line and the value. */
static const struct parse_error_case {
    const char *text;
    int rc;
    const char *log;
} parse_error_cases[] = {
    { "numa_placement = \"sometimes\"\n", XLNUMA_ERROR_INVAL,
      "xlnuma.conf:1: numa_placement=\"sometimes\" is not auto, off or "
      "within" },
    { "\n\nnuma_placement_mode = \"sideways\"\n", XLNUMA_ERROR_INVAL,
      "xlnuma.conf:3: numa_placement_mode=\"sideways\" is not affinity or "
      "pin" },
    { "numa_placement_headroom = \"5%,6%\"\n", XLNUMA_ERROR_INVAL,
      "numa_placement_headroom=\"5%,6%\" is not MiB" },
    { "numa_placement_headroom = \"101%\"\n", XLNUMA_ERROR_INVAL,
      "numa_placement_headroom=\"101%\"" },
    { "numa_placement_dma_aware = yes\n", XLNUMA_ERROR_INVAL,
      "numa_placement_dma_aware=\"yes\" is not 0 or 1" },
    { "numa_placement_max_nodes = -1\n", XLNUMA_ERROR_INVAL,
      "numa_placement_max_nodes=\"-1\"" },
    { "numa_placement_max_steps = 99999999999999999999999\n",
      XLNUMA_ERROR_INVAL, "numa_placement_max_steps=\"9999" },
    { "numa_placement_lock_timeout = 86401\n", XLNUMA_ERROR_INVAL,
      "numa_placement_lock_timeout=\"86401\" is not seconds" },
    { "numa_placement_policy = \"a b\"\n", XLNUMA_ERROR_INVAL,
      "numa_placement_policy=\"a b\" is not a policy name" },
    { "numa_placement_policy\n", XLNUMA_ERROR_PARSE,
      "xlnuma.conf:1: \"numa_placement_policy\" is not KEY = VALUE" },
    { "= spread\n", XLNUMA_ERROR_PARSE, "is not KEY = VALUE" },
    { "numa_placement_policy = \"spread\n", XLNUMA_ERROR_PARSE,
      "xlnuma.conf:1: the value of numa_placement_policy has no closing \"" },
    { "numa_placement_policy = [\"spread\"]\n", XLNUMA_ERROR_PARSE,
      "numa_placement_policy= is a list" },
    { "numa_placement_policy =\n", XLNUMA_ERROR_PARSE,
      "numa_placement_policy= has no value" },
    { "numa_placement_policy = spread packed\n", XLNUMA_ERROR_PARSE,
      "xlnuma.conf:1: unexpected \"packed\" after the value" },
};

START_TEST(test_parse_error)
{
    const struct parse_error_case *c = &parse_error_cases[_i];
    preload_settings s;

    preload_settings_init(&s);
    ck_assert_int_eq(preload_settings_parse(test_lg(), c->text,
                                            "/etc/xen/xlnuma.conf", &s),
                     c->rc);
    assert_log(c->log);
    preload_settings_dispose(&s);
}
END_TEST

/* A variable beats the file, key by key; an empty one is not set. */
START_TEST(test_load_precedence)
{
    preload_settings s;
    char *conf;

    conf = write_file("xlnuma.conf",
                      "numa_placement_policy = \"packed\"\n"
                      "numa_placement_mode = \"pin\"\n"
                      "numa_placement_headroom = 64\n");
    setenv("XLNUMA_CONFIG", conf, 1);
    setenv("XLNUMA_POLICY", "closest", 1);
    setenv("XLNUMA_HEADROOM", "", 1);
    setenv("XLNUMA_MAX_NODES", "2", 1);
    preload_settings_init(&s);
    ck_assert_int_eq(preload_settings_load(test_lg(), &s), 0);
    ck_assert_str_eq(s.policy, "closest");
    ck_assert_str_eq(s.origin[PRELOAD_KEY_POLICY], "XLNUMA_POLICY");
    ck_assert(s.mode_given);
    ck_assert_int_eq(s.mode, XLNUMA_MODE_PIN);
    ck_assert_ptr_nonnull(strstr(s.origin[PRELOAD_KEY_MODE],
                                 "xlnuma.conf:2"));
    ck_assert_uint_eq(s.headroom_kib, 64 * MIB);
    ck_assert_uint_eq(s.max_nodes, 2);
    ck_assert_ptr_null(s.origin[PRELOAD_KEY_SMT]);
    preload_settings_dispose(&s);
    free(conf);
}
END_TEST

/* No file is fine; an unreadable one, or a bad variable, is not. */
START_TEST(test_load_errors)
{
    preload_settings s;
    char *path;

    preload_settings_init(&s);
    ck_assert_int_ge(asprintf(&path, "%s/absent.conf", scratch), 0);
    setenv("XLNUMA_CONFIG", path, 1);
    ck_assert_int_eq(preload_settings_load(test_lg(), &s), 0);
    ck_assert_int_eq(s.placement, PRELOAD_PLACEMENT_AUTO);

    setenv("XLNUMA_CONFIG", scratch, 1);    /* a directory */
    ck_assert_int_ne(preload_settings_load(test_lg(), &s), 0);
    assert_log(scratch);

    setenv("XLNUMA_CONFIG", "", 1);
    setenv("XLNUMA_MODE", "sideways", 1);
    ck_assert_int_eq(preload_settings_load(test_lg(), &s),
                     XLNUMA_ERROR_INVAL);
    assert_log("XLNUMA_MODE=\"sideways\" is not affinity or pin");
    unsetenv("XLNUMA_MODE");
    setenv("XLNUMA_LOCK_TIMEOUT", "1.5", 1);
    ck_assert_int_eq(preload_settings_load(test_lg(), &s),
                     XLNUMA_ERROR_INVAL);
    assert_log("XLNUMA_LOCK_TIMEOUT=\"1.5\" is not seconds");
    preload_settings_dispose(&s);
    free(path);
}
END_TEST

START_TEST(test_key_names)
{
    for (unsigned k = 0; k < PRELOAD_NR_KEYS; k++) {
        const char *f = preload_key_file_name((preload_key)k);
        const char *e = preload_key_env_name((preload_key)k);

        ck_assert_int_eq(strncmp(f, "numa_placement", 14), 0);
        ck_assert_int_eq(strncmp(e, "XLNUMA_", 7), 0);
    }
    ck_assert_str_eq(preload_key_file_name(PRELOAD_NR_KEYS), "?");
}
END_TEST

/* ========================================================== configs === */

static void lmap(libxl_bitmap *b, unsigned nr_bits, const char *list)
{
    xlnuma_bitmap t;

    libxl_bitmap_dispose(b);
    b->size = (nr_bits + 7) / 8;
    b->map = calloc(b->size, 1);
    ck_assert_ptr_nonnull(b->map);
    xlnuma_bitmap_init(&t);
    ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, list, nr_bits, &t), 0);
    xlnuma_bitmap_for_each(i, &t)
        b->map[i / 8] |= (uint8_t)(1u << (i % 8));
    xlnuma_bitmap_dispose(&t);
}

static void assert_lmap(const libxl_bitmap *b, const char *want)
{
    xlnuma_bitmap x;
    char *s;

    xlnuma_bitmap_init(&x);
    ck_assert_int_eq(xlnuma_bitmap_from_libxl(b, &x), 0);
    s = xlnuma_bitmap_format(&x);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, want);
    free(s);
    xlnuma_bitmap_dispose(&x);
}

/* A PV guest as xl builds it from memory= and vcpus=. */
static void cfg_init(libxl_domain_config *dc, const char *name, int vcpus)
{
    libxl_domain_config_init(dc);
    dc->c_info.type = LIBXL_DOMAIN_TYPE_PV;
    dc->c_info.name = strdup(name);
    ck_assert_ptr_nonnull(dc->c_info.name);
    libxl_domain_build_info_init_type(&dc->b_info, LIBXL_DOMAIN_TYPE_PV);
    dc->b_info.max_vcpus = vcpus;
    dc->b_info.max_memkb = 256 * 1024;
    dc->b_info.target_memkb = 256 * 1024;
}

static libxl_bitmap *maps(int n, const char *const *lists)
{
    libxl_bitmap *a = calloc((size_t)n, sizeof(*a));

    ck_assert_ptr_nonnull(a);
    for (int i = 0; i < n; i++) {
        libxl_bitmap_init(&a[i]);
        lmap(&a[i], CPU_BITS, lists[i]);
    }
    return a;
}

/* xl: cpus="LIST" -- the same map for every vCPU. */
static void xl_cpus(libxl_domain_config *dc, const char *list)
{
    const char *l[64];

    for (int i = 0; i < dc->b_info.max_vcpus; i++)
        l[i] = list;
    dc->b_info.vcpu_hard_affinity = maps(dc->b_info.max_vcpus, l);
    dc->b_info.num_vcpu_hard_affinity = dc->b_info.max_vcpus;
}

/* xl: cpus=["A", "B"...] -- one map per entry, libxl placement off. */
static void xl_cpus_list(libxl_domain_config *dc, int n,
                         const char *const *lists)
{
    dc->b_info.vcpu_hard_affinity = maps(n, lists);
    dc->b_info.num_vcpu_hard_affinity = n;
    libxl_defbool_set(&dc->b_info.numa_placement, false);
}

/* xl: cpus_soft="LIST" -- soft maps, libxl placement off. */
static void xl_cpus_soft(libxl_domain_config *dc, const char *list)
{
    const char *l[64];

    for (int i = 0; i < dc->b_info.max_vcpus; i++)
        l[i] = list;
    dc->b_info.vcpu_soft_affinity = maps(dc->b_info.max_vcpus, l);
    dc->b_info.num_vcpu_soft_affinity = dc->b_info.max_vcpus;
    libxl_defbool_set(&dc->b_info.numa_placement, false);
}

static char *cfg_json(libxl_domain_config *dc)
{
    char *j = libxl_domain_config_to_json(NULL, dc);

    ck_assert_ptr_nonnull(j);
    return j;
}

/* ========================================================== manual === */

static void m_none(libxl_domain_config *dc) { (void)dc; }
static void m_soft(libxl_domain_config *dc) { xl_cpus_soft(dc, "2-3"); }
static void m_hard(libxl_domain_config *dc) { xl_cpus(dc, "4-7"); }
static void m_hard_all(libxl_domain_config *dc) { xl_cpus(dc, "0-63"); }
static void m_list(libxl_domain_config *dc)
{
    static const char *const l[] = { "0", "1" };

    xl_cpus_list(dc, 2, l);
}
static void m_list_equal(libxl_domain_config *dc)
{
    static const char *const l[] = { "4-5", "4-5" };

    xl_cpus_list(dc, 2, l);
}
/* A list shorter than the vCPUs: xl leaves the others alone. */
/* cpus 2 and 4: one on node 1, one on node 2. */
static void m_list24(libxl_domain_config *dc)
{
    static const char *const l[] = { "2", "4" };

    xl_cpus_list(dc, 2, l);
}
static void m_list_short(libxl_domain_config *dc)
{
    static const char *const l[] = { "4-5" };

    dc->b_info.vcpu_hard_affinity = maps(1, l);
    dc->b_info.num_vcpu_hard_affinity = 1;
}
static void m_cpumap(libxl_domain_config *dc)
{
    lmap(&dc->b_info.cpumap, CPU_BITS, "6-7");
}
static void m_pool_name(libxl_domain_config *dc)
{
    dc->c_info.pool_name = strdup("Pool-0");
}
static void m_poolid(libxl_domain_config *dc) { dc->c_info.poolid = 3; }
static void m_vnuma(libxl_domain_config *dc)
{
    dc->b_info.num_vnuma_nodes = 2;
    dc->b_info.vnuma_nodes = calloc(2, sizeof(libxl_vnode_info));
    ck_assert_ptr_nonnull(dc->b_info.vnuma_nodes);
    libxl_vnode_info_init(&dc->b_info.vnuma_nodes[0]);
    libxl_vnode_info_init(&dc->b_info.vnuma_nodes[1]);
}
static void m_nodemap(libxl_domain_config *dc)
{
    lmap(&dc->b_info.nodemap, NODE_BITS, "1");
}
static void m_off(libxl_domain_config *dc)
{
    libxl_defbool_set(&dc->b_info.numa_placement, false);
}
static void m_on(libxl_domain_config *dc)
{
    libxl_defbool_set(&dc->b_info.numa_placement, true);
}
static void m_hard_pool(libxl_domain_config *dc)
{
    m_hard(dc);
    m_pool_name(dc);
}
static void m_soft_hard(libxl_domain_config *dc)
{
    m_hard(dc);
    m_soft(dc);
}
/* A config re-used after a placement (libxl's or ours): node map, soft
 * affinity, placement off. */
static void m_replaced(libxl_domain_config *dc)
{
    m_soft(dc);
    m_nodemap(dc);
}

static const struct manual_case {
    const char *what;
    void (*fill)(libxl_domain_config *dc);
    const char *auto_reason;        /* NULL: placed */
    bool hint;                      /* auto: suggests `within' */
    const char *within_reason;
} manual_cases[] = {
    { "plain", m_none, NULL, false, NULL },
    { "placement on", m_on, NULL, false, NULL },
    { "soft", m_soft,
      "manual placement: the config gives a soft affinity (cpus_soft=)",
      false, "a soft affinity (cpus_soft=) (XLNUMA_PLACEMENT=within honours a "
      "hard affinity and a cpupool only)" },
    { "hard", m_hard,
      "the config gives a hard affinity (cpus=) (set XLNUMA_PLACEMENT="
      "within to place the guest inside its hard affinity)", true, NULL },
    { "hard all", m_hard_all, "a hard affinity (cpus=)", true, NULL },
    { "list", m_list, "a per-vCPU hard affinity (cpus= as a list)", true,
      NULL },
    { "list of equal maps", m_list_equal,
      "a per-vCPU hard affinity (cpus= as a list)", true, NULL },
    { "short list", m_list_short,
      "a per-vCPU hard affinity (cpus= as a list)", true, NULL },
    { "cpumap", m_cpumap, "a hard affinity (cpus=)", true, NULL },
    { "pool=Pool-0", m_pool_name,
      "a cpupool (pool=\"Pool-0\") (set XLNUMA_PLACEMENT=within to place "
      "the guest inside its cpupool)", true, NULL },
    { "poolid", m_poolid, "a cpupool (poolid 3)", true, NULL },
    { "vnuma", m_vnuma, "2 virtual NUMA nodes (vnuma=)", false,
      "2 virtual NUMA nodes (vnuma=)" },
    { "nodemap", m_nodemap, "a node affinity (the build info's node map)",
      false, "a node affinity" },
    { "placement off", m_off,
      "libxl's placement turned off (numa_placement false in the build "
      "info)", false, "libxl's placement turned off" },
    { "hard and pool", m_hard_pool,
      "a hard affinity (cpus=), a cpupool (pool=\"Pool-0\") (set "
      "XLNUMA_PLACEMENT=within to place the guest inside its cpupool and "
      "hard affinity)", true, NULL },
    { "soft and hard", m_soft_hard,
      "manual placement: the config gives a soft affinity (cpus_soft=), a "
      "hard affinity (cpus=)", false, "the config gives a soft affinity" },
    { "re-used config", m_replaced,
      "a soft affinity (cpus_soft=), a node affinity", false,
      "a node affinity" },
};

START_TEST(test_manual)
{
    const struct manual_case *c = &manual_cases[_i];
    libxl_domain_config dc;
    char *r = NULL;

    cfg_init(&dc, "g1", 2);
    c->fill(&dc);
    ck_assert_int_eq(preload_manual_rule(&dc, PRELOAD_PLACEMENT_AUTO, &r),
                     0);
    if (c->auto_reason) {
        ck_assert_msg(r && strstr(r, c->auto_reason),
                      "%s (auto): \"%s\" not in \"%s\"", c->what,
                      c->auto_reason, r ? r : "(placed)");
        /* the hint is given only when `within' would place it */
        ck_assert_msg((strstr(r, "set XLNUMA_PLACEMENT=within") != NULL) ==
                      c->hint, "%s: hint: %s", c->what, r);
    } else {
        ck_assert_msg(!r, "%s (auto): placed expected, got \"%s\"",
                      c->what, r);
    }
    free(r);
    r = NULL;
    ck_assert_int_eq(preload_manual_rule(&dc, PRELOAD_PLACEMENT_WITHIN, &r),
                     0);
    if (c->within_reason)
        ck_assert_msg(r && strstr(r, c->within_reason),
                      "%s (within): \"%s\" not in \"%s\"", c->what,
                      c->within_reason, r ? r : "(placed)");
    else
        ck_assert_msg(!r, "%s (within): placed expected, got \"%s\"",
                      c->what, r);
    free(r);
    libxl_domain_config_dispose(&dc);
}
END_TEST

/* =========================================================== hosts === */

/* 4 nodes x 2 cpus (cpus 2n, 2n+1 on node n), 4 GiB each, free 1000,
 * 3000, 2000, 2500 MiB; nodes 2 and 3 are close (12), the others 20.
 * pools: cpus 6-7 (node 3) in pool 1 "p1", the rest in Pool-0. */
static const uint64_t free_mib[4] = { 1000, 3000, 2000, 2500 };

static xlnuma_host *host4(bool pools)
{
    xlnuma_host *h = NULL;
    xlnuma_bitmap p0, p1;

    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    for (unsigned n = 0; n < 4; n++) {
        ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, n, 4096 * MIB,
                                              free_mib[n] * MIB), 0);
        for (unsigned m = 0; m < 4; m++)
            ck_assert_int_eq(xlnuma_host_set_distance(
                test_ctx, h, n, m,
                n == m ? 10 : (n + m == 5 && n >= 2 && m >= 2) ? 12 : 20),
                0);
        for (unsigned c = 0; c < 2; c++)
            ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, h, 2 * n + c,
                                                 (int)c, (int)n, (int)n), 0);
    }
    if (pools) {
        xlnuma_bitmap_init(&p0);
        xlnuma_bitmap_init(&p1);
        ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, "0-5", 0, &p0), 0);
        ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, "6-7", 0, &p1), 0);
        ck_assert_int_eq(xlnuma_host_add_pool(test_ctx, h, 0, "Pool-0",
                                              "credit2", &p0), 0);
        ck_assert_int_eq(xlnuma_host_add_pool(test_ctx, h, 1, "p1",
                                              "credit2", &p1), 0);
        xlnuma_bitmap_dispose(&p0);
        xlnuma_bitmap_dispose(&p1);
    }
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    return h;
}

static xlnuma_host *host1(void)
{
    xlnuma_host *h = test_host_uniform(1, 4, 4096 * MIB, 3000 * MIB);

    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    return h;
}

/* =========================================================== decide === */

static const struct decide_case {
    const char *policy;             /* NULL: xen43 */
    const char *mode;               /* NULL: the policy's */
    const char *placement;          /* NULL: auto */
    uint64_t need_mib;
    int vcpus;                      /* max_vcpus; 0: libxl's default, 1 */
    void (*fill)(libxl_domain_config *dc);
    uint32_t poolid;
    preload_verdict verdict;
    const char *nodes, *cpus;       /* PLACED */
    bool pin;
    const char *reason;             /* SKIPPED / NOFIT */
} decide_cases[] = {
    /* one node fits (nodes 1, 2, 3 have 3000, 2000, 2500 MiB) */
    { NULL,      NULL, NULL, 1500, 2, m_none, 0, PRELOAD_PLACED,
      "1", "2-3", false, NULL },
    { "spread",  NULL, NULL, 1500, 2, m_none, 0, PRELOAD_PLACED,
      "1", "2-3", false, NULL },
    { "packed",  NULL, NULL, 1500, 2, m_none, 0, PRELOAD_PLACED,
      "2", "4-5", false, NULL },
    { "greedy",  "pin", NULL, 1500, 1, m_none, 0, PRELOAD_PLACED,
      "1", "2-3", true, NULL },
    { "xen42",   NULL, NULL, 1500, 0, m_none, 0, PRELOAD_PLACED,
      "1", "2-3", true, NULL },         /* xen42 pins by default */
    { "xen42",   "affinity", NULL, 1500, 2, m_none, 0, PRELOAD_PLACED,
      "1", "2-3", false, NULL },
    /* two nodes needed: spread takes the most free memory, packed the
     * least that fits, closest the close pair */
    { "spread",  NULL, NULL, 3500, 2, m_none, 0, PRELOAD_PLACED,
      "1,3", "2-3,6-7", false, NULL },
    { "packed",  NULL, NULL, 3500, 2, m_none, 0, PRELOAD_PLACED,
      "0,3", "0-1,6-7", false, NULL },
    { "closest", "pin", NULL, 3500, 4, m_none, 0, PRELOAD_PLACED,
      "2-3", "4-7", true, NULL },
    /* within: the hard affinity (nodes 2-3) and the pool narrow it */
    { "spread",  NULL, "within", 1500, 2, m_hard, 0, PRELOAD_PLACED,
      "3", "6-7", false, NULL },
    /* one suitable cpu per node: two nodes for two vCPUs */
    { "spread",  NULL, "within", 1500, 2, m_list24, 0, PRELOAD_PLACED,
      "1-2", "2,4", false, NULL },
    /* cpus 0-1: node 0 alone is too small */
    { "spread",  NULL, "within", 1500, 2, m_list, 0, PRELOAD_NOFIT,
      NULL, NULL, false, "the 1 suitable node has 1000 MiB free" },
    { "spread",  NULL, "within", 1500, 2, m_cpumap, 0, PRELOAD_PLACED,
      "3", "6-7", false, NULL },
    { "spread",  "pin", "within", 1500, 2, m_hard_pool, 0, PRELOAD_PLACED,
      "3", "6-7", true, NULL },
    /* the same without `within' */
    { "spread",  NULL, NULL, 1500, 2, m_hard, 0, PRELOAD_SKIPPED,
      NULL, NULL, false, "a hard affinity (cpus=)" },
    { NULL,      NULL, "off", 1500, 2, m_none, 0, PRELOAD_SKIPPED,
      NULL, NULL, false, "placement is off (XLNUMA_PLACEMENT)" },
    { NULL,      NULL, NULL, 1500, 2, m_vnuma, 0, PRELOAD_SKIPPED,
      NULL, NULL, false, "2 virtual NUMA nodes" },
    /* no candidate */
    { NULL,      NULL, NULL, 20000, 2, m_none, 0, PRELOAD_NOFIT,
      NULL, NULL, false, "not enough free memory: the guest needs 20000 "
      "MiB, the 4 suitable nodes have 8500 MiB free together" },
    { NULL,      NULL, NULL, 500, 9, m_none, 0, PRELOAD_NOFIT,
      NULL, NULL, false, "too few pCPUs: the guest has 9 vCPUs, the "
      "suitable pCPUs number 8" },
};

static int set_settings(preload_settings *s, const char *policy,
                        const char *mode, const char *placement)
{
    int rc = 0;

    if (policy)
        rc = preload_settings_set(test_lg(), s, PRELOAD_KEY_POLICY, policy,
                                  "XLNUMA_POLICY");
    if (!rc && mode)
        rc = preload_settings_set(test_lg(), s, PRELOAD_KEY_MODE, mode,
                                  "XLNUMA_MODE");
    if (!rc && placement)
        rc = preload_settings_set(test_lg(), s, PRELOAD_KEY_PLACEMENT,
                                  placement, "XLNUMA_PLACEMENT");
    return rc;
}

START_TEST(test_decide)
{
    const struct decide_case *c = &decide_cases[_i];
    xlnuma_host *h = host4(false);
    libxl_domain_config dc;
    preload_settings s;
    preload_decision d;
    preload_guest g;
    char *before, *after;
    int nv = c->vcpus ? c->vcpus : 1;

    preload_settings_init(&s);
    preload_decision_init(&d);
    preload_guest_init(&g);
    ck_assert_int_eq(set_settings(&s, c->policy, c->mode, c->placement), 0);
    cfg_init(&dc, "g1", c->vcpus);
    c->fill(&dc);
    g.need_kib = c->need_mib * MIB;
    g.vcpus = (unsigned)nv;
    g.poolid = c->poolid;
    before = cfg_json(&dc);

    ck_assert_msg(preload_decide(test_lg(), test_ctx, NULL, &s, h, &g, &dc,
                                 &d) == 0, "log:\n%s", test_log_text());
    ck_assert_int_eq(d.verdict, c->verdict);
    if (c->verdict == PRELOAD_PLACED) {
        ck_assert_str_eq(d.nodes, c->nodes);
        ck_assert_str_eq(d.cpus, c->cpus);
        ck_assert_int_eq(d.mode, c->pin ? XLNUMA_MODE_PIN
                                        : XLNUMA_MODE_AFFINITY);
        assert_lmap(&dc.b_info.nodemap, c->nodes);
        ck_assert_int_eq(dc.b_info.num_vcpu_soft_affinity, nv);
        for (int i = 0; i < nv; i++)
            assert_lmap(&dc.b_info.vcpu_soft_affinity[i], c->cpus);
        if (c->pin) {
            ck_assert_int_eq(dc.b_info.num_vcpu_hard_affinity, nv);
            for (int i = 0; i < nv; i++)
                assert_lmap(&dc.b_info.vcpu_hard_affinity[i], c->cpus);
        } else if (c->fill == m_none) {
            ck_assert_int_eq(dc.b_info.num_vcpu_hard_affinity, 0);
        }
        /* libxl's own placement is off: it must not re-place */
        ck_assert(!libxl_defbool_is_default(dc.b_info.numa_placement));
        ck_assert(!libxl_defbool_val(dc.b_info.numa_placement));
        /* a re-used config is then left alone */
        free(d.reason);
        d.reason = NULL;
        ck_assert_int_eq(preload_manual_rule(&dc, PRELOAD_PLACEMENT_AUTO,
                                             &d.reason), 0);
        ck_assert_ptr_nonnull(d.reason);
    } else {
        ck_assert_msg(strstr(d.reason, c->reason), "\"%s\" not in \"%s\"",
                      c->reason, d.reason);
        after = cfg_json(&dc);
        ck_assert_str_eq(after, before);
        free(after);
    }
    free(before);
    preload_guest_dispose(&g);
    preload_decision_dispose(&d);
    preload_settings_dispose(&s);
    libxl_domain_config_dispose(&dc);
    xlnuma_host_free(h);
}
END_TEST

/* A guest in pool 1 ("p1", node 3's cpus), within and not. */
START_TEST(test_decide_pool)
{
    xlnuma_host *h = host4(true);
    libxl_domain_config dc;
    preload_settings s;
    preload_decision d;
    preload_guest g = { .need_kib = 500 * MIB, .vcpus = 2, .poolid = 1 };

    preload_settings_init(&s);
    preload_decision_init(&d);
    cfg_init(&dc, "g1", 2);
    dc.c_info.pool_name = strdup("p1");
    ck_assert_int_eq(preload_decide(test_lg(), test_ctx, NULL, &s, h, &g,
                                    &dc, &d), 0);
    ck_assert_int_eq(d.verdict, PRELOAD_SKIPPED);
    ck_assert_ptr_nonnull(strstr(d.reason, "a cpupool (pool=\"p1\")"));
    preload_decision_dispose(&d);

    ck_assert_int_eq(set_settings(&s, "spread", NULL, "within"), 0);
    ck_assert_int_eq(preload_decide(test_lg(), test_ctx, NULL, &s, h, &g,
                                    &dc, &d), 0);
    ck_assert_int_eq(d.verdict, PRELOAD_PLACED);
    ck_assert_str_eq(d.nodes, "3");
    ck_assert_str_eq(d.cpus, "6-7");
    preload_decision_dispose(&d);
    preload_settings_dispose(&s);
    libxl_domain_config_dispose(&dc);
    xlnuma_host_free(h);
}
END_TEST

START_TEST(test_decide_one_node)
{
    xlnuma_host *h = host1();
    libxl_domain_config dc;
    preload_settings s;
    preload_decision d;
    preload_guest g = { .need_kib = 500 * MIB, .vcpus = 2 };

    preload_settings_init(&s);
    preload_decision_init(&d);
    cfg_init(&dc, "g1", 2);
    ck_assert_int_eq(preload_decide(test_lg(), test_ctx, NULL, &s, h, &g,
                                    &dc, &d), 0);
    ck_assert_int_eq(d.verdict, PRELOAD_SKIPPED);
    ck_assert_str_eq(d.reason, "the host has one NUMA node: there is "
                     "nothing to place");
    ck_assert_uint_eq(dc.b_info.nodemap.size, 0);
    preload_decision_dispose(&d);
    preload_settings_dispose(&s);
    libxl_domain_config_dispose(&dc);
    xlnuma_host_free(h);
}
END_TEST

/* Errors: logged, rc set, the config untouched. */
static void e_policy(preload_settings *s, libxl_domain_config *dc,
                     preload_guest *g)
{
    ck_assert_int_eq(set_settings(s, "nosuch", NULL, NULL), 0);
}
static void e_pin_list(preload_settings *s, libxl_domain_config *dc,
                       preload_guest *g)
{
    ck_assert_int_eq(set_settings(s, NULL, "pin", "within"), 0);
    m_list(dc);
}
static void e_no_cpu(preload_settings *s, libxl_domain_config *dc,
                     preload_guest *g)
{
    ck_assert_int_eq(set_settings(s, NULL, NULL, "within"), 0);
    xl_cpus(dc, "40-41");
}
static void e_no_need(preload_settings *s, libxl_domain_config *dc,
                      preload_guest *g)
{
    g->need_kib = 0;
}
static void e_pool_absent(preload_settings *s, libxl_domain_config *dc,
                          preload_guest *g)
{
    ck_assert_int_eq(set_settings(s, NULL, NULL, "within"), 0);
    dc->c_info.poolid = 7;
    g->poolid = 7;
}
static void e_min_max(preload_settings *s, libxl_domain_config *dc,
                      preload_guest *g)
{
    ck_assert_int_eq(preload_settings_set(test_lg(), s,
                                          PRELOAD_KEY_MIN_NODES, "3",
                                          "XLNUMA_MIN_NODES"), 0);
    ck_assert_int_eq(preload_settings_set(test_lg(), s,
                                          PRELOAD_KEY_MAX_NODES, "2",
                                          "XLNUMA_MAX_NODES"), 0);
}

static const struct decide_error_case {
    void (*mutate)(preload_settings *s, libxl_domain_config *dc,
                   preload_guest *g);
    const char *log;
} decide_error_cases[] = {
    { e_policy,      "XLNUMA_POLICY: unknown policy \"nosuch\"" },
    { e_pin_list,    "pin mode would replace the per-vCPU hard affinity" },
    { e_no_cpu,      "the hard affinity holds no cpu of this host (it has "
                     "8)" },
    { e_no_need,     "libxl gave a need of 0 KiB and 2 vCPUs" },
    { e_pool_absent, "the guest's cpupool 7 is not on the host" },
    { e_min_max,     "the engine refused the request" },
};

START_TEST(test_decide_error)
{
    const struct decide_error_case *c = &decide_error_cases[_i];
    xlnuma_host *h = host4(false);
    libxl_domain_config dc;
    preload_settings s;
    preload_decision d;
    preload_guest g = { .need_kib = 500 * MIB, .vcpus = 2 };
    char *before, *after;

    preload_settings_init(&s);
    preload_decision_init(&d);
    cfg_init(&dc, "g1", 2);
    c->mutate(&s, &dc, &g);
    before = cfg_json(&dc);
    ck_assert_int_ne(preload_decide(test_lg(), test_ctx, NULL, &s, h, &g,
                                    &dc, &d), 0);
    assert_log(c->log);
    after = cfg_json(&dc);
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
    preload_decision_dispose(&d);
    preload_settings_dispose(&s);
    libxl_domain_config_dispose(&dc);
    xlnuma_host_free(h);
}
END_TEST

/* ========================================================== session === */

/* The fake I/O and the fake real function. */
static struct {
    int open_rc, guest_rc, host_rc;
    bool one_node;
    uint64_t need_mib;
    /* what the real function saw */
    int calls;
    char *json;
    int lock_held;              /* another process could not take it */
    int rc;                     /* what it returns */
    libxl_ctx *ctx;
    uint32_t *domid;
    const libxl_asyncop_how *ao;
    const libxl_asyncprogress_how *aop;
    int restore_fd, send_back_fd;
    const libxl_domain_restore_params *params;
    /* threads */
    unsigned sleep_ms;
    int in_flight, max_in_flight;
    pthread_mutex_t m;
    /* nested */
    bool nest;
    int inner_calls;
} fk;

static int fake_open(xentoollog_logger *lg, libxl_ctx **lctx_r)
{
    if (fk.open_rc) {
        PLOG(lg, ERROR, "fake: libxl_ctx_alloc failed");
        return fk.open_rc;
    }
    *lctx_r = NULL;
    return 0;
}

static void fake_close(libxl_ctx *lctx)
{
    ck_assert_ptr_null(lctx);
}

static int fake_guest(xentoollog_logger *lg, libxl_ctx *lctx,
                      const libxl_domain_config *dc, preload_guest *g_r)
{
    if (fk.guest_rc) {
        PLOG(lg, ERROR, "fake: libxl_domain_need_memory failed");
        return fk.guest_rc;
    }
    g_r->need_kib = fk.need_mib * MIB;
    g_r->vcpus = dc->b_info.max_vcpus > 0 ? (unsigned)dc->b_info.max_vcpus
                                          : 1;
    g_r->poolid = dc->c_info.poolid;
    return 0;
}

static int fake_host(xlnuma_ctx *ctx, libxl_ctx *lctx, xlnuma_host **host_r)
{
    if (fk.host_rc) {
        PLOG(xlnuma_test_logger_xtl(test_log), ERROR,
             "fake: libxl_get_numainfo failed");
        return fk.host_rc;
    }
    *host_r = fk.one_node ? host1() : host4(false);
    return 0;
}

static preload_ops fake_ops(void)
{
    preload_ops o = {
        .logger = xlnuma_test_logger_xtl(test_log),
        .open = fake_open,
        .close = fake_close,
        .guest = fake_guest,
        .host = fake_host,
    };

    return o;
}

/* Runs fn in a child process and returns the byte it reports through a
 * pipe (not its exit status, which valgrind's --error-exitcode may
 * replace in a child that leaves the parent's heap behind). */
static int in_child(char (*fn)(void))
{
    char c = 'E';
    int pfd[2], st;
    pid_t pid;

    ck_assert_int_eq(pipe(pfd), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (!pid) {
        close(pfd[0]);
        c = fn();
        if (write(pfd[1], &c, 1) != 1)
            _exit(3);
        _exit(0);
    }
    close(pfd[1]);
    ck_assert_int_eq(read(pfd[0], &c, 1), 1);
    close(pfd[0]);
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    return c;
}

static char probe_lock(void)
{
    int fd = -1, e = hostlock_take(lock_path, 0, &fd, NULL, NULL);

    return e == ETIMEDOUT ? 'H' : e ? 'E' : 'F';
}

/* Whether another process finds the lock taken right now. */
static int lock_held_elsewhere(void)
{
    int c = in_child(probe_lock);

    ck_assert_msg(c == 'H' || c == 'F', "the lock probe failed");
    return c == 'H';
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { .tv_sec = ms / 1000,
                           .tv_nsec = (long)(ms % 1000) * 1000000 };

    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

static int fake_real_new(libxl_ctx *ctx, libxl_domain_config *d_config,
                         uint32_t *domid, const libxl_asyncop_how *ao_how,
                         const libxl_asyncprogress_how *aop_console_how);

static int inner_real(libxl_ctx *ctx, libxl_domain_config *d_config,
                      uint32_t *domid, const libxl_asyncop_how *ao_how,
                      const libxl_asyncprogress_how *aop_console_how)
{
    fk.inner_calls++;
    return 0;
}

static int fake_real_new(libxl_ctx *ctx, libxl_domain_config *d_config,
                         uint32_t *domid, const libxl_asyncop_how *ao_how,
                         const libxl_asyncprogress_how *aop_console_how)
{
    pthread_mutex_lock(&fk.m);
    fk.calls++;
    free(fk.json);
    fk.json = d_config ? libxl_domain_config_to_json(NULL, d_config)
                       : strdup("(no config)");
    fk.ctx = ctx;
    fk.domid = domid;
    fk.ao = ao_how;
    fk.aop = aop_console_how;
    if (++fk.in_flight > fk.max_in_flight)
        fk.max_in_flight = fk.in_flight;
    pthread_mutex_unlock(&fk.m);
    if (!fk.sleep_ms)
        fk.lock_held = lock_held_elsewhere();
    else
        sleep_ms(fk.sleep_ms);
    if (fk.nest) {
        preload_ops o = fake_ops();
        libxl_domain_config inner;

        cfg_init(&inner, "inner", 1);
        ck_assert_int_eq(preload_create_new(&o, inner_real, ctx, &inner,
                                            domid, NULL, NULL), 0);
        libxl_domain_config_dispose(&inner);
    }
    pthread_mutex_lock(&fk.m);
    fk.in_flight--;
    pthread_mutex_unlock(&fk.m);
    return fk.rc;
}

static int fake_real_restore(libxl_ctx *ctx, libxl_domain_config *d_config,
                             uint32_t *domid, int restore_fd,
                             int send_back_fd,
                             const libxl_domain_restore_params *params,
                             const libxl_asyncop_how *ao_how,
                             const libxl_asyncprogress_how *aop_console_how)
{
    fk.restore_fd = restore_fd;
    fk.send_back_fd = send_back_fd;
    fk.params = params;
    return fake_real_new(ctx, d_config, domid, ao_how, aop_console_how);
}

static void session_setup(void)
{
    setup();
    memset(&fk, 0, sizeof(fk));
    pthread_mutex_init(&fk.m, NULL);
    fk.need_mib = 1500;
    fk.lock_held = -1;
}

static void session_teardown(void)
{
    free(fk.json);
    pthread_mutex_destroy(&fk.m);
    teardown();
}

/* Stand-ins for the caller's pointers: only their identity matters. */
static int fake_lctx_storage;
#define FAKE_CALLER_CTX ((libxl_ctx *)&fake_lctx_storage)
static const libxl_asyncop_how fake_ao;
static const libxl_asyncprogress_how fake_aop;

static void sv_ok(libxl_domain_config *dc) { (void)dc; }
static void sv_open(libxl_domain_config *dc) { fk.open_rc = -5; }
static void sv_guest(libxl_domain_config *dc) { fk.guest_rc = -5; }
static void sv_host(libxl_domain_config *dc) { fk.host_rc = -5; }
static void sv_hook(libxl_domain_config *dc)
{
    setenv("XLNUMA_PRELOAD_FAIL", "1", 1);
}
static void sv_hook_zero(libxl_domain_config *dc)
{
    setenv("XLNUMA_PRELOAD_FAIL", "0", 1);
}
static void sv_policy(libxl_domain_config *dc)
{
    setenv("XLNUMA_POLICY", "nosuch", 1);
}
static void sv_bad_env(libxl_domain_config *dc)
{
    setenv("XLNUMA_MODE", "sideways", 1);
}
static void sv_bad_file(libxl_domain_config *dc)
{
    char *p = write_file("bad.conf", "numa_placement = maybe\n");

    setenv("XLNUMA_CONFIG", p, 1);
    free(p);
}
static void sv_manual(libxl_domain_config *dc) { m_soft(dc); }
static void sv_off(libxl_domain_config *dc)
{
    setenv("XLNUMA_PLACEMENT", "off", 1);
}
static void sv_nofit(libxl_domain_config *dc) { fk.need_mib = 20000; }
static void sv_one_node(libxl_domain_config *dc) { fk.one_node = true; }
static void sv_no_lock(libxl_domain_config *dc)
{
    char *p;

    ck_assert_int_ge(asprintf(&p, "%s/no/such/dir/lock", scratch), 0);
    setenv("XLNUMA_LOCK", p, 1);
    free(p);
}
static void sv_fail_real(libxl_domain_config *dc) { fk.rc = ERROR_FAIL; }

static const struct session_case {
    const char *what;
    void (*mutate)(libxl_domain_config *dc);
    bool placed;                    /* the real function saw a decision */
    int lock;                       /* held during the real call: 1/0 */
    const char *log;
} session_cases[] = {
    { "placed",       sv_ok,        true,  1,
      "g1: placed: nodes=1 cpus=2-3 policy=xen43 mode=affinity "
      "need_memkb=1536000 vcpus=2" },
    { "open fails",   sv_open,      false, 1,
      "g1: no placement (libxl did not open); libxl creates the guest as "
      "it would have" },
    { "need fails",   sv_guest,     false, 1,
      "no placement (libxl did not compute the guest's memory need)" },
    { "host fails",   sv_host,      false, 1,
      "no placement (the host could not be read)" },
    { "test hook",    sv_hook,      false, 1,
      "XLNUMA_PRELOAD_FAIL is set: failing on purpose" },
    { "hook off",     sv_hook_zero, true,  1, "placed: nodes=1" },
    { "bad policy",   sv_policy,    false, 1,
      "no placement (no decision was reached)" },
    { "bad variable", sv_bad_env,   false, 0,
      "no placement (its settings are not usable)" },
    { "bad file",     sv_bad_file,  false, 0,
      "bad.conf:1: numa_placement=\"maybe\" is not auto, off or within" },
    { "manual",       sv_manual,    false, 1,
      "g1: manual placement: the config gives a soft affinity (cpus_soft=); "
      "libxl creates it as configured" },
    { "off",          sv_off,       false, 0,
      "placement is off (XLNUMA_PLACEMENT); the module steps aside" },
    { "no fit",       sv_nofit,     false, 1,
      "g1: no placement: not enough free memory" },
    { "one node",     sv_one_node,  false, 1, "the host has one NUMA node" },
    { "no lock",      sv_no_lock,   false, 0,
      "cannot open the host lock" },
    { "real fails",   sv_fail_real, true,  1, "placed: nodes=1" },
};

static void check_session(const struct session_case *c, bool restore)
{
    preload_ops o = fake_ops();
    libxl_domain_config dc;
    libxl_domain_restore_params params;
    uint32_t domid = 0;
    char *before;
    int rc;

    cfg_init(&dc, "g1", 2);
    c->mutate(&dc);
    before = cfg_json(&dc);
    if (restore) {
        libxl_domain_restore_params_init(&params);
        rc = preload_create_restore(&o, fake_real_restore, FAKE_CALLER_CTX,
                                    &dc, &domid, 11, 12, &params, &fake_ao,
                                    &fake_aop);
        ck_assert_int_eq(fk.restore_fd, 11);
        ck_assert_int_eq(fk.send_back_fd, 12);
        ck_assert_ptr_eq(fk.params, &params);
        libxl_domain_restore_params_dispose(&params);
    } else {
        rc = preload_create_new(&o, fake_real_new, FAKE_CALLER_CTX, &dc,
                                &domid, &fake_ao, &fake_aop);
    }
    /* the real function ran once, with the caller's arguments, and its
     * rc is what the caller gets */
    ck_assert_int_eq(fk.calls, 1);
    ck_assert_int_eq(rc, fk.rc);
    ck_assert_ptr_eq(fk.ctx, FAKE_CALLER_CTX);
    ck_assert_ptr_eq(fk.domid, &domid);
    ck_assert_ptr_eq(fk.ao, &fake_ao);
    ck_assert_ptr_eq(fk.aop, &fake_aop);
    assert_log(c->log);
    assert_log(restore ? "libxl_domain_create_restore: g1: "
                       : "libxl_domain_create_new: g1: ");
    if (c->placed) {
        ck_assert_str_ne(fk.json, before);
        assert_lmap(&dc.b_info.nodemap, "1");
        ck_assert_int_eq(dc.b_info.num_vcpu_soft_affinity, 2);
    } else {
        /* failure is never worse than libxl: the config as it was */
        ck_assert_str_eq(fk.json, before);
    }
    ck_assert_msg(fk.lock_held == c->lock, "%s: lock during the real call: "
                  "%d, expected %d", c->what, fk.lock_held, c->lock);
    /* and released afterwards */
    ck_assert_int_eq(lock_held_elsewhere(), 0);
    free(before);
    libxl_domain_config_dispose(&dc);
}

START_TEST(test_session)
{
    check_session(&session_cases[_i], false);
}
END_TEST

START_TEST(test_session_restore)
{
    check_session(&session_cases[_i], true);
}
END_TEST

START_TEST(test_session_no_real)
{
    preload_ops o = fake_ops();
    libxl_domain_config dc;
    uint32_t domid;

    cfg_init(&dc, "g1", 2);
    ck_assert_int_eq(preload_create_new(&o, NULL, FAKE_CALLER_CTX, &dc,
                                        &domid, NULL, NULL), ERROR_FAIL);
    assert_log("libxl_domain_create_new: the real function was not found");
    ck_assert_uint_eq(dc.b_info.nodemap.size, 0);
    ck_assert_int_eq(preload_create_restore(&o, NULL, FAKE_CALLER_CTX, &dc,
                                            &domid, 3, -1, NULL, NULL,
                                            NULL), ERROR_FAIL);
    assert_log("libxl_domain_create_restore: the real function was not "
               "found");
    libxl_domain_config_dispose(&dc);
}
END_TEST

START_TEST(test_session_no_config)
{
    preload_ops o = fake_ops();
    uint32_t domid;

    ck_assert_int_eq(preload_create_new(&o, fake_real_new, FAKE_CALLER_CTX,
                                        NULL, &domid, NULL, NULL), 0);
    ck_assert_int_eq(fk.calls, 1);
    assert_log("called without a domain config");
}
END_TEST

/* The live ops where they cannot succeed (no Xen here), or with the test
 * hook (Xen here): the real function gets the config unchanged. */
START_TEST(test_session_live_ops)
{
    preload_ops o = preload_live_ops;
    libxl_domain_config dc;
    uint32_t domid;
    char *before;

    o.logger = xlnuma_test_logger_xtl(test_log);
    setenv("XLNUMA_PRELOAD_FAIL", "1", 1);
    cfg_init(&dc, "g1", 2);
    before = cfg_json(&dc);
    ck_assert_int_eq(preload_create_new(&o, fake_real_new, FAKE_CALLER_CTX,
                                        &dc, &domid, NULL, NULL), 0);
    ck_assert_int_eq(fk.calls, 1);
    ck_assert_str_eq(fk.json, before);
    assert_log("g1: no placement (");
    free(before);
    libxl_domain_config_dispose(&dc);
}
END_TEST

/* Threads of one process (libvirtd) create one at a time. */
static void *thread_create(void *arg)
{
    preload_ops o = fake_ops();
    libxl_domain_config dc;
    uint32_t domid;
    int rc;

    cfg_init(&dc, (const char *)arg, 2);
    rc = preload_create_new(&o, fake_real_new, FAKE_CALLER_CTX, &dc, &domid,
                            NULL, NULL);
    libxl_domain_config_dispose(&dc);
    return (void *)(intptr_t)rc;
}

START_TEST(test_session_threads)
{
    pthread_t t[3];
    void *r;

    fk.sleep_ms = 150;
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, thread_create,
                                        (void *)(i ? "gB" : "gA")), 0);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(pthread_join(t[i], &r), 0);
        ck_assert_ptr_null(r);
    }
    ck_assert_int_eq(fk.calls, 3);
    ck_assert_int_eq(fk.max_in_flight, 1);
}
END_TEST

/* A create called from within another (a callback) is left alone and
 * does not deadlock; the outer one keeps its lock. */
START_TEST(test_session_nested)
{
    preload_ops o = fake_ops();
    libxl_domain_config dc;
    uint32_t domid;

    fk.nest = true;
    cfg_init(&dc, "outer", 2);
    ck_assert_int_eq(preload_create_new(&o, fake_real_new, FAKE_CALLER_CTX,
                                        &dc, &domid, NULL, NULL), 0);
    ck_assert_int_eq(fk.inner_calls, 1);
    ck_assert_int_eq(fk.lock_held, 1);
    assert_log("inner: called from within another create");
    assert_log("outer: placed");
    libxl_domain_config_dispose(&dc);
}
END_TEST

/* Another process holds the lock: we wait, up to the timeout, then let
 * libxl create the guest as it would have. */
START_TEST(test_session_lock_busy)
{
    preload_ops o = fake_ops();
    libxl_domain_config dc;
    uint32_t domid;
    char *before, buf[32];
    int pfd[2], st;
    pid_t holder;

    ck_assert_int_eq(pipe(pfd), 0);
    holder = fork();
    ck_assert_int_ge(holder, 0);
    if (!holder) {
        int fd = -1;

        close(pfd[0]);
        if (hostlock_take(lock_path, -1, &fd, NULL, NULL))
            _exit(1);
        if (write(pfd[1], "x", 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    close(pfd[1]);
    ck_assert_int_eq(read(pfd[0], buf, 1), 1);
    close(pfd[0]);

    setenv("XLNUMA_LOCK_TIMEOUT", "1", 1);
    cfg_init(&dc, "g1", 2);
    before = cfg_json(&dc);
    ck_assert_int_eq(preload_create_new(&o, fake_real_new, FAKE_CALLER_CTX,
                                        &dc, &domid, NULL, NULL), 0);
    kill(holder, SIGKILL);
    ck_assert_int_eq(waitpid(holder, &st, 0), holder);
    ck_assert_int_eq(fk.calls, 1);
    ck_assert_str_eq(fk.json, before);
    snprintf(buf, sizeof(buf), "held by process %d", (int)holder);
    assert_log(buf);
    assert_log("was still held by process");
    assert_log("XLNUMA_LOCK_TIMEOUT");
    assert_log("no placement (the host lock was not taken)");
    free(before);
    libxl_domain_config_dispose(&dc);
}
END_TEST

/* xl-numa create holds the lock and runs xl, which has the module: the
 * module must not wait for its own parent. */
/* The child of a process holding the lock. */
static char lock_parent_child(void)
{
    preload_ops o = fake_ops();
    libxl_domain_config dc;
    uint32_t domid;
    char *before;
    bool ok;

    cfg_init(&dc, "g1", 2);
    before = libxl_domain_config_to_json(NULL, &dc);
    fk.sleep_ms = 1;    /* no lock probe from here */
    preload_create_new(&o, fake_real_new, FAKE_CALLER_CTX, &dc, &domid,
                       NULL, NULL);
    ok = fk.calls == 1 && before && fk.json && !strcmp(before, fk.json) &&
         strstr(test_log_text(), "is held by our parent");
    return ok ? 'Y' : 'N';
}

/* The process holding the lock: runs lock_parent_child in a child. */
static char lock_parent(void)
{
    int fd = -1;

    if (hostlock_take(lock_path, -1, &fd, NULL, NULL))
        return 'L';
    return in_child(lock_parent_child);
}

START_TEST(test_session_lock_parent)
{
    ck_assert_int_eq(in_child(lock_parent), 'Y');
}
END_TEST

/* =========================================================== module === */

#ifdef XLNUMA_TEST_SANITIZERS
/* A sanitized module cannot be preloaded into other programs. */
#define NEED_PRELOAD() return
#else
#define NEED_PRELOAD() do { } while (0)
#endif

/* The built module exports the two entry points, nothing else. */
START_TEST(test_module_exports)
{
    static const char *const hidden[] = {
        "preload_create_new", "preload_decide", "hostlock_take",
        "xlnuma_place", "xlnuma_host_from_libxl", "preload_live_ops",
    };
    Dl_info info;
    void *h, *sym;

    h = dlopen(PRELOAD_BUILD_MODULE, RTLD_NOW | RTLD_LOCAL);
    ck_assert_msg(h, "dlopen %s: %s", PRELOAD_BUILD_MODULE, dlerror());
    for (int i = 0; i < 2; i++) {
        sym = dlsym(h, i ? "libxl_domain_create_restore"
                         : "libxl_domain_create_new");
        ck_assert_ptr_nonnull(sym);
        ck_assert(dladdr(sym, &info));
        ck_assert_ptr_nonnull(strstr(info.dli_fname,
                                     "libxlnuma-preload.so"));
    }
    for (size_t i = 0; i < ARRAY_SIZE(hidden); i++)
        ck_assert_msg(!dlsym(h, hidden[i]), "%s is exported", hidden[i]);
    dlclose(h);
}
END_TEST

/* Runs this program again as the probe (see main) and returns its
 * output; with_module: LD_PRELOAD names the built module. */
static char *probe(bool with_module)
{
    char exe[PATH_MAX], *out = NULL;
    size_t len = 0;
    ssize_t n;
    int pfd[2], st;
    pid_t pid;

    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    ck_assert_int_gt(n, 0);
    exe[n] = '\0';
    ck_assert_int_eq(pipe(pfd), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (!pid) {
        dup2(pfd[1], STDOUT_FILENO);
        close(pfd[0]);
        close(pfd[1]);
        if (with_module)
            setenv("LD_PRELOAD", PRELOAD_BUILD_MODULE, 1);
        else
            unsetenv("LD_PRELOAD");
        execl(exe, exe, "--bind-probe", (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    out = calloc(1, 4096);
    ck_assert_ptr_nonnull(out);
    while ((n = read(pfd[0], out + len, 4095 - len)) > 0)
        len += (size_t)n;
    close(pfd[0]);
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 0);
    return out;
}

/* A program linked against libxenlight references
 * libxl_domain_create_new@VERS_4.17.0; preloaded, our unversioned
 * definition is the one it binds to. */
START_TEST(test_module_binds)
{
    char *out;

    NEED_PRELOAD();
    out = probe(false);
    ck_assert_msg(strstr(out, "new libxenlight") &&
                  strstr(out, "restore libxenlight"), "%s", out);
    free(out);
    out = probe(true);
    ck_assert_msg(strstr(out, "new libxlnuma-preload.so") &&
                  strstr(out, "restore libxlnuma-preload.so"), "%s", out);
    free(out);
}
END_TEST

/* ---- xl-numa xl, with a fake xl that writes what it got ---- */

static char *xlnuma_bin(void)
{
    const char *b = getenv("XL_NUMA");

    if (!b || access(b, X_OK))
        return NULL;
    return strdup(b);
}

static bool have_xlnuma(void)
{
    char *b = xlnuma_bin();
    bool ok = b != NULL;

    free(b);
    return ok;
}

static char *slurp(const char *path)
{
    char *buf = calloc(1, 8192);
    FILE *f = fopen(path, "r");

    ck_assert_ptr_nonnull(buf);
    ck_assert_ptr_nonnull(f);
    ck_assert(fread(buf, 1, 8191, f) < 8191);
    fclose(f);
    return buf;
}

/* Runs `xl-numa ARGS' with a fake xl; returns its exit status and, in
 * *out_r, what the fake xl wrote (NULL if it did not run), in *err_r
 * xl-numa's stderr and in *stdout_r (may be NULL) its stdout. */
static int run_xlnuma(char *const *args, const char *ld_preload,
                      char **out_r, char **err_r, char **stdout_r)
{
    char *fake, *outp, *errp, *stdp, *bin = xlnuma_bin(), **argv;
    size_t n = 0;
    int st;
    pid_t pid;

    ck_assert_ptr_nonnull(bin);
    ck_assert_int_ge(asprintf(&outp, "%s/fake.out", scratch), 0);
    ck_assert_int_ge(asprintf(&errp, "%s/xl-numa.err", scratch), 0);
    ck_assert_int_ge(asprintf(&stdp, "%s/xl-numa.out", scratch), 0);
    fake = write_file("fake-xl",
                      "#!/bin/sh\n"
                      ": > \"$FAKE_XL_OUT\"\n"
                      "for a in \"$@\"; do printf 'arg=%s\\n' \"$a\" >> "
                      "\"$FAKE_XL_OUT\"; done\n"
                      "env | grep -E '^(LD_PRELOAD|XLNUMA_[A-Z_]+)=' | "
                      "grep -v '^XLNUMA_XL=' | LC_ALL=C sort >> "
                      "\"$FAKE_XL_OUT\"\n"
                      "exit 7\n");
    ck_assert_int_eq(chmod(fake, 0755), 0);
    unlink(outp);
    while (args[n])
        n++;
    argv = calloc(n + 2, sizeof(*argv));
    ck_assert_ptr_nonnull(argv);
    argv[0] = bin;
    memcpy(argv + 1, args, n * sizeof(*argv));

    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (!pid) {
        int fd = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fd1 = open(stdp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        if (fd < 0 || dup2(fd, STDERR_FILENO) < 0 || fd1 < 0 ||
            dup2(fd1, STDOUT_FILENO) < 0)
            _exit(126);
        setenv("XLNUMA_XL", fake, 1);
        setenv("FAKE_XL_OUT", outp, 1);
        unsetenv("XLNUMA_LOCK");
        unsetenv("XLNUMA_CONFIG");
        if (ld_preload)
            setenv("LD_PRELOAD", ld_preload, 1);
        else
            unsetenv("LD_PRELOAD");
        execv(bin, argv);
        _exit(127);
    }
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st));

    *out_r = access(outp, F_OK) ? NULL : slurp(outp);
    *err_r = slurp(errp);
    if (stdout_r)
        *stdout_r = slurp(stdp);
    free(argv);
    free(bin);
    free(fake);
    free(outp);
    free(errp);
    free(stdp);
    return WEXITSTATUS(st);
}

START_TEST(test_xl_verb)
{
    char *args[] = {
        "xl", "--policy", "spread", "--mode=pin", "--headroom", "256",
        "--headroom", "5%", "--placement", "within", "--smt-cores",
        "--dma-aware", "--lock-timeout", "7", "--max-nodes", "2", "--",
        "create", "my g.cfg", "name=\"a b\"", NULL,
    };
    char *out, *err, *want;

    NEED_PRELOAD();
    if (!have_xlnuma())
        return;     /* built with --disable-xl-ext */
    ck_assert_int_eq(run_xlnuma(args, "libm.so.6", &out, &err, NULL), 7);
    ck_assert_msg(out, "the fake xl did not run; xl-numa said:\n%s", err);
    ck_assert_int_ge(asprintf(&want,
                              "arg=create\n"
                              "arg=my g.cfg\n"
                              "arg=name=\"a b\"\n"
                              "LD_PRELOAD=%s:libm.so.6\n"
                              "XLNUMA_DMA_AWARE=1\n"
                              "XLNUMA_HEADROOM=256,5%%\n"
                              "XLNUMA_LOCK_TIMEOUT=7\n"
                              "XLNUMA_MAX_NODES=2\n"
                              "XLNUMA_MODE=pin\n"
                              "XLNUMA_PLACEMENT=within\n"
                              "XLNUMA_POLICY=spread\n"
                              "XLNUMA_SMT=cores\n",
                              PRELOAD_BUILD_MODULE), 0);
    ck_assert_str_eq(out, want);
    free(want);
    free(out);
    free(err);
}
END_TEST

/* Without options: only LD_PRELOAD; xl's own options pass through; -v
 * sets XLNUMA_VERBOSE. */
START_TEST(test_xl_verb_plain)
{
    char *args[] = { "-vv", "xl", "-vvv", "create", "g.cfg", NULL };
    char *out, *err, *want;

    NEED_PRELOAD();
    if (!have_xlnuma())
        return;
    ck_assert_int_eq(run_xlnuma(args, NULL, &out, &err, NULL), 7);
    ck_assert_msg(out, "the fake xl did not run; xl-numa said:\n%s", err);
    ck_assert_int_ge(asprintf(&want,
                              "arg=-vvv\narg=create\narg=g.cfg\n"
                              "LD_PRELOAD=%s\nXLNUMA_VERBOSE=2\n",
                              PRELOAD_BUILD_MODULE), 0);
    ck_assert_str_eq(out, want);
    ck_assert_ptr_nonnull(strstr(err, "xl-numa: running: LD_PRELOAD="));
    free(want);
    free(out);
    free(err);
}
END_TEST

static const struct xl_error_case {
    const char *args[6];
    const char *err;
} xl_error_cases[] = {
    { { "xl", NULL }, "xl's arguments are missing" },
    { { "xl", "--policy", NULL }, "--policy needs a value" },
    { { "xl", "--policy", "nosuch", "create", "g", NULL },
      "unknown policy \"nosuch\"" },
    { { "xl", "--mode", "sideways", "create", NULL },
      "--mode \"sideways\": affinity or pin" },
    { { "xl", "--placement", "maybe", "create", NULL },
      "--placement \"maybe\": auto, off or within" },
    { { "xl", "--headroom", "101%", "create", NULL }, "--headroom" },
    { { "xl", "--lock-timeout", "86401", "create", NULL },
      "--lock-timeout: 86401 is too large" },
    { { "xl", "--smt-cores=1", "create", NULL },
      "--smt-cores takes no value" },
    { { "xl", "--dry-run", "create", NULL }, "unknown option --dry-run" },
};

START_TEST(test_xl_verb_errors)
{
    const struct xl_error_case *c = &xl_error_cases[_i];
    char *out, *err;

    NEED_PRELOAD();
    if (!have_xlnuma())
        return;
    ck_assert_int_eq(run_xlnuma((char *const *)c->args, NULL, &out, &err,
                                NULL), 1);
    ck_assert_ptr_null(out);
    ck_assert_msg(strstr(err, c->err), "\"%s\" not in:\n%s", c->err, err);
    free(err);
}
END_TEST

START_TEST(test_xl_verb_module)
{
    char *args[] = { "xl", "--print-module", NULL };
    char *out, *err, *std, *want;

    NEED_PRELOAD();
    if (!have_xlnuma())
        return;
    /* from the build tree: the build tree's module */
    ck_assert_int_eq(run_xlnuma(args, NULL, &out, &err, &std), 0);
    ck_assert_ptr_null(out);
    ck_assert_int_ge(asprintf(&want, "%s\n", PRELOAD_BUILD_MODULE), 0);
    ck_assert_str_eq(std, want);
    free(want);
    free(std);
    free(err);
    /* XLNUMA_PRELOAD names another copy */
    want = strdup(PRELOAD_BUILD_MODULE);
    ck_assert_ptr_nonnull(want);
    *strrchr(want, '/') = '\0';
    ck_assert_int_eq(chdir(want), 0);
    free(want);
    setenv("XLNUMA_PRELOAD", "libxlnuma-preload.so", 1);
    ck_assert_int_eq(run_xlnuma(args, NULL, &out, &err, NULL), 1);
    ck_assert_ptr_nonnull(strstr(err, "is not an absolute path"));
    free(err);
    ck_assert_int_ge(asprintf(&want, "%s/absent.so", scratch), 0);
    setenv("XLNUMA_PRELOAD", want, 1);
    ck_assert_int_eq(run_xlnuma(args, NULL, &out, &err, NULL), 1);
    ck_assert_ptr_nonnull(strstr(err, "cannot use the placement module"));
    ck_assert_ptr_nonnull(strstr(err, want));
    free(err);
    free(want);
}
END_TEST

/* ============================================================= main === */

static int bind_probe(void)
{
    void *fns[2] = { (void *)&libxl_domain_create_new,
                     (void *)&libxl_domain_create_restore };
    const char *names[2] = { "new", "restore" };
    Dl_info info;

    for (int i = 0; i < 2; i++) {
        const char *base;

        if (!dladdr(fns[i], &info) || !info.dli_fname)
            return 1;
        base = strrchr(info.dli_fname, '/');
        base = base ? base + 1 : info.dli_fname;
        /* "libxenlight.so.4.17" -> "libxenlight" */
        printf("%s %.*s\n", names[i],
               strncmp(base, "libxenlight", 11) ? (int)strlen(base) : 11,
               base);
    }
    return 0;
}

int main(int argc, char **argv)
{
    Suite *s;
    TCase *tc;

    if (argc == 2 && !strcmp(argv[1], "--bind-probe"))
        return bind_probe();

    s = suite_create("preload");

    tc = tcase_create("settings");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_parse, 0, ARRAY_SIZE(parse_cases));
    tcase_add_loop_test(tc, test_parse_error, 0,
                        ARRAY_SIZE(parse_error_cases));
    tcase_add_test(tc, test_load_precedence);
    tcase_add_test(tc, test_load_errors);
    tcase_add_test(tc, test_key_names);
    suite_add_tcase(s, tc);

    tc = tcase_create("manual");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_manual, 0, ARRAY_SIZE(manual_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("decide");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_decide, 0, ARRAY_SIZE(decide_cases));
    tcase_add_test(tc, test_decide_pool);
    tcase_add_test(tc, test_decide_one_node);
    tcase_add_loop_test(tc, test_decide_error, 0,
                        ARRAY_SIZE(decide_error_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("session");
    tcase_add_checked_fixture(tc, session_setup, session_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_session, 0, ARRAY_SIZE(session_cases));
    tcase_add_loop_test(tc, test_session_restore, 0,
                        ARRAY_SIZE(session_cases));
    tcase_add_test(tc, test_session_no_real);
    tcase_add_test(tc, test_session_no_config);
    tcase_add_test(tc, test_session_live_ops);
    tcase_add_test(tc, test_session_threads);
    tcase_add_test(tc, test_session_nested);
    tcase_add_test(tc, test_session_lock_busy);
    tcase_add_test(tc, test_session_lock_parent);
    suite_add_tcase(s, tc);

    tc = tcase_create("module");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_module_exports);
    tcase_add_test(tc, test_module_binds);
    tcase_add_test(tc, test_xl_verb);
    tcase_add_test(tc, test_xl_verb_plain);
    tcase_add_loop_test(tc, test_xl_verb_errors, 0,
                        ARRAY_SIZE(xl_error_cases));
    tcase_add_test(tc, test_xl_verb_module);
    suite_add_tcase(s, tc);

    return xlnuma_test_run(s);
}
