/*
 * perf_event_open(2): counting software events (docs/perf.md).
 *
 * An event counts one thing for one task (pid = a tid, or 0 for the
 * caller; cpu = -1, or a CPU to count on only) or for one CPU (pid = -1):
 *
 *   page-faults, minor-faults   the fault handler resolved a fault taken by
 *                               the page-fault exception (kernel/mm/fault.c);
 *                               every one is minor: there is no disk
 *   major-faults, alignment-faults, emulation-faults, dummy, bpf-output,
 *   cgroup-switches             never happen here: they stay 0
 *   context-switches            the scheduler switched away from the task
 *   cpu-migrations              the task was placed on another CPU (a
 *                               wake-up, an idle CPU's pull, an affinity
 *                               change); counted when it starts running there
 *   task-clock, cpu-clock       a task's CPU time, measured at kernel entry
 *                               and exit and at the switch (kernel/cputime.c);
 *                               a CPU's: the time since the event started
 *
 * An event's own object is struct perf_event; its file (anonymous, mode
 * 0600 without a file type, as Linux's anon inode) owns it.  An event with `inherit` is
 * copied into every task its task creates afterwards (fork, clone,
 * threads); a copy counts for its task and, when that task ends, adds its
 * count and times to the original, as Linux does; reading the original
 * adds the copies still alive.  Copies of copies belong to the original
 * directly.
 *
 * Times.  An event has two clocks: enabled (it was on) and running (it was
 * on and so was its group's leader: it counted).  For a task they advance
 * with the task's CPU time, as Linux's task context time does, so a task
 * event's time_enabled is the task's CPU time while the event was on; for
 * a CPU, with the wall clock.  A clock event's count is its running time.
 * Times are brought up to date whenever they are read or a state changes.
 *
 * Locking.  perf_lock (rank "perf", docs/locking.md) guards every event's
 * state, links and times, and the task pointers: an event's task is valid
 * while the event is attached, and detaching needs perf_lock.  Each task
 * and CPU has a context whose spinlock ("perf_ctx", under run-queue and mm
 * locks) guards its list of events: the hooks (a page fault, a context
 * switch) walk the current task's and this CPU's list under it and add to
 * the counts atomically, without perf_lock.  A task's context lives as long
 * as the task.  A task that has passed perf_task_exit takes no new event:
 * it sets perf_exited and then looks at its context, an opener sets the
 * context and then looks at perf_exited, each with a full barrier between,
 * so one of them sees the other.
 */
#include <arch/percpu.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/cputime.h>
#include <kernel/kernel.h>
#include <kernel/perf_event.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <lib/list.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <proc/cred.h>
#include <uapi/poll.h>

int perf_sw_events[PERF_COUNT_SW_MAX];

/* Linux's defaults: kernel.perf_event_max_sample_rate, and the largest
 * read(2) of a group (perf_event_validate_size). */
#define PERF_MAX_SAMPLE_RATE 100000
#define PERF_MAX_READ_SIZE (16 * 1024 - 64)

struct perf_ctx {
    struct spinlock lock;           /* "perf_ctx": the list, for the hooks */
    struct list_node events;        /* of struct perf_event, via ctx_node */
    int nr;                         /* events in the list; the hooks read it unlocked */
};

struct perf_event {
    struct perf_event_attr attr;    /* a copy's is its original's */
    unsigned sw_id;                 /* attr.config: PERF_COUNT_SW_* */
    bool is_clock;                  /* task-clock or cpu-clock: counts running time */
    uint64_t id;                    /* PERF_FORMAT_ID: a copy gives its original's */
    int cpu;                        /* -1, or the CPU it counts on */

    /* --- perf_lock --- */
    struct perf_ctx *ctx;           /* NULL once detached (task ended, closed) or before */
    struct task *task;              /* the task counted; NULL for a CPU's, or once detached */
    bool enabled;                   /* on: not disabled, or enabled since */
    bool exited;                    /* an original whose task ended: counts nothing more */
    bool counting;                  /* attached, on, and its leader too; hooks read it */
    uint64_t tstamp;                /* its clock when the times were last brought up */
    uint64_t time_enabled, time_running;
    uint64_t child_count, child_enabled, child_running;   /* from copies that ended */
    struct perf_event *leader;      /* its group's leader (itself for a leader) */
    struct list_node siblings;      /* a leader's other members, via sibling_node */
    struct list_node sibling_node;
    int nr_siblings;
    struct perf_event *parent;      /* a copy's original; NULL for an original */
    struct list_node children;      /* an original's live copies, via child_node */
    struct list_node child_node;
    struct list_node ctx_node;      /* in ctx->events (also under ctx->lock) */

    uint64_t count;                 /* atomic: the hooks add without perf_lock */
};

/* kernel.perf_event_paranoid: what a task without privilege (effective uid
 * 0, as CAP_PERFMON) may count.  Linux's default 2: the user-mode events
 * (exclude_kernel) of the tasks it may trace; 1: their kernel-mode events
 * too; 0: a CPU's as well; -1: all.  3 and above (Debian's addition):
 * nothing. */
static int paranoid = 2;

static int paranoid_read(char *buf, size_t n) { return snprintf(buf, n, "%d\n", READ_ONCE(paranoid)); }

static int paranoid_write(const char *val, size_t len)
{
    int64_t v;
    if (!sysctl_parse_i64(val, &v) || v < -2147483648LL || v > 2147483647LL)
        return -EINVAL;
    WRITE_ONCE(paranoid, (int)v);
    return 0;
}

const struct sysctl_entry perf_sysctls[] = {
    { "perf_event_paranoid", paranoid_read, paranoid_write },
    { NULL, NULL, NULL },
};

/* May the caller count beyond the level perf_event_paranoid grants? */
static bool perf_privileged(int level) { return READ_ONCE(paranoid) <= level || capable(CAP_SYS_ADMIN); }

static struct spinlock perf_lock = SPINLOCK_INIT("perf");
static struct perf_ctx *cpu_ctx;            /* one per CPU, from perf_setup */
static uint64_t last_id;                    /* perf_lock */
static const struct file_ops perf_fops;

static bool abit(const struct perf_event_attr *a, int bit) { return (a->flags >> bit) & 1; }

/* ------------------------------------------------------------------ counting */

static void ctx_init(struct perf_ctx *c)
{
    spin_init(&c->lock, "perf_ctx");
    list_init(&c->events);
    c->nr = 0;
}

void perf_setup(void)
{
    cpu_ctx = percpu_array_alloc(sizeof *cpu_ctx);
    for (int i = 0; i < nr_cpu_ids; i++)
        ctx_init(&cpu_ctx[i]);
}

/* Adds n to c's events of kind id that count now, on this CPU, for this
 * mode (the hooks; c->lock ranks above the run-queue and mm locks). */
static void count_in(struct perf_ctx *c, unsigned id, uint64_t n, bool user, int cpu)
{
    spin_lock(&c->lock);
    list_for_each(node, &c->events) {
        struct perf_event *e = container_of(node, struct perf_event, ctx_node);
        if (e->sw_id != id || !READ_ONCE(e->counting) || (e->cpu >= 0 && e->cpu != cpu))
            continue;
        if (abit(&e->attr, user ? PERF_ATTR_EXCLUDE_USER : PERF_ATTR_EXCLUDE_KERNEL))
            continue;
        __atomic_add_fetch(&e->count, n, __ATOMIC_RELAXED);
    }
    spin_unlock(&c->lock);
}

/* n events of kind id in task t (NULL: none) on this CPU. */
static void count_event(struct task *t, unsigned id, uint64_t n, bool user)
{
    int cpu = this_cpu_id();
    struct perf_ctx *c = t ? READ_ONCE(t->perf) : NULL;
    if (c && READ_ONCE(c->nr))
        count_in(c, id, n, user, cpu);
    c = &cpu_ctx[cpu];
    if (READ_ONCE(c->nr))
        count_in(c, id, n, user, cpu);
}

void __perf_sw_event(unsigned id, uint64_t n, bool user) { count_event(current, id, n, user); }

void perf_task_migrate_mark(struct task *t) { t->perf_migrated = true; }

/* Linux counts a switch for the task leaving the CPU (kernel mode: an
 * exclude_kernel event does not see it), and a migration when the moved
 * task starts running on its new CPU. */
void __perf_sched_switch(struct task *prev, struct task *next)
{
    if (READ_ONCE(perf_sw_events[PERF_COUNT_SW_CONTEXT_SWITCHES]))
        count_event(prev, PERF_COUNT_SW_CONTEXT_SWITCHES, 1, false);
    if (next->perf_migrated) {
        next->perf_migrated = false;
        count_event(next, PERF_COUNT_SW_CPU_MIGRATIONS, 1, false);
    }
}

/* ------------------------------------------------------------------ times and state */

/* The clock e's times follow: its task's CPU time, or the wall clock. */
static uint64_t event_clock(const struct perf_event *e)
{
    if (e->task) {
        uint64_t u, s;
        task_cputime(e->task, &u, &s);
        return u + s;
    }
    return time_ns();
}

/* Brings e's times, and a clock event's count, up to now.  A detached
 * event's are final. */
static void update_times(struct perf_event *e)
{
    if (!e->ctx)
        return;
    uint64_t now = event_clock(e);
    uint64_t d = now > e->tstamp ? now - e->tstamp : 0;
    e->tstamp = now;
    if (e->enabled)
        e->time_enabled += d;
    if (e->counting) {
        e->time_running += d;
        if (e->is_clock)
            __atomic_add_fetch(&e->count, d, __ATOMIC_RELAXED);
    }
}

static void set_counting(struct perf_event *e)
{
    WRITE_ONCE(e->counting, e->ctx && e->enabled && e->leader->ctx && e->leader->enabled);
}

/* A change that may start or stop e's group counting is made between
 * group_begin (times up to now under the old state) and group_end. */
static void group_begin(struct perf_event *e)
{
    update_times(e);
    if (e->leader == e)
        list_for_each(n, &e->siblings)
            update_times(container_of(n, struct perf_event, sibling_node));
}

static void group_end(struct perf_event *e)
{
    set_counting(e);
    if (e->leader == e)
        list_for_each(n, &e->siblings)
            set_counting(container_of(n, struct perf_event, sibling_node));
}

static void event_set_enabled(struct perf_event *e, bool on)
{
    if (e->exited || e->enabled == on)
        return;
    group_begin(e);
    e->enabled = on;
    group_end(e);
}

/* Takes e out of its group: a leader's siblings become leaders of their
 * own (Linux's perf_group_detach). */
static void group_detach(struct perf_event *e)
{
    if (e->leader != e) {
        update_times(e);
        list_remove(&e->sibling_node);
        e->leader->nr_siblings--;
        e->leader = e;
        set_counting(e);
        return;
    }
    list_for_each_safe(n, &e->siblings) {
        struct perf_event *s = container_of(n, struct perf_event, sibling_node);
        update_times(s);
        list_remove(&s->sibling_node);
        s->leader = s;
        set_counting(s);
    }
    e->nr_siblings = 0;
}

static void ctx_add(struct perf_ctx *c, struct perf_event *e)
{
    spin_lock(&c->lock);
    list_push_back(&c->events, &e->ctx_node);
    WRITE_ONCE(c->nr, c->nr + 1);
    spin_unlock(&c->lock);
}

/* Detaches e from its task or CPU: it counts nothing more, its times stay. */
static void ctx_remove(struct perf_event *e)
{
    struct perf_ctx *c = e->ctx;
    if (!c)
        return;
    update_times(e);
    spin_lock(&c->lock);
    list_remove(&e->ctx_node);
    WRITE_ONCE(c->nr, c->nr - 1);
    WRITE_ONCE(e->counting, false);
    spin_unlock(&c->lock);
    e->ctx = NULL;
    e->task = NULL;
}

static struct perf_event *event_new(const struct perf_event_attr *attr, int cpu)
{
    struct perf_event *e = kzalloc(sizeof *e);
    if (!e)
        return NULL;
    e->attr = *attr;
    e->sw_id = attr->config < PERF_COUNT_SW_MAX ? (unsigned)attr->config : PERF_COUNT_SW_DUMMY;
    e->is_clock = e->sw_id == PERF_COUNT_SW_CPU_CLOCK || e->sw_id == PERF_COUNT_SW_TASK_CLOCK;
    e->cpu = cpu;
    e->leader = e;
    list_init(&e->siblings);
    list_init(&e->sibling_node);
    list_init(&e->children);
    list_init(&e->child_node);
    list_init(&e->ctx_node);
    __atomic_add_fetch(&perf_sw_events[e->sw_id], 1, __ATOMIC_RELAXED);
    return e;
}

static void event_free(struct perf_event *e)
{
    __atomic_sub_fetch(&perf_sw_events[e->sw_id], 1, __ATOMIC_RELAXED);
    kfree(e);
}

/* Attaches e (times starting now) to context c of task t (NULL: a CPU's),
 * in leader's group if leader is not NULL. */
static void event_attach(struct perf_event *e, struct perf_ctx *c, struct task *t, struct perf_event *leader)
{
    e->task = t;
    e->ctx = c;
    e->tstamp = event_clock(e);
    if (leader) {
        e->leader = leader;
        list_push_back(&leader->siblings, &e->sibling_node);
        leader->nr_siblings++;
    }
    set_counting(e);
    ctx_add(c, e);
}

/* ------------------------------------------------------------------ tasks */

static struct perf_ctx *ctx_new(void)
{
    struct perf_ctx *c = kzalloc(sizeof *c);
    if (c)
        ctx_init(c);
    return c;
}

/* The events of c end (with only_roe, those with remove_on_exec): a copy
 * gives its count and times to its original and goes; an original stays,
 * detached, with its final figures. */
static void ctx_end_events(struct perf_ctx *c, bool only_roe)
{
    spin_assert_held(&perf_lock);
    list_for_each_safe(n, &c->events) {
        struct perf_event *e = container_of(n, struct perf_event, ctx_node);
        if (only_roe && !abit(&e->attr, PERF_ATTR_REMOVE_ON_EXEC))
            continue;
        struct perf_event *p = e->parent;
        if (!p) {
            group_begin(e);
            ctx_remove(e);
            e->exited = true;
            group_end(e);
            continue;
        }
        ctx_remove(e);
        p->child_count += __atomic_load_n(&e->count, __ATOMIC_RELAXED);
        p->child_enabled += e->time_enabled;
        p->child_running += e->time_running;
        list_remove(&e->child_node);
        group_detach(e);
        event_free(e);
    }
}

void perf_task_exit(struct task *t)
{
    WRITE_ONCE(t->perf_exited, true);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    struct perf_ctx *c = READ_ONCE(t->perf);
    if (!c)
        return;
    spin_lock(&perf_lock);
    ctx_end_events(c, false);
    spin_unlock(&perf_lock);
}

void perf_task_free(struct task *t)
{
    struct perf_ctx *c = t->perf;
    if (!c)
        return;
    if (READ_ONCE(c->nr)) {             /* a fork that failed after copying events */
        spin_lock(&perf_lock);
        ctx_end_events(c, false);
        spin_unlock(&perf_lock);
    }
    t->perf = NULL;
    kfree(c);
}

void perf_task_exec(struct task *t)
{
    struct perf_ctx *c = READ_ONCE(t->perf);
    if (!c || !READ_ONCE(c->nr))
        return;
    spin_lock(&perf_lock);
    ctx_end_events(c, true);
    list_for_each(n, &c->events) {
        struct perf_event *e = container_of(n, struct perf_event, ctx_node);
        if (!abit(&e->attr, PERF_ATTR_ENABLE_ON_EXEC))
            continue;
        e->attr.flags &= ~(1ULL << PERF_ATTR_ENABLE_ON_EXEC);   /* once, as Linux */
        event_set_enabled(e, true);
    }
    spin_unlock(&perf_lock);
}

/* A copy of e (an event of the forking task) for child, in group leader
 * (NULL: it leads).  Linux takes the attributes from the original and the
 * on/off state from the forking task's event. */
static struct perf_event *inherit_event(struct perf_event *e, struct task *child, struct perf_event *leader)
{
    struct perf_event *orig = e->parent ? e->parent : e;
    if (!child->perf && !(child->perf = ctx_new()))
        return NULL;
    struct perf_event *c = event_new(&orig->attr, orig->cpu);
    if (!c)
        return NULL;
    c->id = orig->id;
    c->parent = orig;
    c->enabled = e->enabled;
    list_push_back(&orig->children, &c->child_node);
    event_attach(c, child->perf, child, leader);
    return c;
}

static bool inherits(const struct perf_event *e, uint64_t clone_flags)
{
    const uint64_t CLONE_THREAD = 0x10000, CLONE_CLEAR_SIGHAND = 0x100000000ULL;
    if (!abit(&e->attr, PERF_ATTR_INHERIT))
        return false;
    if (abit(&e->attr, PERF_ATTR_INHERIT_THREAD) && !(clone_flags & CLONE_THREAD))
        return false;
    return !(abit(&e->attr, PERF_ATTR_SIGTRAP) && (clone_flags & CLONE_CLEAR_SIGHAND));
}

int perf_task_fork(struct task *child, struct task *parent, uint64_t clone_flags)
{
    struct perf_ctx *pc = READ_ONCE(parent->perf);
    if (!pc || !READ_ONCE(pc->nr))
        return 0;
    int err = 0;
    spin_lock(&perf_lock);
    list_for_each(n, &pc->events) {
        struct perf_event *e = container_of(n, struct perf_event, ctx_node);
        if (e->leader != e || !inherits(e, clone_flags))
            continue;
        struct perf_event *cl = inherit_event(e, child, NULL);
        if (!cl) {
            err = -ENOMEM;
            break;
        }
        list_for_each(m, &e->siblings) {
            if (!inherit_event(container_of(m, struct perf_event, sibling_node), child, cl)) {
                err = -ENOMEM;
                break;
            }
        }
        if (err)
            break;
    }
    spin_unlock(&perf_lock);
    return err;                         /* the fork's failure path frees what was copied */
}

/* ------------------------------------------------------------------ perf_event_open */

/* Linux's perf_copy_attr: a size of 0 means VER0; a smaller one than that,
 * or one beyond a page, or a larger one than ours with a non-zero tail is
 * E2BIG, and our size is written back. */
static long copy_attr(const void __user *uattr, struct perf_event_attr *attr)
{
    uint32_t size;
    memset(attr, 0, sizeof *attr);
    if (get_user(size, (const uint32_t __user *)((const char __user *)uattr + 4)))
        return -EFAULT;
    if (!size)
        size = PERF_ATTR_SIZE_VER0;
    if (size < PERF_ATTR_SIZE_VER0 || size > PAGE_SIZE)
        goto too_big;
    if (copy_from_user(attr, uattr, MIN(size, (uint32_t)sizeof *attr)))
        return -EFAULT;
    for (uint32_t off = sizeof *attr; off < size; off += 8) {
        uint64_t word = 0;
        uint32_t n = MIN(8u, size - off);
        if (copy_from_user(&word, (const char __user *)uattr + off, n))
            return -EFAULT;
        if (word)
            goto too_big;
    }
    attr->size = size;

    if ((attr->flags >> PERF_ATTR_NR_BITS) || attr->reserved_2 || (attr->aux_action >> 3))
        return -EINVAL;
    if (attr->sample_type & ~(PERF_SAMPLE_MAX - 1))
        return -EINVAL;
    if (attr->read_format & ~(PERF_FORMAT_MAX - 1))
        return -EINVAL;
    /* x86-64's register mask: DS, ES, FS, GS and bits 24..31 are not registers */
    const uint64_t bad_regs = 0xf000ULL | 0xff000000ULL;
    if ((attr->sample_type & PERF_SAMPLE_REGS_USER) && (!attr->sample_regs_user || (attr->sample_regs_user & bad_regs)))
        return -EINVAL;
    if ((attr->sample_type & PERF_SAMPLE_STACK_USER) &&
        (attr->sample_stack_user >= 0xffff || (attr->sample_stack_user & 7)))
        return -EINVAL;
    if ((attr->sample_type & PERF_SAMPLE_REGS_INTR) && (!attr->sample_regs_intr || (attr->sample_regs_intr & bad_regs)))
        return -EINVAL;
    if ((attr->sample_type & PERF_SAMPLE_WEIGHT) && (attr->sample_type & PERF_SAMPLE_WEIGHT_STRUCT))
        return -EINVAL;
    if (!abit(attr, PERF_ATTR_INHERIT) && abit(attr, PERF_ATTR_INHERIT_THREAD))
        return -EINVAL;
    if (abit(attr, PERF_ATTR_REMOVE_ON_EXEC) && abit(attr, PERF_ATTR_ENABLE_ON_EXEC))
        return -EINVAL;
    if (abit(attr, PERF_ATTR_SIGTRAP) && !abit(attr, PERF_ATTR_REMOVE_ON_EXEC))
        return -EINVAL;
    return 0;

too_big:
    put_user((uint32_t)sizeof *attr, (uint32_t __user *)((char __user *)uattr + 4));
    return -E2BIG;
}

/* The event's kind: only software events exist.  Without a PMU, hardware,
 * cache and raw events are ENOENT, as on Linux in a virtual machine
 * without one; a tracepoint id names nothing (no tracefs here). */
static long check_type(const struct perf_event_attr *a)
{
    switch (a->type) {
    case PERF_TYPE_SOFTWARE:
        if (a->sample_type & PERF_SAMPLE_BRANCH_STACK)
            return -EOPNOTSUPP;
        if (a->config >= PERF_COUNT_SW_MAX)
            return -ENOENT;
        break;
    case PERF_TYPE_TRACEPOINT:
        return -EINVAL;
    default:
        return -ENOENT;
    }
    if (abit(a, PERF_ATTR_AUX_OUTPUT) || (a->aux_action & 7))
        return -EOPNOTSUPP;
    return 0;
}

static bool valid_clockid(int32_t id)
{
    return id == 0 || id == 1 || id == 4 || id == 7 || id == 11;   /* REALTIME MONOTONIC MONOTONIC_RAW BOOTTIME TAI */
}

static size_t read_size(uint64_t fmt, int members)
{
    size_t head = 8 * (!!(fmt & PERF_FORMAT_TOTAL_TIME_ENABLED) + !!(fmt & PERF_FORMAT_TOTAL_TIME_RUNNING));
    size_t entry = 8 * (1 + !!(fmt & PERF_FORMAT_ID) + !!(fmt & PERF_FORMAT_LOST));
    if (fmt & PERF_FORMAT_GROUP)
        return 8 + head + entry * (size_t)members;
    return head + entry;
}

/* The checks of Linux's perf_event_open that need the target, in its
 * order, then the attachment.  Caller holds tasks_lock (the task found
 * stays valid) and perf_lock; *spare is a context to give a task that has
 * none (taken: set to NULL). */
static long event_open_locked(struct perf_event *e, int pid, int cpu, struct perf_event *leader, struct perf_ctx **spare)
{
    const struct perf_event_attr *a = &e->attr;
    struct task *t = NULL;
    if (pid != -1) {
        t = pid == 0 ? current : pid > 0 ? task_find(pid) : NULL;
        if (!t)
            return -ESRCH;
    }
    if (t && leader && abit(&leader->attr, PERF_ATTR_INHERIT) != abit(a, PERF_ATTR_INHERIT))
        return -EINVAL;
    if ((unsigned)cpu >= (unsigned)ncpus && (!t || cpu != -1))
        return -EINVAL;
    if (abit(a, PERF_ATTR_SIGTRAP) && !t)
        return -EINVAL;
    long err = check_type(a);
    if (err)
        return err;
    if (a->sample_period)
        return -EOPNOTSUPP;             /* counting only: no sampling, no ring buffer */
    if (abit(a, PERF_ATTR_USE_CLOCKID) && !valid_clockid(a->clockid))
        return -EINVAL;
    if (t && !may_ptrace(t))
        return -EACCES;                 /* another user's task */
    if (!t && !perf_privileged(0))
        return -EACCES;                 /* a CPU's events: every task's */

    struct perf_ctx *c;
    if (t) {
        if (!t->perf) {
            t->perf = *spare;
            *spare = NULL;
        }
        __atomic_thread_fence(__ATOMIC_SEQ_CST);    /* against perf_task_exit */
        if (READ_ONCE(t->perf_exited) || t->state == TASK_ZOMBIE || t->state == TASK_DEAD)
            return -ESRCH;              /* it has ended (Linux: its context is gone) */
        c = t->perf;
    } else {
        if (!percpu_area[cpu].online)
            return -ENODEV;
        c = &cpu_ctx[cpu];
    }
    if (leader) {
        if (leader->leader != leader || leader->cpu != cpu || leader->ctx != c ||
            abit(a, PERF_ATTR_EXCLUSIVE) || abit(a, PERF_ATTR_PINNED))
            return -EINVAL;
        int members = leader->nr_siblings + 2;
        if (read_size(a->read_format | PERF_FORMAT_GROUP, members) > PERF_MAX_READ_SIZE ||
            read_size(leader->attr.read_format | PERF_FORMAT_GROUP, members) > PERF_MAX_READ_SIZE)
            return -E2BIG;
    }
    e->id = ++last_id;
    e->enabled = !abit(a, PERF_ATTR_DISABLED);
    event_attach(e, c, t, leader);
    return 0;
}

static long sys_perf_event_open(const struct perf_event_attr __user *uattr, int pid, int cpu, int group_fd,
                         unsigned long flags)
{
    struct perf_event_attr attr;
    if (flags & ~PERF_FLAG_ALL)
        return -EINVAL;
    if (!perf_privileged(2))
        return -EACCES;
    long err = copy_attr(uattr, &attr);
    if (err)
        return err;
    if (!abit(&attr, PERF_ATTR_EXCLUDE_KERNEL) && !perf_privileged(1))
        return -EACCES;                 /* kernel-mode events */
    if (abit(&attr, PERF_ATTR_FREQ) ? attr.sample_period > PERF_MAX_SAMPLE_RATE : (attr.sample_period >> 63))
        return -EINVAL;
    if ((flags & PERF_FLAG_PID_CGROUP) && (pid == -1 || cpu == -1))
        return -EINVAL;

    struct file *gf = NULL;
    struct perf_event *leader = NULL;
    if (group_fd != -1) {
        gf = fd_get(group_fd);
        if (!gf || gf->ops != &perf_fops) {
            file_put(gf);
            return -EBADF;
        }
        if (!(flags & PERF_FLAG_FD_NO_GROUP))
            leader = gf->private_data;
    }
    if (flags & PERF_FLAG_PID_CGROUP) {
        file_put(gf);
        return -EBADF;                  /* no cgroup file system: pid names no cgroup directory */
    }

    struct perf_event *e = event_new(&attr, cpu);
    struct perf_ctx *spare = ctx_new();
    /* the file owns the event from here: releasing it frees the event
     * whatever state it reached */
    struct file *f = e ? file_alloc_mode(&perf_fops, e, O_RDWR, 0600) : NULL;
    if (!f || !spare) {
        if (f)
            file_put(f);
        else if (e)
            event_free(e);
        kfree(spare);
        file_put(gf);
        return -ENOMEM;
    }
    spin_lock(&tasks_lock);
    spin_lock(&perf_lock);
    err = event_open_locked(e, pid, cpu, leader, &spare);
    spin_unlock(&perf_lock);
    spin_unlock(&tasks_lock);
    kfree(spare);
    file_put(gf);
    if (err) {
        file_put(f);
        return err;
    }
    int fd = fd_install(f, (flags & PERF_FLAG_FD_CLOEXEC) ? O_CLOEXEC : 0);
    if (fd < 0)
        file_put(f);
    return fd;
}
SYSCALL_DEFINE(298, perf_event_open);

/* ------------------------------------------------------------------ the file */

/* e's value and times with its live copies' and its ended copies' added. */
static void read_value(struct perf_event *e, uint64_t *value, uint64_t *enabled, uint64_t *running)
{
    update_times(e);
    *value = __atomic_load_n(&e->count, __ATOMIC_RELAXED) + e->child_count;
    *enabled = e->time_enabled + e->child_enabled;
    *running = e->time_running + e->child_running;
    list_for_each(n, &e->children) {
        struct perf_event *c = container_of(n, struct perf_event, child_node);
        update_times(c);
        *value += __atomic_load_n(&c->count, __ATOMIC_RELAXED);
        *enabled += c->time_enabled;
        *running += c->time_running;
    }
}

/* The end of a member's entry: its id and lost count, if asked. */
static size_t put_id_lost(uint64_t *v, uint64_t fmt, const struct perf_event *m)
{
    size_t n = 0;
    if (fmt & PERF_FORMAT_ID)
        v[n++] = m->id;
    if (fmt & PERF_FORMAT_LOST)
        v[n++] = 0;                     /* no ring buffer: nothing is lost */
    return n;
}

/* read(2): struct read_format.  With PERF_FORMAT_GROUP, the whole group
 * of e's leader: nr, the leader's times, then each member's entry. */
static ssize_t perf_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct perf_event *e = f->private_data;
    uint64_t fmt = e->attr.read_format, value, enabled, running;
    spin_lock(&perf_lock);
    struct perf_event *l = e->leader;
    size_t size = read_size(fmt, l->nr_siblings + 1);
    uint64_t *v = len >= size ? kmalloc(size) : NULL;
    if (!v) {
        spin_unlock(&perf_lock);
        return len < size ? -ENOSPC : -ENOMEM;
    }
    size_t n = 0;
    struct perf_event *first = fmt & PERF_FORMAT_GROUP ? l : e;
    read_value(first, &value, &enabled, &running);
    if (fmt & PERF_FORMAT_GROUP)
        v[n++] = (uint64_t)l->nr_siblings + 1;
    else
        v[n++] = value;
    if (fmt & PERF_FORMAT_TOTAL_TIME_ENABLED)
        v[n++] = enabled;
    if (fmt & PERF_FORMAT_TOTAL_TIME_RUNNING)
        v[n++] = running;
    if (fmt & PERF_FORMAT_GROUP) {
        v[n++] = value;
        n += put_id_lost(v + n, fmt, l);
        list_for_each(node, &l->siblings) {
            struct perf_event *s = container_of(node, struct perf_event, sibling_node);
            read_value(s, &value, &enabled, &running);
            v[n++] = value;
            n += put_id_lost(v + n, fmt, s);
        }
    } else {
        n += put_id_lost(v + n, fmt, e);
    }
    spin_unlock(&perf_lock);
    long r = iob_copy_to(buf, 0, v, size) ? -EFAULT : (long)size;
    kfree(v);
    return r;
}

typedef void (*event_fn)(struct perf_event *e);

static void ev_enable(struct perf_event *e) { event_set_enabled(e, true); }
static void ev_disable(struct perf_event *e) { event_set_enabled(e, false); }
static void ev_reset(struct perf_event *e)
{
    update_times(e);
    __atomic_store_n(&e->count, 0, __ATOMIC_RELAXED);
}

/* fn on e and its live copies (Linux's perf_event_for_each_child). */
static void for_each_child(struct perf_event *e, event_fn fn)
{
    fn(e);
    list_for_each(n, &e->children)
        fn(container_of(n, struct perf_event, child_node));
}

static long perf_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
    struct perf_event *e = f->private_data;
    event_fn fn;
    switch (cmd) {
    case PERF_EVENT_IOC_ENABLE: fn = ev_enable; break;
    case PERF_EVENT_IOC_DISABLE: fn = ev_disable; break;
    case PERF_EVENT_IOC_RESET: fn = ev_reset; break;
    case PERF_EVENT_IOC_REFRESH:
    case PERF_EVENT_IOC_PAUSE_OUTPUT:
    case PERF_EVENT_IOC_QUERY_BPF:
        return -EINVAL;                 /* sampling, ring buffers, BPF: none here */
    case PERF_EVENT_IOC_PERIOD: {
        uint64_t period;
        if (copy_from_user(&period, (const void __user *)arg, sizeof period))
            return -EFAULT;
        return -EINVAL;                 /* not a sampling event */
    }
    case PERF_EVENT_IOC_ID:
        return copy_to_user((void __user *)arg, &e->id, sizeof e->id) ? -EFAULT : 0;
    case PERF_EVENT_IOC_SET_OUTPUT:
    case PERF_EVENT_IOC_SET_BPF: {
        if (cmd == PERF_EVENT_IOC_SET_OUTPUT && arg == (unsigned long)-1)
            return 0;
        struct file *o = fd_get((int)arg);
        bool is_perf = o && o->ops == &perf_fops;
        file_put(o);
        /* an output event needs a ring buffer (mmap); no fd is a BPF program */
        return o && (is_perf || cmd == PERF_EVENT_IOC_SET_BPF) ? -EINVAL : -EBADF;
    }
    case PERF_EVENT_IOC_SET_FILTER: {
        char *s = kmalloc(PAGE_SIZE);
        if (!s)
            return -ENOMEM;
        long n = strncpy_from_user(s, (const char __user *)arg, PAGE_SIZE);
        kfree(s);
        return n == -EFAULT ? -EFAULT : -EINVAL;   /* filters are for tracepoints */
    }
    case PERF_EVENT_IOC_MODIFY_ATTRIBUTES: {
        struct perf_event_attr a;
        long err = copy_attr((const void __user *)arg, &a);
        if (err)
            return err;
        return a.type != e->attr.type ? -EINVAL : -EOPNOTSUPP;   /* breakpoints only, on Linux */
    }
    default:
        return -ENOTTY;
    }
    spin_lock(&perf_lock);
    if (arg & PERF_IOC_FLAG_GROUP) {
        struct perf_event *l = e->leader;
        for_each_child(l, fn);
        list_for_each(n, &l->siblings)
            for_each_child(container_of(n, struct perf_event, sibling_node), fn);
    } else {
        for_each_child(e, fn);
    }
    spin_unlock(&perf_lock);
    return 0;
}

/* Linux's perf_poll answers POLLHUP unless the event has a ring buffer
 * (mmap) to report on: a counting event always has. */
static unsigned int perf_poll(struct file *f, struct poll_table *pt)
{
    return POLLHUP;
}

/* The last close: the event, its group membership and every live copy go
 * (a leader's siblings, and its copies' siblings, lead groups of their own). */
static void perf_release(struct file *f)
{
    struct perf_event *e = f->private_data;
    spin_lock(&perf_lock);
    group_detach(e);
    list_for_each_safe(n, &e->children) {
        struct perf_event *c = container_of(n, struct perf_event, child_node);
        group_detach(c);
        ctx_remove(c);
        list_remove(&c->child_node);
        event_free(c);
    }
    ctx_remove(e);
    spin_unlock(&perf_lock);
    event_free(e);
}

static const struct file_ops perf_fops = {
    .read = perf_read,
    .ioctl = perf_ioctl,
    .poll = perf_poll,
    .release = perf_release,
};
