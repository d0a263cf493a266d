/*
 * Task allocation: the process table, pid allocation, kernel stacks and the
 * per-task FPU save area, plus the idle tasks and kernel-started tasks.
 *
 * The process table is bounded (TASK_MAX): fork beyond it fails with EAGAIN,
 * so a fork bomb cannot exhaust kernel memory.  Pids count up and wrap at
 * PID_MAX, skipping pids still in use.
 */
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/fpu.h>
#include <arch/percpu.h>
#include <arch/thread.h>
#include <kernel/cputime.h>
#include <kernel/kernel.h>
#include <kernel/perf_event.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <proc/pidfd.h>
#include <proc/posix_timer.h>
#include <proc/proc.h>
#include <proc/signal.h>
#include <proc/rlimit.h>
#include <proc/task.h>
#include <sched/sched.h>

struct spinlock tasks_lock = SPINLOCK_INIT("tasks");
struct list_node all_tasks = LIST_INIT(all_tasks);
struct task *init_task;
static unsigned ntasks;
static pid_t next_pid = 1, last_pid;    /* under tasks_lock */

struct task *task_find(pid_t pid)
{
    spin_assert_held(&tasks_lock);
    list_for_each(n, &all_tasks) {
        struct task *t = container_of(n, struct task, all_node);
        if (t->pid == pid && t->state != TASK_DEAD)
            return t;
    }
    return NULL;
}

unsigned task_count(void) { return ntasks; }
pid_t task_last_pid(void) { return READ_ONCE(last_pid); }

static pid_t alloc_pid(void)
{
    for (int tries = 0; tries < PID_MAX; tries++) {
        pid_t p = next_pid++;
        if (next_pid >= PID_MAX)
            next_pid = 2;
        if (!task_find(p))
            return last_pid = p;
    }
    return -1;
}

static struct thread_group *group_new(void)
{
    struct thread_group *g = kzalloc(sizeof *g);
    if (!g)
        return NULL;
    g->refs = 1;
    list_init(&g->threads);
    spin_init(&g->sig_lock, "sig");
    waitq_init(&g->exec_wait);
    waitq_init(&g->signalfd_wait);
    rlimit_init(g, NULL);               /* Linux's defaults; fork copies the parent's */
    posix_timers_init(g);
    return g;
}

static void group_put(struct thread_group *g)
{
    if (g && __atomic_sub_fetch(&g->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        waitq_release(&g->signalfd_wait);   /* an epoll elsewhere may still watch it */
        kfree(g);
    }
}

struct task *task_alloc(struct thread_group *join)
{
    struct task *t = kzalloc(sizeof *t);
    if (!t)
        return NULL;
    phys_t stack = pmm_alloc_contig(2);     /* 16 KiB */
    t->fpu = kmalloc(arch_fpu_size() + ARCH_FPU_ALIGN);
    if (join)
        __atomic_add_fetch(&join->refs, 1, __ATOMIC_RELAXED);
    t->group = join ? join : group_new();
    if (!stack || !t->fpu || !t->group) {
        if (stack)
            pmm_free_contig(stack, 2);
        kfree(t->fpu);
        group_put(t->group);
        kfree(t);
        return NULL;
    }
    t->kstack = P2V(stack);
    /* align the FPU area (XSAVE needs 64): remember the raw pointer in front */
    uint8_t *raw = t->fpu;
    t->fpu = (uint8_t *)ALIGN_UP((uint64_t)raw + 8, ARCH_FPU_ALIGN);
    ((uint8_t **)t->fpu)[-1] = raw;
    arch_fpu_init_state(t->fpu);
    t->alt_stack_flags = SS_DISABLE;
    list_init(&t->children);
    list_init(&t->sibling);
    sched_sleep_timer_init(t);
    itimer_init(t);
    t->timer_slack_ns = t->timer_slack_default_ns = TIMER_SLACK_DEFAULT_NS;
    list_init(&t->thread_node);
    waitq_init(&t->child_wait);
    t->on_cpu = -1;
    t->cpu_mask = ~0ULL;
    t->se.tickets = 100;

    spin_lock(&tasks_lock);
    pid_t pid = ntasks < TASK_MAX ? alloc_pid() : -1;
    if (pid < 0) {
        spin_unlock(&tasks_lock);
        pmm_free_contig(stack, 2);
        kfree(raw);
        group_put(t->group);
        kfree(t);
        return NULL;
    }
    t->pid = pid;
    if (!join)
        t->group->leader = t;
    t->tgid = t->group->leader->pid;
    ntasks++;
    t->state = TASK_BLOCKED;            /* not runnable until sched_new_task */
    list_push_back(&all_tasks, &t->all_node);
    spin_unlock(&tasks_lock);
    t->tf = (struct trap_frame *)((uint8_t *)t->kstack + KSTACK_SIZE) - 1;
    return t;
}

/* Frees a reaped task.  The caller made it DEAD and removed it from the tree. */
void task_release(struct task *t)
{
    while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE) >= 0)
        cpu_relax();
    spin_lock(&tasks_lock);
    list_remove(&t->all_node);
    ntasks--;
    pidfd_release_locked(t);
    spin_unlock(&tasks_lock);
    pmm_free_contig(V2P(t->kstack), 2);
    kfree(((uint8_t **)t->fpu)[-1]);
    kfree(t->cmdline);
    perf_task_free(t);
    sighand_put(t->sighand);            /* a leader's, kept until now */
    group_put(t->group);
    kfree(t);
}

void task_stats_add(struct task_stats *to, const struct task_stats *from)
{
    to->utime_ns += from->utime_ns;
    to->stime_ns += from->stime_ns;
    to->nvcsw += from->nvcsw;
    to->nivcsw += from->nivcsw;
    to->nr_migrations += from->nr_migrations;
    to->minflt += from->minflt;
    to->majflt += from->majflt;
    to->rchar += from->rchar;
    to->wchar += from->wchar;
    to->syscr += from->syscr;
    to->syscw += from->syscw;
}

void task_usage(struct task *t, struct task_stats *out)
{
    *out = t->stats;
    task_cputime(t, &out->utime_ns, &out->stime_ns);
}

void process_usage_locked(struct task *t, struct task_stats *out)
{
    spin_assert_held(&tasks_lock);
    struct thread_group *g = t->group;
    struct task *leader = g->leader;
    if (g->ended) {
        *out = leader->stats;           /* the leader holds the totals by now */
        return;
    }
    task_usage(leader, out);            /* children's totals are kept by the leader */
    struct task *u;
    list_for_each_entry(u, &g->threads, thread_node)
        if (u != leader) {
            struct task_stats st;
            task_usage(u, &st);
            task_stats_add(out, &st);
        }
    task_stats_add(out, &g->dead);
}

uint64_t task_cpu_ns(struct task *t)
{
    uint64_t user, sys;
    task_cputime(t, &user, &sys);
    return user + sys;
}

uint64_t process_cpu_ns_locked(struct task *t)
{
    struct task_stats st;
    process_usage_locked(t, &st);
    return st.utime_ns + st.stime_ns;
}

/* Joins (or, for a leader, starts) its group's thread list. */
void task_join_group(struct task *t)
{
    spin_assert_held(&tasks_lock);
    list_push_back(&t->group->threads, &t->thread_node);
    t->group->live++;
}

void task_set_comm(struct task *t, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    strlcpy(t->comm, base, sizeof t->comm);
}

struct task *task_create_idle(int cpu)
{
    struct task *t = kzalloc(sizeof *t);
    if (!t)
        panic("no memory for the idle task");
    t->pid = 0;
    snprintf(t->comm, sizeof t->comm, "idle/%d", cpu);
    t->state = TASK_RUNNING;
    t->on_cpu = cpu;
    t->kstack = cpu == 0 ? (void *)boot_kstack : NULL;   /* APs set theirs */
    list_init(&t->children);
    list_init(&t->sibling);
    t->fpu = NULL;                      /* the idle loop never uses the FPU */
    sched_sleep_timer_init(t);
    itimer_init(t);
    return t;
}

void task_prepare_child(struct task *t, void (*fn)(void *), void *arg) { t->ksp = arch_kstack_init(t->tf, fn, arg); }

struct task *task_create_kernel(void (*fn)(void *), void *arg, const char *name)
{
    struct task *t = task_alloc(NULL);
    if (!t)
        return NULL;
    strlcpy(t->comm, name, sizeof t->comm);
    arch_tf_init_kernel(t->tf);         /* until exec fills in a user frame */
    task_prepare_child(t, fn, arg);
    return t;
}
