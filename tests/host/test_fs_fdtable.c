/*
 * Host tests of the descriptor table (kernel/fs/fdtable.c) with its kernel
 * dependencies shimmed (heap -> malloc, spinlocks -> nothing, files ->
 * counted dummies): lowest-free allocation and F_DUPFD minimums, growth past
 * the first 64 slots up to EMFILE at NR_OPEN_MAX, dup2 replacing (and
 * closing) a file, close-on-exec, clone sharing files, reference counts
 * returning to zero when the tables go (no leaked or double-dropped file),
 * and every close telling the record-lock code which table closed what.
 */
#include <check.h>

#include "check_main.h"
#include <stdlib.h>
#include <string.h>

#include <fs/fdtable.h>
#include <fs/locks.h>
#include <mm/kheap.h>

/* --- shims for the kernel services fdtable.c uses --- */
void *kmalloc(size_t n) { return malloc(n); }
void *kzalloc(size_t n) { return calloc(1, n); }
void kfree(void *p) { free(p); }
void spin_init(struct spinlock *l, const char *name) { (void)l; (void)name; }
void spin_lock(struct spinlock *l) { (void)l; }
void spin_unlock(struct spinlock *l) { (void)l; }
static int released;
void file_get(struct file *f) { f->refcount++; }
void file_put(struct file *f)
{
    if (!f)
        return;
    ck_assert_int_gt(f->refcount, 0);
    if (--f->refcount == 0)
        released++;
}
/* Record locks (kernel/fs/locks.c): every close drops the closing table's
 * POSIX locks on the file; the last one seen is kept for the checks. */
static int posix_drops;
static const void *posix_drop_owner;
static struct file *posix_drop_file;
void locks_remove_posix(struct file *f, const void *owner)
{
    posix_drops++;
    posix_drop_owner = owner;
    posix_drop_file = f;
}

/* The caller's RLIMIT_NOFILE (kernel/fs/file.c): the table's bound unless a
 * test lowers it. */
static int nofile = NR_OPEN_MAX;
int fd_limit(void) { return nofile; }

#include "../../kernel/fs/fdtable.c"

static struct file files[NR_OPEN_MAX + 8];

static struct file *newf(int i)
{
    files[i].refcount = 1;
    return &files[i];
}

static void setup(void)
{
    memset(files, 0, sizeof(files));
    released = 0;
    posix_drops = 0;
    posix_drop_owner = NULL;
    posix_drop_file = NULL;
}

START_TEST(lowest_free)
{
    struct fdtable *t = fdtable_new();
    ck_assert_int_eq(fdt_alloc(t, newf(0), 0, false), 0);
    ck_assert_int_eq(fdt_alloc(t, newf(1), 0, false), 1);
    ck_assert_int_eq(fdt_alloc(t, newf(2), 0, false), 2);
    ck_assert_int_eq(fdt_close(t, 1), 0);
    ck_assert_int_eq(released, 1);
    ck_assert_int_eq(fdt_close(t, 1), -EBADF);
    ck_assert_int_eq(fdt_alloc(t, newf(3), 0, false), 1);    /* the hole is reused */
    ck_assert_int_eq(fdt_alloc(t, newf(4), 10, true), 10);   /* F_DUPFD_CLOEXEC, 10 */
    ck_assert_int_eq(fdt_alloc(t, newf(5), 10, false), 11);
    ck_assert_int_eq(fdt_alloc(t, newf(6), 0, false), 3);
    ck_assert_int_eq(fdt_get_cloexec(t, 10), 1);
    ck_assert_int_eq(fdt_get_cloexec(t, 11), 0);
    ck_assert_int_eq(fdt_get_cloexec(t, 5), -EBADF);
    ck_assert_int_eq(fdt_count(t), 6);
    fdtable_put(t);
    ck_assert_int_eq(released, 7);
}
END_TEST

START_TEST(growth_and_emfile)
{
    struct fdtable *t = fdtable_new();
    for (int i = 0; i < NR_OPEN_MAX; i++)
        ck_assert_int_eq(fdt_alloc(t, newf(i), 0, false), i);
    ck_assert_int_eq(t->cap, NR_OPEN_MAX);
    ck_assert_int_eq(fdt_alloc(t, newf(NR_OPEN_MAX), 0, false), -EMFILE);
    ck_assert_int_eq(fdt_alloc(t, newf(NR_OPEN_MAX), 5000, false), -EMFILE);
    ck_assert_int_eq(fdt_close(t, 700), 0);
    ck_assert_int_eq(fdt_alloc(t, newf(NR_OPEN_MAX + 1), 0, false), 700);
    struct file *f = fdt_get(t, 1023);
    ck_assert_ptr_eq(f, &files[1023]);
    ck_assert_int_eq(f->refcount, 2);
    file_put(f);
    ck_assert_ptr_null(fdt_get(t, 1024));
    ck_assert_ptr_null(fdt_get(t, -1));
    fdtable_put(t);
    ck_assert_int_eq(released, NR_OPEN_MAX + 1);
}
END_TEST

START_TEST(min_beyond_capacity)
{
    struct fdtable *t = fdtable_new();
    ck_assert_int_eq(fdt_alloc(t, newf(0), 200, false), 200);   /* grows to reach 200 */
    ck_assert_int_ge(t->cap, 201);
    ck_assert_int_eq(fdt_alloc(t, newf(1), 0, false), 0);
    ck_assert_int_eq(fdt_alloc(t, newf(2), -1, false), -EINVAL);
    fdtable_put(t);
}
END_TEST

/* Under a lower RLIMIT_NOFILE, allocation stops there (EMFILE) and dup2
 * onto a number past it is EBADF, however large the table is. */
START_TEST(rlimit_nofile)
{
    struct fdtable *t = fdtable_new();
    struct file f = { .refcount = 16 };   /* one reference for each slot it takes */
    nofile = 3;
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(fdt_alloc(t, &f, 0, false), i);
    ck_assert_int_eq(fdt_alloc(t, &f, 0, false), -EMFILE);
    ck_assert_int_eq(fdt_alloc(t, &f, 3, false), -EMFILE);
    ck_assert_int_eq(fdt_replace(t, 3, &f, false), -EBADF);
    fdt_close(t, 1);
    ck_assert_int_eq(fdt_alloc(t, &f, 0, false), 1);
    nofile = NR_OPEN_MAX;
    ck_assert_int_eq(fdt_alloc(t, &f, 0, false), 3);
    fdtable_put(t);
}
END_TEST

START_TEST(dup2_replaces)
{
    struct fdtable *t = fdtable_new();
    fdt_alloc(t, newf(0), 0, false);
    fdt_alloc(t, newf(1), 0, false);
    file_get(&files[0]);
    ck_assert_int_eq(fdt_replace(t, 1, &files[0], true), 1);   /* dup2(0, 1) */
    ck_assert_int_eq(released, 1);                              /* files[1] closed */
    ck_assert_int_eq(files[0].refcount, 2);
    ck_assert_int_eq(fdt_get_cloexec(t, 1), 1);
    file_get(&files[0]);
    ck_assert_int_eq(fdt_replace(t, 900, &files[0], false), 900);
    ck_assert_int_eq(fdt_replace(t, NR_OPEN_MAX, &files[0], false), -EBADF);
    ck_assert_int_eq(fdt_replace(t, -3, &files[0], false), -EBADF);
    fdtable_put(t);
    ck_assert_int_eq(files[0].refcount, 0);
    ck_assert_int_eq(released, 2);
}
END_TEST

START_TEST(exec_and_clone)
{
    struct fdtable *t = fdtable_new();
    fdt_alloc(t, newf(0), 0, false);
    fdt_alloc(t, newf(1), 0, true);
    fdt_alloc(t, newf(2), 0, false);
    fdt_set_cloexec(t, 2, true);
    fdt_set_cloexec(t, 2, false);
    struct fdtable *c = fdtable_clone(t);
    ck_assert_int_eq(files[0].refcount, 2);
    ck_assert_int_eq(fdt_get_cloexec(c, 1), 1);
    fdtable_exec(c);                                  /* child execs */
    ck_assert_int_eq(fdt_count(c), 2);
    ck_assert_ptr_null(fdt_get(c, 1));
    ck_assert_int_eq(files[1].refcount, 1);          /* parent still has it */
    ck_assert_int_eq(fdt_alloc(c, newf(3), 0, false), 1);
    fdtable_put(c);
    fdtable_put(t);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(files[i].refcount, 0);
    ck_assert_int_eq(released, 4);
}
END_TEST

/* POSIX record locks go with ANY close of the file by their owner: close,
 * dup2 over a descriptor, close-on-exec and the table's end all tell the
 * lock code which table closed which file. */
START_TEST(closes_drop_record_locks)
{
    struct fdtable *t = fdtable_new();
    fdt_alloc(t, newf(0), 0, false);
    fdt_alloc(t, newf(1), 0, true);
    fdt_alloc(t, newf(2), 0, false);
    ck_assert_int_eq(fdt_close(t, 0), 0);
    ck_assert_int_eq(posix_drops, 1);
    ck_assert_ptr_eq(posix_drop_owner, t);
    ck_assert_ptr_eq(posix_drop_file, &files[0]);
    ck_assert_int_eq(fdt_close(t, 0), -EBADF);               /* nothing closed, nothing dropped */
    ck_assert_int_eq(posix_drops, 1);
    file_get(&files[2]);
    fdt_replace(t, 5, &files[2], false);                      /* dup2 onto a free slot */
    ck_assert_int_eq(posix_drops, 1);
    file_get(&files[2]);
    fdt_replace(t, 1, &files[2], true);                       /* dup2 over fd 1 closes files[1] */
    ck_assert_int_eq(posix_drops, 2);
    ck_assert_ptr_eq(posix_drop_file, &files[1]);
    struct fdtable *c = fdtable_clone(t);
    fdtable_exec(c);                                          /* fd 1 is close-on-exec */
    ck_assert_int_eq(posix_drops, 3);
    ck_assert_ptr_eq(posix_drop_owner, c);
    fdtable_put(c);                                           /* fds 2 and 5 */
    ck_assert_int_eq(posix_drops, 5);
    ck_assert_ptr_eq(posix_drop_owner, c);
    fdtable_put(t);                                           /* fds 1, 2 and 5 */
    ck_assert_int_eq(posix_drops, 8);
    ck_assert_ptr_eq(posix_drop_owner, t);
    ck_assert_int_eq(files[2].refcount, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fs_fdtable");
    TCase *tc = tcase_create("fdtable");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, lowest_free);
    tcase_add_test(tc, growth_and_emfile);
    tcase_add_test(tc, min_beyond_capacity);
    tcase_add_test(tc, rlimit_nofile);
    tcase_add_test(tc, dup2_replaces);
    tcase_add_test(tc, exec_and_clone);
    tcase_add_test(tc, closes_drop_record_locks);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(suite()); }
