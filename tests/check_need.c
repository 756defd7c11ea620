/* SPDX-License-Identifier: LGPL-2.1-only */
/* check_need.c: libxl 4.17's memory need (docs/placement.md, "Need"). */
#include "testutil.h"

#define M(x) ((uint64_t)(x) * 1024)

static const struct need_case {
    const char *what;
    xlnuma_guest_type type;
    uint64_t memory, maxmem;        /* KiB */
    unsigned vcpus, maxvcpus;
    int shadow_mib;                 /* -1: default */
    bool nohap;
    xlnuma_stubdom stub;
    bool stdvga;
    uint64_t videoram, stubmem;     /* KiB */
    int rc;
    uint64_t need;                  /* KiB */
} cases[] = {
    /* 128 + 4*(256*2+128)/1024 = 128 + 2.5 MiB shadow + 1 = 131.5 -> 132 */
    { "pv 128M 2 vcpus (the lab's g1)", XLNUMA_GUEST_PV, M(128), 0, 2, 0,
      -1, false, 0, false, 0, 0, 0, M(132) },
    /* 128 + 4*(256+128) KiB = 1.5 MiB; +1 = 130.5 -> 132 */
    { "pv 128M 1 vcpu", XLNUMA_GUEST_PV, M(128), 0, 1, 0,
      -1, false, 0, false, 0, 0, 0, M(132) },
    /* no vcpus=: no per-vCPU term: 128 + 0.5 + 1 = 129.5 -> 130 */
    { "pv without vcpus=", XLNUMA_GUEST_PV, M(128), 0, 0, 0,
      -1, false, 0, false, 0, 0, 0, M(130) },
    /* maxvcpus wins over vcpus: 4*(256*8+1024) = 12 MiB; 1024+12+1 */
    { "pv maxvcpus 8, 1 GiB", XLNUMA_GUEST_PV, M(1024), 0, 2, 8,
      -1, false, 0, false, 0, 0, 0, M(1038) },
    /* memory < maxmem: target 512, shadow from maxmem 2048:
     * 4*(256+2048) = 9216 KiB = 9 MiB; 512+9+1 = 522 */
    { "pv memory<maxmem", XLNUMA_GUEST_PV, M(512), M(2048), 1, 0,
      -1, false, 0, false, 0, 0, 0, M(522) },
    /* only maxmem: target = maxmem */
    { "pv only maxmem", XLNUMA_GUEST_PV, 0, M(512), 1, 0,
      -1, false, 0, false, 0, 0, 0, M(516) },
    /* hvm with hap: 4*(256*2+1024) = 6 MiB; 1024+6+2 = 1032 */
    { "hvm hap 1G 2 vcpus", XLNUMA_GUEST_HVM, M(1024), 0, 2, 0,
      -1, false, 0, false, 0, 0, 0, M(1032) },
    /* hvm without hap: 4*(512+2*1024) = 10 MiB; 1024+10+2 = 1036 */
    { "hvm shadow 1G 2 vcpus", XLNUMA_GUEST_HVM, M(1024), 0, 2, 0,
      -1, true, 0, false, 0, 0, 0, M(1036) },
    /* pvh: hap: 4*(256+512)=3 MiB; 512+3+2 = 517 -> 518 */
    { "pvh 512M", XLNUMA_GUEST_PVH, M(512), 0, 1, 0,
      -1, false, 0, false, 0, 0, 0, M(518) },
    /* explicit shadow_memory=8: 256+8+1 = 265 -> 266 */
    { "pv shadow_memory=8", XLNUMA_GUEST_PV, M(256), 0, 4, 0,
      8, false, 0, false, 0, 0, 0, M(266) },
    /* traditional stub, cirrus: +28 +4: 1024+6+2+32 = 1064 */
    { "hvm trad stubdom cirrus", XLNUMA_GUEST_HVM, M(1024), 0, 2, 0,
      -1, false, XLNUMA_STUBDOM_QEMU_TRAD, false, 0, 0, 0, M(1064) },
    /* traditional stub, stdvga: +28 +8 */
    { "hvm trad stubdom stdvga", XLNUMA_GUEST_HVM, M(1024), 0, 2, 0,
      -1, false, XLNUMA_STUBDOM_QEMU_TRAD, true, 0, 0, 0, M(1068) },
    /* qemu-xen stub: +128 +8 */
    { "hvm qemu-xen stubdom", XLNUMA_GUEST_HVM, M(1024), 0, 2, 0,
      -1, false, XLNUMA_STUBDOM_QEMU_XEN, false, 0, 0, 0, M(1168) },
    /* qemu-xen stub with stubdomain_memory=64, videoram=16: +64 +16 */
    { "hvm qemu-xen stub sized", XLNUMA_GUEST_HVM, M(1024), 0, 2, 0,
      -1, false, XLNUMA_STUBDOM_QEMU_XEN, false, M(16), M(64), 0, M(1112) },
    /* video memory without a stub domain does not count */
    { "hvm videoram no stub", XLNUMA_GUEST_HVM, M(1024), 0, 2, 0,
      -1, false, 0, false, M(16), 0, 0, M(1032) },
    /* 4 TiB guest: exact 64-bit: 4*(256+4194304) KiB = 16385 MiB */
    { "pv 4 TiB", XLNUMA_GUEST_PV, M(4194304), 0, 1, 0,
      -1, false, 0, false, 0, 0, 0, M(4194304 + 16385 + 1) + M(0) },
    { "neither memory nor maxmem", XLNUMA_GUEST_PV, 0, 0, 1, 0,
      -1, false, 0, false, 0, 0, XLNUMA_ERROR_INVAL, 0 },
    { "memory > maxmem", XLNUMA_GUEST_PV, M(1024), M(512), 1, 0,
      -1, false, 0, false, 0, 0, XLNUMA_ERROR_INVAL, 0 },
    { "absurd memory (1e20 bytes)", XLNUMA_GUEST_PV,
      UINT64_C(97656250000000000), 0, 1, 0,
      -1, false, 0, false, 0, 0, XLNUMA_ERROR_RANGE, 0 },
    { "100000 vcpus", XLNUMA_GUEST_PV, M(1024), 0, 100000, 0,
      -1, false, 0, false, 0, 0, XLNUMA_ERROR_RANGE, 0 },
};

START_TEST(test_need)
{
    const struct need_case *c = &cases[_i];
    xlnuma_guest g;
    uint64_t need = 0;
    int rc;

    xlnuma_guest_init(&g);
    g.type = c->type;
    g.memory_kib = c->memory;
    g.maxmem_kib = c->maxmem;
    g.vcpus = c->vcpus;
    g.maxvcpus = c->maxvcpus;
    if (c->shadow_mib >= 0) {
        g.shadow_given = true;
        g.shadow_kib = M(c->shadow_mib);
    }
    g.hap = !c->nohap;
    g.stubdom = c->stub;
    g.stdvga = c->stdvga;
    g.videoram_kib = c->videoram;
    g.stubdom_mem_kib = c->stubmem;
    rc = xlnuma_need_memory(test_ctx, &g, &need);
    ck_assert_msg(rc == c->rc, "%s: rc %d, want %d", c->what, rc, c->rc);
    if (!rc) {
        ck_assert_msg(need == c->need, "%s: need %llu KiB, want %llu KiB",
                      c->what, (unsigned long long)need,
                      (unsigned long long)c->need);
        ck_assert_uint_eq(need % 2048, 0);
    } else {
        ck_assert_str_ne(test_log_text(), "");
    }
    xlnuma_guest_dispose(&g);
}
END_TEST

START_TEST(test_vcpus)
{
    xlnuma_guest g;

    xlnuma_guest_init(&g);
    ck_assert_uint_eq(xlnuma_guest_vcpus(&g), 1);
    g.vcpus = 3;
    ck_assert_uint_eq(xlnuma_guest_vcpus(&g), 3);
    g.maxvcpus = 6;
    ck_assert_uint_eq(xlnuma_guest_vcpus(&g), 6);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("need");
    TCase *tc = tcase_create("libxl-4.17");

    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_need, 0, ARRAY_SIZE(cases));
    tcase_add_test(tc, test_vcpus);
    suite_add_tcase(s, tc);
    return xlnuma_test_run(s);
}
