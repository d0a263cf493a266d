/*
 * Pid numbers: which task, process group and session each number names,
 * how a new task's number is chosen, and pid_max.
 *
 * A number is in use while anything holds it: the task with that id (from
 * task_alloc until task_release), a process group of that id (while any
 * process is in it, zombies included) or a session of that id.  One
 * struct pid_entry records the three, and exists exactly while the number
 * is in use; as on Linux, a new task never gets the id of a process group
 * or session that is still alive.
 *
 * The table is a two-level radix array: a directory of PID_MAX_LIMIT / 512
 * slots, each pointing to a page of 512 entry pointers that is allocated
 * when a number in it is first used and freed when its last one is.
 * Finding a pid's task is two loads; walking the pids in order (/proc)
 * visits only the pages present, up to the highest.  A new pid is the
 * first free number after the last one given, below pid_max; past pid_max
 * the search wraps to RESERVED_PIDS (300), or to 1 while the last pid
 * given is still below that, as Linux's cyclic allocation does.  Full
 * pages are skipped by their counts, so a search reads the slots of at
 * most two pages (the rest of the one it starts in, and the first one
 * with room; twice if it wraps), however many pids are in use.
 *
 * A process group's members are listed in its entry, live processes
 * first and ended ones (zombies not yet reaped) after them.
 *
 * Locking: everything here is protected by tasks_lock (pid_max is also
 * read without it, for /proc).
 */
#include <kernel/task.h>
#include <lib/list.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <proc/pid.h>

#define PID_PAGE_SLOTS 512
#define PID_PAGES (PID_MAX_LIMIT / PID_PAGE_SLOTS)

struct pid_entry {
    pid_t nr;
    struct task *task;          /* the task with this id; NULL once it is freed */
    struct list_node pgrp;      /* leaders of the processes in group nr (task.pgrp_node):
                                 * the live ones first, then the ended ones */
    unsigned sessions;          /* processes in session nr */
};

struct pid_page {
    struct pid_entry *slot[PID_PAGE_SLOTS];
};
_Static_assert(sizeof(struct pid_page) == PAGE_SIZE, "a pid page is one frame");

/* --- protected by tasks_lock --- */
static struct pid_page *pid_pages[PID_PAGES];
static uint16_t pid_page_used[PID_PAGES];  /* entries in each page */
static unsigned pid_pages_top;              /* pages from here up are all absent */
static int pid_max = PID_MAX_DEFAULT;       /* new pids are below it (written by the sysctl alone) */
static pid_t pid_cursor;                    /* the pid given most recently (0: none yet) */

struct pid_entry *pid_entry_new(void)
{
    struct pid_entry *e = kzalloc(sizeof *e);
    if (e)
        list_init(&e->pgrp);
    return e;
}

void pid_entry_free(struct pid_entry *e) { kfree(e); }

static struct pid_entry *entry(pid_t nr)
{
    if (nr <= 0 || nr >= PID_MAX_LIMIT)
        return NULL;
    struct pid_page *p = pid_pages[nr / PID_PAGE_SLOTS];
    return p ? p->slot[nr % PID_PAGE_SLOTS] : NULL;
}

/* The lowest number in [lo, hi) that no entry holds, or 0. */
static pid_t find_free(pid_t lo, pid_t hi)
{
    pid_t nr = lo;
    while (nr < hi) {
        unsigned pg = (unsigned)nr / PID_PAGE_SLOTS;
        struct pid_page *p = pid_pages[pg];
        pid_t page_end = (pid_t)((pg + 1) * PID_PAGE_SLOTS);
        if (!p)
            return nr;
        if (pid_page_used[pg] < PID_PAGE_SLOTS) {
            for (; nr < hi && nr < page_end; nr++)
                if (!p->slot[nr % PID_PAGE_SLOTS])
                    return nr;
        }
        nr = page_end;
    }
    return 0;
}

pid_t pid_alloc_locked(struct task *t, struct pid_entry *e)
{
    spin_assert_held(&tasks_lock);
    pid_t min = pid_cursor >= RESERVED_PIDS ? RESERVED_PIDS : 1;
    pid_t start = MAX(pid_cursor + 1, min), max = READ_ONCE(pid_max);
    pid_t nr = find_free(start, max);
    if (!nr && start > min)
        nr = find_free(min, max);
    if (!nr)
        return -EAGAIN;
    unsigned pg = (unsigned)nr / PID_PAGE_SLOTS;
    if (!pid_pages[pg]) {
        phys_t frame = pmm_alloc();     /* zeroed */
        if (!frame)
            return -ENOMEM;
        pid_pages[pg] = P2V(frame);
        pid_pages_top = MAX(pid_pages_top, pg + 1);
    }
    e->nr = nr;
    e->task = t;
    pid_pages[pg]->slot[nr % PID_PAGE_SLOTS] = e;
    pid_page_used[pg]++;
    pid_cursor = nr;
    t->pid = nr;
    return nr;
}

/* Frees e if nothing holds its number any more. */
static void entry_put(struct pid_entry *e)
{
    if (!e || e->task || !list_empty(&e->pgrp) || e->sessions)
        return;
    unsigned pg = (unsigned)e->nr / PID_PAGE_SLOTS;
    pid_pages[pg]->slot[e->nr % PID_PAGE_SLOTS] = NULL;
    if (--pid_page_used[pg] == 0) {
        pmm_put(V2P(pid_pages[pg]));
        pid_pages[pg] = NULL;
        while (pid_pages_top > 0 && !pid_pages[pid_pages_top - 1])
            pid_pages_top--;
    }
    kfree(e);
}

void pid_free_locked(struct task *t)
{
    spin_assert_held(&tasks_lock);
    struct pid_entry *e = entry(t->pid);
    if (!e || e->task != t)
        return;
    e->task = NULL;
    entry_put(e);
}

struct task *pid_task_locked(pid_t pid)
{
    spin_assert_held(&tasks_lock);
    struct pid_entry *e = entry(pid);
    return e ? e->task : NULL;
}

struct task *pid_next_task_locked(pid_t *from)
{
    spin_assert_held(&tasks_lock);
    pid_t nr = MAX(*from, 1);
    while (nr < (pid_t)(pid_pages_top * PID_PAGE_SLOTS)) {
        unsigned pg = (unsigned)nr / PID_PAGE_SLOTS;
        struct pid_page *p = pid_pages[pg];
        pid_t page_end = (pid_t)((pg + 1) * PID_PAGE_SLOTS);
        for (; p && nr < page_end; nr++) {
            struct pid_entry *e = p->slot[nr % PID_PAGE_SLOTS];
            if (e && e->task) {
                *from = nr;
                return e->task;
            }
        }
        nr = page_end;
    }
    return NULL;
}

/* ---------------------------------------------------------------- process groups */

static bool attached(const struct task *leader) { return !list_empty(&leader->pgrp_node); }

void pgrp_attach_locked(struct task *leader)
{
    spin_assert_held(&tasks_lock);
    struct pid_entry *g = entry(leader->pgid), *s = entry(leader->sid);
    if (!g || !s || attached(leader)) {
        kprintf(KERN_WARNING "pid: process %d cannot join group %d, session %d\n", leader->pid, leader->pgid,
                leader->sid);
        return;
    }
    list_push_front(&g->pgrp, &leader->pgrp_node);     /* a live process: ahead of the ended */
    s->sessions++;
}

void pgrp_member_ended_locked(struct task *leader)
{
    spin_assert_held(&tasks_lock);
    struct pid_entry *g = entry(leader->pgid);
    if (!g || !attached(leader))
        return;
    list_remove(&leader->pgrp_node);
    list_push_back(&g->pgrp, &leader->pgrp_node);
}

void pgrp_detach_locked(struct task *leader)
{
    spin_assert_held(&tasks_lock);
    if (!attached(leader))
        return;
    struct pid_entry *g = entry(leader->pgid), *s = entry(leader->sid);
    list_remove(&leader->pgrp_node);
    s->sessions--;
    entry_put(g);
    if (s != g)                         /* a session leader's group: one entry */
        entry_put(s);
}

void pgrp_move_locked(struct task *leader, pid_t pgid, pid_t sid)
{
    spin_assert_held(&tasks_lock);
    struct pid_entry *old_g = entry(leader->pgid), *old_s = entry(leader->sid);
    struct pid_entry *g = entry(pgid), *s = entry(sid);
    bool was = attached(leader);
    if (was && (!g || !s)) {
        kprintf(KERN_WARNING "pid: process %d cannot move to group %d, session %d\n", leader->pid, pgid, sid);
        return;
    }
    struct task *t;
    list_for_each_entry(t, &leader->group->threads, thread_node) {
        t->pgid = pgid;
        t->sid = sid;
    }
    leader->pgid = pgid;                /* a leader that has exited keeps them too */
    leader->sid = sid;
    if (!was)
        return;
    /* into the new group and session first: an old one that is also the
     * new one must not be freed on the way */
    list_remove(&leader->pgrp_node);
    if (leader->group->live > 0)
        list_push_front(&g->pgrp, &leader->pgrp_node);
    else
        list_push_back(&g->pgrp, &leader->pgrp_node);
    s->sessions++;
    old_s->sessions--;
    entry_put(old_g);
    if (old_s != old_g)
        entry_put(old_s);
}

struct list_node *pgrp_members_locked(pid_t pgid)
{
    spin_assert_held(&tasks_lock);
    struct pid_entry *g = entry(pgid);
    return g && !list_empty(&g->pgrp) ? &g->pgrp : NULL;
}

void pid_exec_swap_locked(struct task *old, struct task *t)
{
    spin_assert_held(&tasks_lock);
    struct pid_entry *a = entry(old->pid), *b = entry(t->pid);
    a->task = t;
    b->task = old;
    pid_t pid = old->pid;
    old->pid = t->pid;
    t->pid = pid;
    if (attached(old)) {
        list_insert_between(&t->pgrp_node, &old->pgrp_node, old->pgrp_node.next);
        list_remove(&old->pgrp_node);
    }
}

/* ---------------------------------------------------------------- pid_max */

int pid_max_get(void) { return READ_ONCE(pid_max); }
pid_t pid_last(void) { return READ_ONCE(pid_cursor); }

static int pid_max_read(char *buf, size_t n) { return snprintf(buf, n, "%d\n", pid_max_get()); }

/* Linux's bounds: above RESERVED_PIDS, at most PID_MAX_LIMIT.  Pids
 * already given above a lowered pid_max stay; the next one wraps. */
static int pid_max_write(const char *val, size_t len)
{
    int v, err = sysctl_parse_int(val, RESERVED_PIDS + 1, PID_MAX_LIMIT, &v);
    if (!err)
        WRITE_ONCE(pid_max, v);
    return err;
}

const struct sysctl_entry pid_sysctls[] = {
    { "pid_max", pid_max_read, pid_max_write },
    { NULL, NULL, NULL },
};
