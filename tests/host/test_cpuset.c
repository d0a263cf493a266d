/*
 * Host tests of CPU sets (include/lib/cpuset.h, kernel/lib/cpuset.c):
 * members above 63 live in their own words and are found by first/next and
 * for_each_cpu; numbers outside the set's range are never members; the
 * set operations; the cpu-list parser of isolcpus=/nohz_full= (ranges
 * across words, CPUs beyond the limit left out, bad text refused); and the
 * list and 32-bit-grouped hex mask Linux prints.
 */
#include <check.h>

#include "check_main.h"
#include <string.h>

#include "../../kernel/lib/cpuset.c"

START_TEST(set_test_clear_across_words)
{
    struct cpuset s;
    cpuset_zero(&s);
    ck_assert(cpuset_empty(&s));
    int cpus[] = { 0, 63, 64, 100, 127, 128, 254, 255 };
    for (unsigned i = 0; i < sizeof cpus / sizeof *cpus; i++)
        cpuset_set(&s, cpus[i]);
    ck_assert_int_eq(cpuset_weight(&s), 8);
    for (unsigned i = 0; i < sizeof cpus / sizeof *cpus; i++)
        ck_assert(cpuset_test(&s, cpus[i]));
    ck_assert(!cpuset_test(&s, 1));
    ck_assert(!cpuset_test(&s, 65));
    cpuset_clear(&s, 100);
    ck_assert(!cpuset_test(&s, 100));
    ck_assert(cpuset_test(&s, 64));
    ck_assert_int_eq(cpuset_weight(&s), 7);
}
END_TEST

START_TEST(out_of_range_never_members)
{
    struct cpuset s;
    cpuset_fill(&s);
    ck_assert_int_eq(cpuset_weight(&s), NR_CPUS);
    ck_assert(!cpuset_test(&s, -1));
    ck_assert(!cpuset_test(&s, NR_CPUS));
    ck_assert(!cpuset_test(&s, 100000));
    cpuset_zero(&s);
    cpuset_set(&s, NR_CPUS);
    cpuset_set(&s, -5);
    ck_assert(cpuset_empty(&s));
    cpuset_clear(&s, NR_CPUS + 64);     /* no write past the words */
    ck_assert(cpuset_empty(&s));
}
END_TEST

START_TEST(first_next_iterate)
{
    struct cpuset s;
    cpuset_zero(&s);
    ck_assert_int_eq(cpuset_first(&s), NR_CPUS);
    cpuset_set(&s, 5);
    cpuset_set(&s, 70);
    cpuset_set(&s, 200);
    cpuset_set(&s, 255);
    ck_assert_int_eq(cpuset_first(&s), 5);
    ck_assert_int_eq(cpuset_next(&s, 5), 70);
    ck_assert_int_eq(cpuset_next(&s, 70), 200);
    ck_assert_int_eq(cpuset_next(&s, 200), 255);
    ck_assert_int_eq(cpuset_next(&s, 255), NR_CPUS);
    ck_assert_int_eq(cpuset_next_from(&s, 70), 70);
    ck_assert_int_eq(cpuset_next_from(&s, 71), 200);
    ck_assert_int_eq(cpuset_next_wrap(&s, 201), 255);
    cpuset_clear(&s, 255);
    ck_assert_int_eq(cpuset_next_wrap(&s, 201), 5);
    int seen[8], n = 0;
    for_each_cpu(c, &s) {
        ck_assert_int_lt(n, 8);
        seen[n++] = c;
    }
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(seen[0], 5);
    ck_assert_int_eq(seen[1], 70);
    ck_assert_int_eq(seen[2], 200);
    cpuset_zero(&s);
    n = 0;
    for_each_cpu(c, &s)
        n += c + 1;
    ck_assert_int_eq(n, 0);
}
END_TEST

START_TEST(upto_and_operations)
{
    struct cpuset a, b, r;
    cpuset_upto(&a, 0);
    ck_assert(cpuset_empty(&a));
    cpuset_upto(&a, 130);
    ck_assert_int_eq(cpuset_weight(&a), 130);
    ck_assert(cpuset_test(&a, 129));
    ck_assert(!cpuset_test(&a, 130));
    cpuset_upto(&a, 64);
    ck_assert_int_eq(cpuset_weight(&a), 64);
    ck_assert(!cpuset_test(&a, 64));
    cpuset_upto(&a, 100);
    cpuset_zero(&b);
    cpuset_set(&b, 1);
    cpuset_set(&b, 99);
    cpuset_set(&b, 150);
    cpuset_and(&r, &a, &b);
    ck_assert_int_eq(cpuset_weight(&r), 2);
    ck_assert(cpuset_test(&r, 99) && !cpuset_test(&r, 150));
    ck_assert(cpuset_intersects(&a, &b));
    cpuset_or(&r, &a, &b);
    ck_assert_int_eq(cpuset_weight(&r), 101);
    cpuset_andnot(&r, &a, &b);
    ck_assert_int_eq(cpuset_weight(&r), 98);
    ck_assert(!cpuset_test(&r, 99));
    ck_assert(!cpuset_intersects(&r, &b));
    struct cpuset c = b;
    ck_assert(cpuset_equal(&c, &b));
    cpuset_clear(&c, 150);
    ck_assert(!cpuset_equal(&c, &b));
    cpuset_and(&a, &a, &b);             /* dst may be an operand */
    ck_assert_int_eq(cpuset_weight(&a), 2);
}
END_TEST

START_TEST(atomic_forms)
{
    struct cpuset s, copy;
    cpuset_zero(&s);
    cpuset_set_atomic(&s, 3);
    cpuset_set_atomic(&s, 190);
    cpuset_clear_atomic(&s, 3);
    cpuset_set_atomic(&s, NR_CPUS);
    cpuset_load_atomic(&copy, &s);
    ck_assert_int_eq(cpuset_weight(&copy), 1);
    ck_assert(cpuset_test(&copy, 190));
}
END_TEST

static const char *list_of(const struct cpuset *s)
{
    static char buf[1024];
    bitmap_print_list(buf, sizeof buf, s->bits, NR_CPUS);
    return buf;
}

START_TEST(parse_lists)
{
    struct cpuset s;
    ck_assert_int_eq(cpuset_parse_list(&s, "1-3,70-80", NR_CPUS), 0);
    ck_assert_int_eq(cpuset_weight(&s), 14);
    ck_assert_str_eq(list_of(&s), "1-3,70-80");
    ck_assert_int_eq(cpuset_parse_list(&s, "5", NR_CPUS), 0);
    ck_assert_str_eq(list_of(&s), "5");
    ck_assert_int_eq(cpuset_parse_list(&s, "60-70,3,0", NR_CPUS), 0);
    ck_assert_str_eq(list_of(&s), "0,3,60-70");
    ck_assert_int_eq(cpuset_parse_list(&s, "", NR_CPUS), 0);
    ck_assert(cpuset_empty(&s));
    ck_assert_int_eq(cpuset_parse_list(&s, NULL, NR_CPUS), 0);
    ck_assert(cpuset_empty(&s));
    /* CPUs beyond the limit are left out, not refused */
    ck_assert_int_eq(cpuset_parse_list(&s, "2,100-300", 128), 0);
    ck_assert_str_eq(list_of(&s), "2,100-127");
    ck_assert_int_eq(cpuset_parse_list(&s, "250-1000", 100000), 0);
    ck_assert_str_eq(list_of(&s), "250-255");
    const char *bad[] = { "x", "1-", "-3", "3-1", "1,,2", "1,", "1 2", "1-2-3", "99999999999" };
    for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
        cpuset_set(&s, 7);
        ck_assert_msg(cpuset_parse_list(&s, bad[i], NR_CPUS) == -1, "'%s' taken", bad[i]);
        ck_assert(cpuset_empty(&s));
    }
}
END_TEST

START_TEST(print_lists)
{
    uint64_t w[4] = { 0 };
    char buf[64];
    ck_assert_uint_eq(bitmap_print_list(buf, sizeof buf, w, 256), 0);
    ck_assert_str_eq(buf, "");
    w[0] = 0xf;
    w[1] = 1ULL << 36;                  /* CPU 100 */
    w[3] = 1ULL << 63;                  /* CPU 255 */
    ck_assert_uint_eq(bitmap_print_list(buf, sizeof buf, w, 256), strlen("0-3,100,255"));
    ck_assert_str_eq(buf, "0-3,100,255");
    ck_assert_str_eq((bitmap_print_list(buf, sizeof buf, w, 101), buf), "0-3,100");
    /* a run across a word boundary is one range */
    uint64_t x[2] = { 1ULL << 63, 3 };
    ck_assert_str_eq((bitmap_print_list(buf, sizeof buf, x, 128), buf), "63-65");
    /* too small a buffer: cut, terminated, and the full length returned */
    char small[4];
    ck_assert_uint_eq(bitmap_print_list(small, sizeof small, w, 256), strlen("0-3,100,255"));
    ck_assert_str_eq(small, "0-3");
}
END_TEST

START_TEST(print_masks)
{
    uint64_t w[4] = { 0 };
    char buf[128];
    w[0] = 0x5;
    ck_assert_str_eq((bitmap_print_mask(buf, sizeof buf, w, 4), buf), "5");
    ck_assert_str_eq((bitmap_print_mask(buf, sizeof buf, w, 12), buf), "005");
    ck_assert_str_eq((bitmap_print_mask(buf, sizeof buf, w, 32), buf), "00000005");
    ck_assert_str_eq((bitmap_print_mask(buf, sizeof buf, w, 33), buf), "0,00000005");
    w[0] = ~0ULL;
    ck_assert_str_eq((bitmap_print_mask(buf, sizeof buf, w, 64), buf), "ffffffff,ffffffff");
    ck_assert_str_eq((bitmap_print_mask(buf, sizeof buf, w, 12), buf), "fff");   /* bits beyond nbits not shown */
    w[0] = 1;
    w[1] = 1ULL << 36;                  /* CPU 100 */
    ck_assert_str_eq((bitmap_print_mask(buf, sizeof buf, w, 128), buf), "00000010,00000000,00000000,00000001");
    ck_assert_str_eq((bitmap_print_mask(buf, sizeof buf, w, 101), buf), "10,00000000,00000000,00000001");
    w[3] = 1ULL << 62;                  /* CPU 254 of 255 */
    ck_assert_str_eq((bitmap_print_mask(buf, sizeof buf, w, 255), buf),
                     "40000000,00000000,00000000,00000000,00000010,00000000,00000000,00000001");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cpuset");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, set_test_clear_across_words);
    tcase_add_test(tc, out_of_range_never_members);
    tcase_add_test(tc, first_next_iterate);
    tcase_add_test(tc, upto_and_operations);
    tcase_add_test(tc, atomic_forms);
    tcase_add_test(tc, parse_lists);
    tcase_add_test(tc, print_lists);
    tcase_add_test(tc, print_masks);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(suite()); }
