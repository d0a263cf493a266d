/*
 * Host tests of the pid table (kernel/proc/pid.c) with its kernel
 * dependencies shimmed (heap -> malloc, frames -> aligned pages, locks ->
 * nothing, tasks -> the few fields the table reads): pids count up from 1,
 * wrap at pid_max to 300 once past it (to 1 before), skip numbers in use,
 * are EAGAIN when none is free; a process group's or session's id is not
 * given again while it lives; listing in order skips gaps and stops at the
 * highest page; pages come and go with their pids; process groups keep
 * their live members ahead of the ended ones; the pid_max sysctl's bounds.
 */
#include <check.h>

#include "check_main.h"
#include <stdlib.h>
#include <string.h>

/* The real struct task drags in the signal UAPI, which clashes with the C
 * library's; the pid table needs only these fields of it. */
#define KERNEL_TASK_H
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <lib/list.h>
struct thread_group {
    struct list_node threads;
    int live;
};
struct task {
    pid_t pid, pgid, sid;
    struct thread_group *group;
    struct list_node thread_node, pgrp_node;
};

#include <kernel/sysctl.h>
#include <mm/kheap.h>
#include <mm/pmm.h>

struct spinlock tasks_lock;
void spin_lock(struct spinlock *l) { l->locked = 1; }
void spin_unlock(struct spinlock *l) { l->locked = 0; }
void *kmalloc(size_t n) { return malloc(n); }
void *kzalloc(size_t n) { return calloc(1, n); }
void kfree(void *p) { free(p); }
int kprintf(const char *fmt, ...) { (void)fmt; return 0; }

/* Frames: zeroed pages, counted; phys is the address less the direct map. */
static long frames_live;
phys_t pmm_alloc(void)
{
    void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    memset(p, 0, PAGE_SIZE);
    frames_live++;
    return (phys_t)((uint64_t)p - KERNEL_DIRECT_BASE);
}
void pmm_put(phys_t p)
{
    frames_live--;
    free((void *)(p + KERNEL_DIRECT_BASE));
}

#include "../../kernel/sysctl.c"
#include "../../kernel/proc/pid.c"

/* --- tasks made and freed the way task_alloc and task_release do --- */

#define MAXT 40000
static struct task *tasks[MAXT];
static int ntasks;

static struct task *mk(void)
{
    struct task *t = calloc(1, sizeof *t);
    t->group = calloc(1, sizeof *t->group);
    list_init(&t->group->threads);
    list_init(&t->pgrp_node);
    list_push_back(&t->group->threads, &t->thread_node);
    t->group->live = 1;
    struct pid_entry *e = pid_entry_new();
    if (pid_alloc_locked(t, e) < 0) {
        pid_entry_free(e);
        free(t->group);
        free(t);
        return NULL;
    }
    return tasks[ntasks++] = t;
}

/* A process with its own group and session, as init. */
static struct task *mk_leader(void)
{
    struct task *t = mk();
    t->pgid = t->sid = t->pid;
    pgrp_attach_locked(t);
    return t;
}

/* A child process in parent's group and session, as fork makes it. */
static struct task *mk_child(struct task *parent)
{
    struct task *t = mk();
    if (!t)
        return NULL;
    t->pgid = parent->pgid;
    t->sid = parent->sid;
    pgrp_attach_locked(t);
    return t;
}

static void release(struct task *t)
{
    pgrp_detach_locked(t);
    pid_free_locked(t);
    for (int i = 0; i < ntasks; i++)
        if (tasks[i] == t) {
            tasks[i] = tasks[--ntasks];
            break;
        }
    free(t->group);
    free(t);
}

static void setup(void)
{
    pid_cursor = 0;
    pid_max = PID_MAX_DEFAULT;
    ntasks = 0;
}

static void teardown(void)
{
    while (ntasks)
        release(tasks[ntasks - 1]);
    ck_assert_int_eq(frames_live, 0);
    ck_assert_int_eq(pid_pages_top, 0);
}

START_TEST(count_up_from_one)
{
    for (int i = 1; i <= 5; i++)
        ck_assert_int_eq(mk()->pid, i);
    ck_assert_ptr_eq(pid_task_locked(3), tasks[2]);
    ck_assert_ptr_null(pid_task_locked(6));
    release(tasks[2]);                  /* pid 3 */
    ck_assert_ptr_null(pid_task_locked(3));
    ck_assert_int_eq(mk()->pid, 6);     /* onwards, not back to the hole */
    ck_assert_int_eq(pid_last(), 6);
}
END_TEST

START_TEST(wrap_to_300)
{
    pid_max = 1000;
    struct task *keep[300];
    for (int i = 0; i < 299; i++)
        keep[i] = mk();                 /* 1..299 stay */
    for (int i = 300; i < 1000; i++)
        release(mk());                  /* 300..999 come and go */
    ck_assert_int_eq(pid_last(), 999);
    ck_assert_int_eq(mk()->pid, 300);   /* wrapped, past the reserved ones */
    (void)keep;
}
END_TEST

START_TEST(wrap_to_1_before_300)
{
    pid_max = 400;
    pid_cursor = 200;                   /* nothing given at 300 or more yet... */
    struct task *a = mk();
    ck_assert_int_eq(a->pid, 201);
    pid_cursor = 399;                   /* ...then the last one is 399 */
    ck_assert_int_eq(mk()->pid, 300);
    pid_max = 301;                      /* lowered below the cursor */
    pid_cursor = 250;
    ck_assert_int_eq(mk()->pid, 251);
    ck_assert_int_eq(mk()->pid, 252);
}
END_TEST

START_TEST(full_is_eagain)
{
    pid_max = 400;
    for (int i = 1; i < 400; i++)
        ck_assert_ptr_nonnull(mk());
    struct pid_entry *e = pid_entry_new();
    struct task t = {0};
    ck_assert_int_eq(pid_alloc_locked(&t, e), -EAGAIN);
    pid_entry_free(e);
    release(pid_task_locked(350));
    ck_assert_int_eq(mk()->pid, 350);   /* the only free one */
}
END_TEST

START_TEST(skips_full_pages)
{
    pid_max = PID_MAX_LIMIT;
    for (int i = 1; i <= 3 * 512; i++)
        mk();
    release(pid_task_locked(700));      /* a hole in the second page */
    pid_cursor = 0;
    pid_max = 2000;
    pid_cursor = 1999;                  /* the wrap must find 700 */
    ck_assert_int_eq(mk()->pid, 700);
}
END_TEST

START_TEST(group_and_session_ids_stay_taken)
{
    pid_max = 400;
    pid_cursor = 299;                   /* everything below in [300, 400) */
    struct task *init = mk_leader();
    struct task *lead = mk_child(init);
    pgrp_move_locked(lead, lead->pid, lead->sid);       /* setpgid(0, 0) */
    struct task *member = mk_child(lead);
    pid_t gid = lead->pid;
    struct task *sl = mk_child(init);
    pgrp_move_locked(sl, sl->pid, sl->pid);             /* setsid */
    struct task *in_session = mk_child(sl);
    pid_t sid = sl->pid;
    lead->group->live = 0;
    release(lead);                      /* the group lives on in member */
    sl->group->live = 0;
    release(sl);                        /* the session lives on */
    ck_assert_ptr_nonnull(pgrp_members_locked(gid));
    ck_assert_ptr_null(pid_task_locked(gid));
    struct task *t;
    while ((t = mk()))
        ck_assert(t->pid != gid && t->pid != sid);
    release(member);
    release(in_session);
    ck_assert_int_eq(mk()->pid, gid < sid ? gid : sid);  /* free again, the lowest first */
}
END_TEST

START_TEST(setpgid_to_own_group_keeps_it)
{
    struct task *init = mk_leader();
    struct task *a = mk_child(init);
    pgrp_move_locked(a, a->pid, a->sid);
    struct task *b = mk_child(a);
    pid_t g = a->pid;
    a->group->live = 0;
    release(a);                         /* group g: b alone, no task with pid g */
    pgrp_move_locked(b, g, b->sid);     /* a move into the group it is in */
    ck_assert_ptr_nonnull(pgrp_members_locked(g));
    ck_assert_ptr_eq(list_first_entry(pgrp_members_locked(g), struct task, pgrp_node), b);
}
END_TEST

START_TEST(live_members_first)
{
    struct task *init = mk_leader();
    struct task *k[4];
    for (int i = 0; i < 4; i++)
        k[i] = mk_child(init);
    k[1]->group->live = 0;
    pgrp_member_ended_locked(k[1]);
    k[3]->group->live = 0;
    pgrp_member_ended_locked(k[3]);
    struct task *newer = mk_child(init);
    int seen_ended = 0, order = 0;
    struct task *t;
    list_for_each_entry(t, pgrp_members_locked(init->pgid), pgrp_node) {
        if (t->group->live == 0)
            seen_ended = 1;
        else
            ck_assert_msg(!seen_ended, "a live member after an ended one");
        order++;
    }
    ck_assert_int_eq(order, 6);
    ck_assert_ptr_eq(list_first_entry(pgrp_members_locked(init->pgid), struct task, pgrp_node), newer);
}
END_TEST

START_TEST(listing_in_order)
{
    pid_max = PID_MAX_LIMIT;
    for (int i = 0; i < 2000; i++)
        mk();
    for (pid_t p = 2; p <= 2000; p += 3)
        release(pid_task_locked(p));
    pid_cursor = 100000;
    struct task *far = mk();            /* page 195 */
    ck_assert_int_eq(far->pid, 100001);
    pid_t from = 1, prev = 0;
    int n = 0;
    struct task *t;
    while ((t = pid_next_task_locked(&from))) {
        ck_assert_int_eq(t->pid, from);
        ck_assert_int_gt(from, prev);
        ck_assert(from % 3 != 2 || from > 2000);
        prev = from++;
        n++;
    }
    ck_assert_int_eq(n, 2000 - 667 + 1);
    ck_assert_int_eq(pid_pages_top, 100001 / 512 + 1);
    release(far);
    ck_assert_int_eq(pid_pages_top, 2000 / 512 + 1);   /* back down to the pages in use */
}
END_TEST

START_TEST(thirty_thousand)
{
    struct task *init = mk_leader();
    for (int i = 1; i < 30000; i++)
        ck_assert_ptr_nonnull(mk_child(init));
    ck_assert_int_eq(pid_last(), 30000);
    ck_assert_int_eq(frames_live, 30000 / 512 + 1);
    for (int p = 1; p <= 30000; p += 997)
        ck_assert_int_eq(pid_task_locked(p)->pid, p);
}
END_TEST

/* /proc/sys/kernel/pid_max's writer, from the table the pid code exports. */
static sysctl_write_fn pid_max_writer(void)
{
    for (const struct sysctl_entry *e = pid_sysctls; e->name; e++)
        if (!strcmp(e->name, "pid_max"))
            return e->write;
    return NULL;
}

START_TEST(pid_max_bounds)
{
    ck_assert_ptr_nonnull(pid_max_writer());
    static const char *const bad[] = { "300", "4194305", "0", "-1", "abc", "12x", " ", "99999999999", "" };
    for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_int_eq(pid_max_writer()(bad[i], strlen(bad[i])), -EINVAL);
    ck_assert_int_eq(pid_max_get(), PID_MAX_DEFAULT);
    ck_assert_int_eq(pid_max_writer()("301", 3), 0);
    ck_assert_int_eq(pid_max_get(), 301);
    ck_assert_int_eq(pid_max_writer()(" 0x400000", 9), 0);  /* C notation, as Linux reads it */
    ck_assert_int_eq(pid_max_get(), PID_MAX_LIMIT);
    ck_assert_int_eq(pid_max_writer()("01000 junk", 10), 0); /* octal; the rest after a blank ignored */
    ck_assert_int_eq(pid_max_get(), 512);
}
END_TEST

static Suite *pid_suite(void)
{
    Suite *s = suite_create("pid");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, count_up_from_one);
    tcase_add_test(tc, wrap_to_300);
    tcase_add_test(tc, wrap_to_1_before_300);
    tcase_add_test(tc, full_is_eagain);
    tcase_add_test(tc, skips_full_pages);
    tcase_add_test(tc, group_and_session_ids_stay_taken);
    tcase_add_test(tc, setpgid_to_own_group_keeps_it);
    tcase_add_test(tc, live_members_first);
    tcase_add_test(tc, listing_in_order);
    tcase_add_test(tc, thirty_thousand);
    tcase_add_test(tc, pid_max_bounds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(pid_suite());
}
