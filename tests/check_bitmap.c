/* SPDX-License-Identifier: LGPL-2.1-only */
/* check_bitmap.c: cpu/node lists of any width. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const struct parse_case {
    const char *in;
    unsigned limit;
    int rc;
    const char *canon;              /* NULL unless rc == 0 */
} parse_cases[] = {
    { "0-3,^2",        4,    0,                   "0-1,3" },
    { "all",           4,    0,                   "0-3" },
    { "all,^1-2",      4,    0,                   "0,3" },
    { "3,1,2",         0,    0,                   "1-3" },
    { " 0 , 5 ",       8,    0,                   "0,5" },
    { "4",             4,    XLNUMA_ERROR_RANGE,  NULL },
    { "1-",            4,    XLNUMA_ERROR_PARSE,  NULL },
    { "3-1",           4,    XLNUMA_ERROR_PARSE,  NULL },
    { "",              4,    XLNUMA_ERROR_PARSE,  NULL },
    { "x",             4,    XLNUMA_ERROR_PARSE,  NULL },
    { "1;2",           4,    XLNUMA_ERROR_PARSE,  NULL },
    { "all",           0,    XLNUMA_ERROR_INVAL,  NULL },
    { "99999999999",   0,    XLNUMA_ERROR_RANGE,  NULL },
    { "1023,65535",    0,    0,                   "1023,65535" },
    { "0-4095,^1-4094",0,    0,                   "0,4095" },
};

START_TEST(test_parse)
{
    const struct parse_case *c = &parse_cases[_i];
    xlnuma_bitmap b;
    char *s;

    xlnuma_bitmap_init(&b);
    ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, c->in, c->limit, &b),
                     c->rc);
    if (!c->rc) {
        s = xlnuma_bitmap_format(&b);
        ck_assert_str_eq(s, c->canon);
        free(s);
    } else {
        /* the failure names the input */
        ck_assert_ptr_nonnull(strstr(test_log_text(), c->in[0] ? "\"" : ""));
    }
    xlnuma_bitmap_dispose(&b);
}
END_TEST

START_TEST(test_ops)
{
    xlnuma_bitmap a, b, c;
    char *s;

    xlnuma_bitmap_init(&a);
    xlnuma_bitmap_init(&b);
    xlnuma_bitmap_init(&c);
    ck_assert(xlnuma_bitmap_is_empty(&a));
    ck_assert_int_eq(xlnuma_bitmap_next(&a, 0), -1);
    ck_assert(!xlnuma_bitmap_test(&a, 1000000));
    ck_assert_int_eq(xlnuma_bitmap_set(&a, 70000), 0);
    ck_assert_int_eq(xlnuma_bitmap_set(&a, 3), 0);
    ck_assert_uint_eq(xlnuma_bitmap_count(&a), 2);
    ck_assert_int_eq(xlnuma_bitmap_next(&a, 4), 70000);
    ck_assert_int_eq(xlnuma_bitmap_set(&b, 3), 0);
    ck_assert(xlnuma_bitmap_subset(&b, &a));
    ck_assert(!xlnuma_bitmap_subset(&a, &b));
    ck_assert(xlnuma_bitmap_intersects(&a, &b));
    ck_assert_int_eq(xlnuma_bitmap_and(&c, &a, &b), 0);
    ck_assert(xlnuma_bitmap_equal(&c, &b));
    ck_assert_int_eq(xlnuma_bitmap_and(&a, &a, &b), 0);  /* aliasing */
    ck_assert(xlnuma_bitmap_equal(&a, &b));
    ck_assert_int_eq(xlnuma_bitmap_resize(&c, 2), 0);     /* shrink drops */
    ck_assert(xlnuma_bitmap_is_empty(&c));
    ck_assert_int_eq(xlnuma_bitmap_set(&c, 9), 0);
    ck_assert_int_eq(xlnuma_bitmap_or(&c, &b), 0);
    s = xlnuma_bitmap_format(&c);
    ck_assert_str_eq(s, "3,9");
    free(s);
    xlnuma_bitmap_reset(&c, 9);
    xlnuma_bitmap_reset(&c, 99999);                       /* no-op */
    s = xlnuma_bitmap_format(&c);
    ck_assert_str_eq(s, "3");
    free(s);
    xlnuma_bitmap_clear(&c);
    s = xlnuma_bitmap_format(&c);
    ck_assert_str_eq(s, "");
    free(s);
    xlnuma_bitmap_dispose(&a);
    xlnuma_bitmap_dispose(&a);                            /* idempotent */
    xlnuma_bitmap_dispose(&b);
    xlnuma_bitmap_dispose(&c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bitmap");
    TCase *tc = tcase_create("parse");

    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_parse, 0, ARRAY_SIZE(parse_cases));
    suite_add_tcase(s, tc);
    tc = tcase_create("ops");
    tcase_add_test(tc, test_ops);
    suite_add_tcase(s, tc);
    return xlnuma_test_run(s);
}
