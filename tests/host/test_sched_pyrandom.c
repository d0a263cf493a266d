/*
 * The simulator's Python-compatible generator (tools/schedsim/pyrandom.c)
 * against values CPython 3 prints for the same seeds: random(), randint(),
 * getrandbits() of 64 and 7 bits and randrange(1000003), in that order after
 * random.seed(s).  Seeds cover 0, small, one above 2^32 (two key words) and a
 * negative one (CPython seeds with |s|).  If these hold, schedsim -s N makes
 * the same workloads and lottery draws as the book's tools.
 */
#include <check.h>

#include "check_main.h"
#include <stdlib.h>

#include "../../tools/schedsim/pyrandom.c"

static const struct {
    int64_t seed;
    double r[3];
    int64_t dice[3];
    uint64_t bits64, below, bits7;
} cases[] = {
    {0, {0.8444218515250481, 0.7579544029403025, 0.420571580830845}, {3, 5, 4}, 16938433693753131896ull, 821872, 106},
    {1, {0.13436424411240122, 0.8474337369372327, 0.763774618976614}, {3, 1, 4}, 8291646586825371460ull, 495185, 83},
    {42, {0.6394267984578837, 0.025010755222666936, 0.27502931836911926}, {2, 2, 6}, 12482902213779070887ull, 776646,
     114},
    {4294967301ll, {0.15727238718789782, 0.2824866316461999, 0.6044540318498407}, {1, 3, 6}, 14344255866664620831ull,
     998803, 118},
    {-3, {0.23796462709189137, 0.5442292252959519, 0.36995516654807925}, {5, 4, 6}, 1208794122474928381ull, 635017, 1},
};

START_TEST(sequence_matches_cpython)
{
    struct pyrandom r;
    py_seed(&r, cases[_i].seed);
    for (int k = 0; k < 3; k++)
        ck_assert_double_eq(py_random(&r), cases[_i].r[k]); /* bit-exact */
    for (int k = 0; k < 3; k++)
        ck_assert_int_eq(py_randint(&r, 1, 6), cases[_i].dice[k]);
    ck_assert_uint_eq(py_getrandbits(&r, 64), cases[_i].bits64);
    ck_assert_uint_eq(py_randbelow(&r, 1000003), cases[_i].below);
    ck_assert_uint_eq(py_getrandbits(&r, 7), cases[_i].bits7);
}
END_TEST

START_TEST(randbelow_stays_in_range_and_covers_it)
{
    struct pyrandom r;
    py_seed(&r, 99);
    int seen[5] = {0};
    for (int i = 0; i < 5000; i++) {
        uint64_t v = py_randbelow(&r, 5);
        ck_assert_uint_lt(v, 5);
        seen[v]++;
    }
    for (int k = 0; k < 5; k++)
        ck_assert_int_gt(seen[k], 800);
}
END_TEST

int main(void)
{
    static const char *const names[] = {"seed_0", "seed_1", "seed_42", "seed_2p32_plus_5", "seed_minus_3"};
    Suite *s = suite_create("pyrandom");
    for (int i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++) {
        TCase *tc = tcase_create(names[i]);
        tcase_add_loop_test(tc, sequence_matches_cpython, i, i + 1);
        suite_add_tcase(s, tc);
    }
    TCase *tc = tcase_create("range");
    tcase_add_test(tc, randbelow_stays_in_range_and_covers_it);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
