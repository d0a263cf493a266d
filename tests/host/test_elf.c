/* Host tests for the ELF validator used by exec (kernel/proc/elf.c). */
#include <check.h>

#include "check_main.h"
#include <stdlib.h>
#include <string.h>

#include "../../kernel/proc/elf.c"

struct img {
    unsigned char b[8192];
    size_t size;
};

/* A minimal valid static ET_EXEC: one RX segment at 0x400000, one RW at 0x401000. */
static void make_exec(struct img *m)
{
    memset(m, 0, sizeof *m);
    struct ehdr *e = (struct ehdr *)m->b;
    memcpy(e->ident, "\x7f" "ELF", 4);
    e->ident[4] = 2; e->ident[5] = 1; e->ident[6] = 1;
    e->type = 2; e->machine = 62; e->version = 1;
    e->entry = 0x400100; e->phoff = 64; e->ehsize = 64;
    e->phentsize = 56; e->phnum = 2;
    struct phdr *p = (struct phdr *)(m->b + 64);
    p[0] = (struct phdr){ PT_LOAD, 5, 0, 0x400000, 0x400000, 0x1000, 0x1000, 0x1000 };
    p[1] = (struct phdr){ PT_LOAD, 6, 0x1000, 0x401000, 0x401000, 0x100, 0x2000, 0x1000 };
    m->size = 0x1100;
}

static int parse(struct img *m, struct elf_info *ei) { return elf_parse(m->b, m->size, m->size, ei); }

START_TEST(valid_exec_is_accepted)
{
    struct img m; struct elf_info ei;
    make_exec(&m);
    ck_assert_int_eq(parse(&m, &ei), 0);
    ck_assert_int_eq(ei.nseg, 2);
    ck_assert_uint_eq(ei.lo, 0x400000);
    ck_assert_uint_eq(ei.hi, 0x403000);
    ck_assert_uint_eq(ei.phdr_vaddr, 0x400040);
    ck_assert_uint_eq(ei.entry, 0x400100);
}
END_TEST

START_TEST(static_pie_is_accepted)
{
    struct img m; struct elf_info ei;
    make_exec(&m);
    struct ehdr *e = (struct ehdr *)m.b;
    struct phdr *p = (struct phdr *)(m.b + 64);
    e->type = 3; e->entry = 0x100;
    p[0].vaddr = 0; p[1].vaddr = 0x1000;
    ck_assert_int_eq(parse(&m, &ei), 0);
    ck_assert_int_eq(ei.type, 3);
}
END_TEST

START_TEST(garbage_is_enoexec)
{
    struct img m; struct elf_info ei;
    srand(1);
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof m.b; i++)
            m.b[i] = (unsigned char)rand();
        m.size = 1 + (size_t)rand() % sizeof m.b;
        ck_assert_int_eq(parse(&m, &ei), -ENOEXEC);
    }
}
END_TEST

START_TEST(truncations_are_enoexec)
{
    struct img m; struct elf_info ei;
    make_exec(&m);
    size_t cuts[] = { 0, 1, 16, 63, 64, 100, 64 + 56, 64 + 111, 0x1000, 0x10ff };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        m.size = cuts[i];
        ck_assert_int_eq(parse(&m, &ei), -ENOEXEC);
    }
}
END_TEST

START_TEST(wrong_architecture_and_class)
{
    struct img m; struct elf_info ei;
    make_exec(&m);
    ((struct ehdr *)m.b)->machine = 3;      /* i386 */
    ck_assert_int_eq(parse(&m, &ei), -ENOEXEC);
    make_exec(&m);
    m.b[4] = 1;                              /* ELFCLASS32 */
    ck_assert_int_eq(parse(&m, &ei), -ENOEXEC);
    make_exec(&m);
    m.b[5] = 2;                              /* big endian */
    ck_assert_int_eq(parse(&m, &ei), -ENOEXEC);
    make_exec(&m);
    ((struct ehdr *)m.b)->type = 4;          /* core file */
    ck_assert_int_eq(parse(&m, &ei), -ENOEXEC);
}
END_TEST

START_TEST(hostile_segments)
{
    struct img m; struct elf_info ei;
    struct phdr *p;
    make_exec(&m);
    p = (struct phdr *)(m.b + 64);
    p[1].filesz = 0x3000;                    /* filesz > memsz */
    ck_assert_int_eq(parse(&m, &ei), -ENOEXEC);
    make_exec(&m);
    p = (struct phdr *)(m.b + 64);
    p[1].offset = 0x1008;                    /* not congruent with vaddr */
    ck_assert_int_eq(parse(&m, &ei), -ENOEXEC);
    make_exec(&m);
    p = (struct phdr *)(m.b + 64);
    p[1].vaddr = 0x400800;                   /* overlaps the first segment */
    p[1].offset = 0x800;
    ck_assert_int_eq(parse(&m, &ei), -ENOEXEC);
    make_exec(&m);
    p = (struct phdr *)(m.b + 64);
    p[1].vaddr = 0xffffffff80000000ULL;      /* kernel address */
    ck_assert_int_eq(parse(&m, &ei), -ENOEXEC);
    make_exec(&m);
    p = (struct phdr *)(m.b + 64);
    p[0].vaddr = 0; p[0].offset = 0;         /* ET_EXEC mapping page 0 */
    ck_assert_int_eq(parse(&m, &ei), -ENOEXEC);
    make_exec(&m);
    ((struct ehdr *)m.b)->phnum = 1000;      /* program headers beyond the file */
    ck_assert_int_eq(parse(&m, &ei), -ENOEXEC);
    make_exec(&m);
    ((struct ehdr *)m.b)->entry = 0x900000;  /* entry outside every segment */
    ck_assert_int_eq(parse(&m, &ei), -ENOEXEC);
}
END_TEST

START_TEST(interpreter_path_is_recorded)
{
    struct img m; struct elf_info ei;
    make_exec(&m);
    struct ehdr *e = (struct ehdr *)m.b;
    struct phdr *p = (struct phdr *)(m.b + 64);
    e->phnum = 3;
    p[2] = (struct phdr){ PT_INTERP, 4, 0x200, 0x400200, 0x400200, 0x1c, 0x1c, 1 };
    ck_assert_int_eq(parse(&m, &ei), 0);
    ck_assert_int_eq(ei.has_interp, 1);
    ck_assert_uint_eq(ei.interp_off, 0x200);
    ck_assert_uint_eq(ei.interp_len, 0x1c);
}
END_TEST

START_TEST(bad_interpreter_headers_are_enoexec)
{
    struct img m; struct elf_info ei;
    uint64_t sizes[][2] = {
        { 0x200, 1 },                       /* shorter than "x" and its NUL */
        { 0x200, 4097 },                    /* longer than PATH_MAX */
        { 0x1100, 0x10 },                   /* starts past the end of the file */
        { 0x10f8, 0x10 },                   /* runs past the end of the file */
    };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        make_exec(&m);
        ((struct ehdr *)m.b)->phnum = 3;
        struct phdr *p = (struct phdr *)(m.b + 64);
        p[2] = (struct phdr){ PT_INTERP, 4, sizes[i][0], 0, 0, sizes[i][1], sizes[i][1], 1 };
        ck_assert_int_eq(parse(&m, &ei), -ENOEXEC);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("elf");
    TCase *tc = tcase_create("elf_parse");
    tcase_add_test(tc, valid_exec_is_accepted);
    tcase_add_test(tc, static_pie_is_accepted);
    tcase_add_test(tc, garbage_is_enoexec);
    tcase_add_test(tc, truncations_are_enoexec);
    tcase_add_test(tc, wrong_architecture_and_class);
    tcase_add_test(tc, hostile_segments);
    tcase_add_test(tc, interpreter_path_is_recorded);
    tcase_add_test(tc, bad_interpreter_headers_are_enoexec);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
