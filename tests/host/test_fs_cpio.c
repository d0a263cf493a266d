/*
 * Host tests of the cpio newc parser (kernel/fs/cpio.c).  Archives are built
 * here, byte by byte, from the format description: a valid archive of a
 * directory, a file and a symlink parses field for field; then every
 * truncation of it, every single-byte corruption of a header, an
 * unterminated name, a name size or file size running past the end and a
 * bad magic are all rejected with -EINVAL, never read out of bounds (ASan
 * watches: the archive is copied into an exact-size heap block for each try).
 */
#include <check.h>

#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/fs/cpio.c"

static char arc[4096];
static size_t arclen;

static void put(const void *p, size_t n)
{
    memcpy(arc + arclen, p, n);
    arclen += n;
}

static void pad(void)
{
    while (arclen % 4)
        arc[arclen++] = '\0';
}

/* One newc entry; namesize_override != 0 writes a wrong name size. */
static void entry(const char *name, unsigned mode, const char *data, size_t size, unsigned namesize_override)
{
    char hdr[111];
    unsigned namesize = namesize_override ? namesize_override : (unsigned)strlen(name) + 1;
    snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 7u, mode, 0u, 0u,
             1u, 1700000000u, (unsigned)size, 0u, 0u, 0u, 0u, namesize, 0u);
    put(hdr, 110);
    put(name, strlen(name) + 1);
    pad();
    put(data, size);
    pad();
}

static void build_valid(void)
{
    arclen = 0;
    entry(".", 040755, "", 0, 0);
    entry("bin", 040755, "", 0, 0);
    entry("bin/hello", 0100755, "hello, world\n", 13, 0);
    entry("bin/sh", 0120777, "busybox", 7, 0);
    entry("TRAILER!!!", 0, "", 0, 0);
}

/* Parse a heap copy of exactly `len` bytes; returns entries parsed, or -1
 * on error (and checks the trailer was seen otherwise). */
static int parse_all(const char *src, size_t len)
{
    char *copy = malloc(len ? len : 1);
    memcpy(copy, src, len);
    size_t off = 0;
    int n = 0, r;
    struct cpio_entry e;
    while ((r = cpio_next(copy, len, &off, &e)) == 1) {
        ck_assert_uint_le(off, len);
        ck_assert(e.name >= copy && e.name + e.namelen < copy + len);
        ck_assert((const char *)e.data >= copy && (const char *)e.data + e.size <= copy + len);
        n++;
    }
    free(copy);
    return r == 0 ? n : -1;
}

START_TEST(valid_archive)
{
    build_valid();
    size_t off = 0;
    struct cpio_entry e;
    ck_assert_int_eq(cpio_next(arc, arclen, &off, &e), 1);
    ck_assert_str_eq(e.name, ".");
    ck_assert_int_eq(cpio_next(arc, arclen, &off, &e), 1);
    ck_assert_str_eq(e.name, "bin");
    ck_assert_uint_eq(e.mode, 040755);
    ck_assert_int_eq(cpio_next(arc, arclen, &off, &e), 1);
    ck_assert_str_eq(e.name, "bin/hello");
    ck_assert_uint_eq(e.namelen, 9);
    ck_assert_uint_eq(e.mode, 0100755);
    ck_assert_uint_eq(e.size, 13);
    ck_assert_uint_eq(e.mtime, 1700000000u);
    ck_assert_uint_eq(e.ino, 7);
    ck_assert(memcmp(e.data, "hello, world\n", 13) == 0);
    ck_assert_int_eq(cpio_next(arc, arclen, &off, &e), 1);
    ck_assert_str_eq(e.name, "bin/sh");
    ck_assert_uint_eq(e.mode & 0170000, 0120000);
    ck_assert(memcmp(e.data, "busybox", 7) == 0);
    ck_assert_int_eq(cpio_next(arc, arclen, &off, &e), 0);
    ck_assert_uint_eq(off, arclen);
    ck_assert_int_eq(parse_all(arc, arclen), 4);
}
END_TEST

START_TEST(crc_magic_and_hex_case)
{
    build_valid();
    memcpy(arc, "070702", 6);                   /* the "crc" variant has the same layout */
    ck_assert_int_eq(parse_all(arc, arclen), 4);
    ck_assert_int_eq(cpio_hex8("0000abCD"), 0xabcd);
    ck_assert_int_eq(cpio_hex8("FFFFFFFF"), 0xffffffffLL);
    ck_assert_int_eq(cpio_hex8("0000000g"), -1);
    ck_assert_int_eq(cpio_hex8(" 0000000"), -1);
}
END_TEST

START_TEST(every_truncation_fails_cleanly)
{
    build_valid();
    /* cutting anywhere before the trailer's header ends loses the trailer */
    for (size_t len = 0; len < arclen - 12; len++)
        ck_assert_int_eq(parse_all(arc, len), -1);
}
END_TEST

START_TEST(header_corruption)
{
    build_valid();
    char saved[4096];
    memcpy(saved, arc, arclen);
    /* a non-hex byte anywhere in the first entry's fields is an error */
    for (size_t i = 6; i < 110; i++) {
        memcpy(arc, saved, arclen);
        arc[i] = 'z';
        ck_assert_int_eq(parse_all(arc, arclen), -1);
    }
    memcpy(arc, saved, arclen);
    arc[0] = '1';
    ck_assert_int_eq(parse_all(arc, arclen), -1);    /* bad magic */
    /* random garbage bytes anywhere: no crash, no out-of-bounds access */
    srand(1);
    for (int t = 0; t < 2000; t++) {
        memcpy(arc, saved, arclen);
        for (int k = 0; k < 3; k++)
            arc[rand() % arclen] = (char)(rand() % 256);
        parse_all(arc, arclen);
    }
}
END_TEST

START_TEST(bad_lengths)
{
    /* name size claims one byte more: the NUL is not where it says */
    arclen = 0;
    entry("abc", 0100644, "", 0, 5);
    ck_assert_int_eq(parse_all(arc, arclen), -1);
    /* name size 0 and 1 (no name) */
    arclen = 0;
    entry("abc", 0100644, "", 0, 1);
    ck_assert_int_eq(parse_all(arc, arclen), -1);
    /* name size far past the end */
    arclen = 0;
    entry("abc", 0100644, "", 0, 0x7fffffff);
    ck_assert_int_eq(parse_all(arc, arclen), -1);
    /* file size past the end of the archive */
    arclen = 0;
    entry("abc", 0100644, "xy", 2, 0);
    memcpy(arc + 6 + 6 * 8, "FFFFFFF0", 8);
    ck_assert_int_eq(parse_all(arc, arclen), -1);
    /* a name with an embedded NUL */
    arclen = 0;
    entry("ab", 0100644, "", 0, 0);
    arc[110] = '\0';
    ck_assert_int_eq(parse_all(arc, arclen), -1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fs_cpio");
    TCase *tc = tcase_create("cpio");
    tcase_add_test(tc, valid_archive);
    tcase_add_test(tc, crc_magic_and_hex_case);
    tcase_add_test(tc, every_truncation_fails_cleanly);
    tcase_add_test(tc, header_corruption);
    tcase_add_test(tc, bad_lengths);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(suite()); }
