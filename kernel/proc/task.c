/*
 * Task allocation: the tasks' pids and counts, kernel stacks and the
 * per-task FPU save area, plus the idle tasks and kernel-started tasks.
 *
 * There is no fixed table: a task is allocated from memory, and its pid
 * from the pid table (kernel/proc/pid.c), below pid_max.  Creation fails
 * with EAGAIN, as on Linux, when the tasks (threads included) reach
 * threads-max, when the creator's user has reached its RLIMIT_NPROC
 * (kernel/proc/user.c), or when every pid below pid_max is in use; with
 * ENOMEM when memory runs out.  threads-max is Linux's default: as many
 * tasks as would have their kernel stacks fill an eighth of memory, so a
 * fork bomb stops while the machine still has memory to spare; the
 * default RLIMIT_NPROC (and RLIMIT_SIGPENDING) is half of that.
 */
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/fpu.h>
#include <arch/percpu.h>
#include <arch/thread.h>
#include <kernel/cputime.h>
#include <kernel/kernel.h>
#include <kernel/perf_event.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <proc/pid.h>
#include <proc/cred.h>
#include <proc/pidfd.h>
#include <proc/posix_timer.h>
#include <proc/proc.h>
#include <proc/rlimit.h>
#include <proc/seccomp.h>
#include <proc/signal.h>
#include <proc/user.h>
#include <sched/sched.h>

#define MIN_THREADS 20                  /* Linux's bounds on threads-max */
#define MAX_THREADS 0x3fffffff          /* FUTEX_TID_MASK */

struct spinlock tasks_lock = SPINLOCK_INIT("tasks");
struct list_node all_tasks = LIST_INIT(all_tasks);
struct task *init_task;
/* --- under tasks_lock --- */
static unsigned ntasks;                 /* allocated and not yet freed (idle tasks aside) */
static int max_threads = MAX_THREADS;   /* threads-max: set from memory at boot, then by the sysctl */

struct task *task_find(pid_t pid)
{
    spin_assert_held(&tasks_lock);
    struct task *t = pid_task_locked(pid);
    return t && t->state != TASK_DEAD ? t : NULL;
}

unsigned task_count(void) { return READ_ONCE(ntasks); }
pid_t task_last_pid(void) { return pid_last(); }
int task_max_threads(void) { return READ_ONCE(max_threads); }

void task_limits_init(void)
{
    uint64_t threads = pmm_total_pages() * PAGE_SIZE / (8 * KSTACK_SIZE);
    max_threads = (int)MIN(MAX(threads, MIN_THREADS), MAX_THREADS);
    rlimit_set_boot_nproc((uint64_t)max_threads / 2);
}

static int threads_max_read(char *buf, size_t n) { return snprintf(buf, n, "%d\n", task_max_threads()); }

/* Linux's bounds: at least 1, at most MAX_THREADS; tasks beyond a lowered
 * value stay, and creating more fails until they are fewer. */
static int threads_max_write(const char *val, size_t len)
{
    int v, err = sysctl_parse_int(val, 1, MAX_THREADS, &v);
    if (!err)
        WRITE_ONCE(max_threads, v);
    return err;
}

const struct sysctl_entry task_sysctls[] = {
    { "threads-max", threads_max_read, threads_max_write },
    { NULL, NULL, NULL },
};

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

struct task *task_alloc(struct thread_group *join, int *err)
{
    *err = -ENOMEM;
    struct task *t = kzalloc(sizeof *t);
    if (!t)
        return NULL;
    phys_t stack = pmm_alloc_contig(2);     /* 16 KiB */
    t->fpu = kmalloc(arch_fpu_size() + ARCH_FPU_ALIGN);
    struct pid_entry *pe = pid_entry_new();
    if (join)
        __atomic_add_fetch(&join->refs, 1, __ATOMIC_RELAXED);
    t->group = join ? join : group_new();
    if (!stack || !t->fpu || !t->group || !pe)
        goto fail;
    t->kstack = P2V(stack);
    /* align the FPU area (XSAVE needs 64): remember the raw pointer in front */
    uint8_t *raw = t->fpu;
    t->fpu = (uint8_t *)ALIGN_UP((uint64_t)raw + 8, ARCH_FPU_ALIGN);
    ((uint8_t **)t->fpu)[-1] = raw;
    arch_fpu_init_state(t->fpu);
    t->alt_stack_flags = SS_DISABLE;
    cred_init_root(t);                  /* fork copies the parent's over it */
    list_init(&t->children);
    list_init(&t->sibling);
    list_init(&t->pgrp_node);
    sched_sleep_timer_init(t);
    itimer_init(t);
    t->timer_slack_ns = t->timer_slack_default_ns = TIMER_SLACK_DEFAULT_NS;
    list_init(&t->thread_node);
    waitq_init(&t->child_wait);
    t->on_cpu = -1;
    cpuset_fill(&t->cpu_mask);
    t->se.tickets = 100;

    spin_lock(&tasks_lock);
    /* Linux's order: the user's limit, then threads-max, then a pid */
    pid_t pid = !user_may_fork_locked() || ntasks >= (unsigned)max_threads ? -EAGAIN : pid_alloc_locked(t, pe);
    if (pid < 0) {
        spin_unlock(&tasks_lock);
        *err = pid;
        t->fpu = raw;
        goto fail;
    }
    if (!join)
        t->group->leader = t;
    t->tgid = t->group->leader->pid;
    t->user = user_charge_locked(current);
    ntasks++;
    t->state = TASK_BLOCKED;            /* not runnable until sched_new_task */
    list_push_back(&all_tasks, &t->all_node);
    spin_unlock(&tasks_lock);
    t->tf = (struct trap_frame *)((uint8_t *)t->kstack + KSTACK_SIZE) - 1;
    return t;

fail:
    if (stack)
        pmm_free_contig(stack, 2);
    kfree(t->fpu);
    pid_entry_free(pe);
    group_put(t->group);
    kfree(t);
    return NULL;
}

/* Frees a reaped task.  The caller made it DEAD and removed it from the tree. */
void task_release(struct task *t)
{
    while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE) >= 0)
        cpu_relax();
    spin_lock(&tasks_lock);
    list_remove(&t->all_node);
    ntasks--;
    pgrp_detach_locked(t);
    pid_free_locked(t);
    user_uncharge_locked(t);
    pidfd_release_locked(t);
    spin_unlock(&tasks_lock);
    pmm_free_contig(V2P(t->kstack), 2);
    kfree(((uint8_t **)t->fpu)[-1]);
    kfree(t->cmdline);
    perf_task_free(t);
    seccomp_release(t);
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

/* Joins (or, for a leader, starts) its group's thread list; a leader also
 * joins its process group and session (t->pgid, t->sid). */
void task_join_group(struct task *t)
{
    spin_assert_held(&tasks_lock);
    list_push_back(&t->group->threads, &t->thread_node);
    t->group->live++;
    if (task_is_leader(t))
        pgrp_attach_locked(t);
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
    int err;
    struct task *t = task_alloc(NULL, &err);
    if (!t)
        return NULL;
    strlcpy(t->comm, name, sizeof t->comm);
    arch_tf_init_kernel(t->tf);         /* until exec fills in a user frame */
    task_prepare_child(t, fn, arg);
    return t;
}
