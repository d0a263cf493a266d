/*
 * Host tests of the pure path code (kernel/fs/path.c): validation (ENOENT,
 * ENAMETOOLONG at exactly the Linux limits), the component iterator with
 * repeated and trailing slashes, trailing-slash detection, and lexical
 * normalisation including ".." at the root and output that does not fit.
 */
#include <check.h>

#include "check_main.h"
#include <stdlib.h>
#include <string.h>

#include "../../kernel/fs/path.c"

START_TEST(check_limits)
{
    ck_assert_int_eq(path_check(""), -ENOENT);
    ck_assert_int_eq(path_check("/"), 0);
    char name[300];
    memset(name, 'a', 255);
    name[255] = '\0';
    ck_assert_int_eq(path_check(name), 0);                  /* 255: the longest name */
    name[255] = 'a';
    name[256] = '\0';
    ck_assert_int_eq(path_check(name), -ENAMETOOLONG);      /* 256 */
    char *p = malloc(5000);
    for (int i = 0; i < 4095; i++)
        p[i] = (i % 10 == 0) ? '/' : 'x';
    p[4095] = '\0';
    ck_assert_int_eq(path_check(p), 0);                     /* 4095 chars + NUL = PATH_MAX */
    p[4095] = 'x';
    p[4096] = '\0';
    ck_assert_int_eq(path_check(p), -ENAMETOOLONG);
    free(p);
}
END_TEST

/* Collect the components of a path as "a|b|c" and the `last` flags. */
static void split(const char *path, char *out, char *lasts)
{
    const char *cur = path, *name;
    size_t len;
    bool last;
    out[0] = lasts[0] = '\0';
    while (path_next(&cur, &name, &len, &last)) {
        if (out[0])
            strcat(out, "|");
        strncat(out, name, len);
        strcat(lasts, last ? "L" : "-");
    }
}

START_TEST(iterator)
{
    char out[256], lasts[64];
    split("/usr/bin/env", out, lasts);
    ck_assert_str_eq(out, "usr|bin|env");
    ck_assert_str_eq(lasts, "--L");
    split("a//b///c", out, lasts);
    ck_assert_str_eq(out, "a|b|c");
    split("a/b/", out, lasts);
    ck_assert_str_eq(out, "a|b");
    ck_assert_str_eq(lasts, "-L");                          /* trailing slash is not a component */
    split("///", out, lasts);
    ck_assert_str_eq(out, "");
    split("./../x", out, lasts);
    ck_assert_str_eq(out, ".|..|x");
}
END_TEST

START_TEST(trailing_slash)
{
    ck_assert(!path_trailing_slash("/"));
    ck_assert(!path_trailing_slash("//"));
    ck_assert(!path_trailing_slash("a"));
    ck_assert(path_trailing_slash("a/"));
    ck_assert(path_trailing_slash("/a//"));
    ck_assert(path_trailing_slash("./"));
}
END_TEST

START_TEST(dots)
{
    ck_assert_int_eq(path_dot_kind(".", 1), 1);
    ck_assert_int_eq(path_dot_kind("..", 2), 2);
    ck_assert_int_eq(path_dot_kind("...", 3), 0);
    ck_assert_int_eq(path_dot_kind(".a", 2), 0);
    ck_assert_int_eq(path_dot_kind("../x", 2), 2);          /* only len bytes count */
}
END_TEST

static const char *norm(const char *in)
{
    static char buf[128];
    int r = path_normalize(in, buf, sizeof(buf));
    return r < 0 ? "ERR" : buf;
}

START_TEST(normalize)
{
    ck_assert_str_eq(norm("/"), "/");
    ck_assert_str_eq(norm("//a//b/"), "/a/b");
    ck_assert_str_eq(norm("/a/./b/../c"), "/a/c");
    ck_assert_str_eq(norm("/.."), "/");
    ck_assert_str_eq(norm("/../../x/.."), "/");
    ck_assert_str_eq(norm("/a/b/../../.."), "/");
    ck_assert_str_eq(norm("/..a/b"), "/..a/b");
    char buf[8];
    ck_assert_int_eq(path_normalize("relative", buf, sizeof(buf)), -EINVAL);
    ck_assert_int_eq(path_normalize("/abcdefgh", buf, sizeof(buf)), -ENAMETOOLONG);
    ck_assert_int_eq(path_normalize("/abcdef", buf, sizeof(buf)), 7);
    ck_assert_str_eq(buf, "/abcdef");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fs_path");
    TCase *tc = tcase_create("path");
    tcase_add_test(tc, check_limits);
    tcase_add_test(tc, iterator);
    tcase_add_test(tc, trailing_slash);
    tcase_add_test(tc, dots);
    tcase_add_test(tc, normalize);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(suite()); }
