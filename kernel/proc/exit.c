/*
 * Process exit and wait.
 *
 * do_exit() releases what the process owns (descriptors, address space,
 * working directory), hands its children to the nearest living ancestor
 * that asked to adopt orphans (PR_SET_CHILD_SUBREAPER), else to init,
 * becomes a zombie holding only its exit status and statistics, and tells
 * its parent (SIGCHLD, and a wake-up of wait4).  A child hears of the end
 * of the parent thread that created it through the signal it chose with
 * PR_SET_PDEATHSIG; it then belongs to another thread of that process, if
 * one is left, and hears of that one's end too (Linux's rules).  If the parent ignores SIGCHLD or set SA_NOCLDWAIT the
 * child is reaped at once, as POSIX says.  When init (pid 1) exits the
 * machine stops: QEMU exits 33 for status 0, 35 otherwise.
 *
 * wait4() reports zombies (and, with WUNTRACED/WCONTINUED, stops and
 * continues) of the children selected by pid: > 0 that child, -1 any,
 * 0 the caller's process group, < -1 group -pid.
 */
#include <arch/cpu.h>
#include <fs/tty.h>
#include <fs/vfs.h>
#include <ipc/ipc.h>
#include <kernel/cputime.h>
#include <kernel/kernel.h>
#include <kernel/perf_event.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <proc/futex.h>
#include <proc/pid.h>
#include <proc/pidfd.h>
#include <proc/posix_timer.h>
#include <proc/proc.h>
#include <proc/ptrace.h>
#include <proc/signal.h>
#include <sched/sched.h>
#include <uapi/wait.h>



static bool ignores_sigchld(struct task *p)
{
    struct k_sigaction *sa = &p->sighand->action[SIGCHLD];
    return sa->handler == SIG_IGN || (sa->flags & SA_NOCLDWAIT);
}

static void reap(struct task *child, struct task *parent)
{
    spin_assert_held(&tasks_lock);
    parent->stats.cutime_ns += child->stats.utime_ns + child->stats.cutime_ns;
    parent->stats.cstime_ns += child->stats.stime_ns + child->stats.cstime_ns;
    parent->stats.cnvcsw += child->stats.nvcsw + child->stats.cnvcsw;
    parent->stats.cnivcsw += child->stats.nivcsw + child->stats.cnivcsw;
    parent->stats.cminflt += child->stats.minflt + child->stats.cminflt;
    parent->stats.cmajflt += child->stats.majflt + child->stats.cmajflt;
    list_remove(&child->sibling);
    ptrace_unlink_locked(child);
    child->state = TASK_DEAD;
    pidfd_notify_locked(child);
}

/* POSIX and Linux: a process group is orphaned when no member has a
 * parent in another group of the same session (init does not count: it
 * will not continue a stopped job).  `leaving` (may be NULL) is exiting:
 * it is no member, and it is no parent.  Caller holds tasks_lock. */
bool pgrp_orphaned_locked(pid_t pgid, const struct task *leaving)
{
    spin_assert_held(&tasks_lock);
    struct task *t;
    for_each_live_pgrp_member(t, pgid) {
        if (t == leaving)
            continue;
        struct task *p = t->parent;
        if (p && p != init_task && p != leaving && p->pgid != pgid && p->sid == t->sid)
            return false;
    }
    return true;
}

static bool pgrp_has_stopped(pid_t pgid)
{
    struct task *t;
    for_each_live_pgrp_member(t, pgid) {
        if (READ_ONCE(t->group->stop_signal) > 0)
            return true;
    }
    return false;
}

/* A group that `link` was the last outside connection of, and that has a
 * stopped member, gets SIGHUP then SIGCONT, so its jobs are not stopped
 * forever with nobody to continue them (the SIGCONT clears the stop state
 * at once, so a second call for the same group sends nothing). */
static void hangup_if_orphaned(pid_t pgid, pid_t sid, const struct task *link, const struct task *leaving)
{
    if (!link || link->pgid == pgid || link->sid != sid)
        return;
    if (!pgrp_orphaned_locked(pgid, leaving) || !pgrp_has_stopped(pgid))
        return;
    struct task *m;
    list_for_each_entry(m, pgrp_members_locked(pgid), pgrp_node) {
        if (m->group->live == 0)
            break;
        signal_send_process(m, SIGHUP, NULL);
        signal_send_process(m, SIGCONT, NULL);
    }
}

/* t is exiting: its own group may lose its link through t's parent, and
 * each child's group its link through t.  Caller holds tasks_lock. */
static void kill_orphaned_pgrps(struct task *t)
{
    hangup_if_orphaned(t->pgid, t->sid, t->parent, t);
    list_for_each(n, &t->children) {
        struct task *c = container_of(n, struct task, sibling);
        hangup_if_orphaned(c->pgid, c->sid, t, t);
    }
}

/* The first thread of process `proc` that has not exited, or NULL. */
static struct task *live_thread_locked(struct task *proc)
{
    struct thread_group *g = proc->group;
    return g->live > 0 && !list_empty(&g->threads) ? list_first_entry(&g->threads, struct task, thread_node) : NULL;
}

/* Thread t (already out of its group's list) is exiting: each child that
 * it created or took over gets the parent-death signal each of its
 * threads asked for (PR_SET_PDEATHSIG), as from t's process, and passes
 * to the first live thread of the process, if any (else the process ends
 * and process_end_locked hands it on).  Caller holds tasks_lock. */
static void parent_thread_exit_locked(struct task *t)
{
    struct task *proc = task_process(t);
    struct task *heir = live_thread_locked(proc);
    list_for_each(n, &proc->children) {
        struct task *c = container_of(n, struct task, sibling);
        if (c->parent_tid != t->pid)
            continue;
        struct task *u;
        list_for_each_entry(u, &c->group->threads, thread_node) {
            int sig = READ_ONCE(u->pdeath_signal);
            if (!sig)
                continue;
            siginfo_t info = { .si_signo = sig, .si_code = SI_USER };
            info.u.kill.pid = t->tgid;
            info.u.kill.uid = t->uid;
            signal_send_process(c, sig, &info);
        }
        if (heir)
            c->parent_tid = heir->pid;
    }
}

/* Who adopts the orphans of `leader`'s process: the nearest ancestor that
 * is a child subreaper and still running, else init. */
static struct task *new_reaper_locked(struct task *leader)
{
    for (struct task *a = leader->parent; a && a != init_task; a = a->parent)
        if (a->group->child_subreaper && !a->group->ended && live_thread_locked(a))
            return a;
    return init_task;
}

/* The last thread of a process has gone: the process ends, with its leader
 * as the zombie its parent reaps.  Its children go to the new reaper (a
 * zombie among them is announced to it as if it had just exited, and
 * reaped at once if it ignores SIGCHLD: those go onto `dead`, through
 * their sibling node, to be freed once the lock is dropped), orphaned
 * process groups are told, and the parent is notified, all under
 * tasks_lock: the parent may be exiting on another CPU, and only this lock
 * keeps it alive.  Returns true if the leader was reaped at once (its
 * parent ignores SIGCHLD). */
static bool process_end_locked(struct task *leader, int status, struct list_node *dead)
{
    spin_assert_held(&tasks_lock);
    kill_orphaned_pgrps(leader);
    struct task *reaper = new_reaper_locked(leader);
    struct task *heir = live_thread_locked(reaper);
    list_for_each_safe(n, &leader->children) {
        struct task *c = container_of(n, struct task, sibling);
        list_remove(&c->sibling);
        c->parent = reaper;
        c->ppid = reaper->pid;
        c->parent_tid = heir ? heir->pid : reaper->pid;
        c->exit_signal = SIGCHLD;       /* Linux: nobody may slay the reaper with another */
        list_push_back(&reaper->children, &c->sibling);
        if (c->state == TASK_ZOMBIE && c->group->ended && !c->tracer) {
            int st = c->exit_status;
            signal_notify_parent(c, (st & 0x7f) ? CLD_KILLED : CLD_EXITED,
                                 (st & 0x7f) ? (st & 0x7f) : (st >> 8) & 0xff);
            if (ignores_sigchld(reaper)) {
                reap(c, reaper);
                list_push_back(dead, &c->sibling);
            }
        }
    }
    waitq_wake_all(&reaper->child_wait);
    ptrace_release_tracees_locked(leader);
    task_stats_add(&leader->stats, &leader->group->dead);
    struct task *parent = leader->parent;
    leader->exit_status = status;
    leader->state = TASK_ZOMBIE;
    leader->group->ended = true;
    pidfd_notify_locked(leader);
    bool autoreap = ignores_sigchld(parent);
    if (autoreap)
        reap(leader, parent);
    /* SIGCHLD even when reaped at once (SA_NOCLDWAIT with a handler gets
     * it; SIG_IGN discards it), and a wake-up: a wait may now be ECHILD */
    int code = (status & 0x7f) ? ((status & 0x80) ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED;
    signal_notify_parent(leader, code, (status & 0x7f) ? (status & 0x7f) : (status >> 8) & 0xff);
    if (!autoreap)
        ptrace_notify_exit_locked(leader, code, (status & 0x7f) ? (status & 0x7f) : (status >> 8) & 0xff);
    return autoreap;
}

/*
 * The calling thread ends with wait status `status`.  It releases what it
 * holds (descriptor table, working directory, address space, signal
 * actions: each shared ones only drops a reference), clears and wakes its
 * CLONE_CHILD_CLEARTID word (what pthread_join waits for), and leaves its
 * thread group.  A thread other than the leader is freed as soon as it is
 * off its CPU.  The leader stays as a zombie.  When the last thread goes,
 * the process ends (process_end_locked), with the status of exit_group or
 * the fatal signal if there was one, else with the last thread's own.
 */
void do_exit(int status)
{
    struct task *t = current;
    struct thread_group *g = t->group;
    ptrace_event(PTRACE_EVENT_EXIT, (uint64_t)status);  /* the tracer sees it before anything goes */
    if (t->vfork_parent)
        vfork_release(t);
    sched_lend_exit(t);     /* return lent tickets, cut the ones received */
    if (t->clear_child_tid) {
        int32_t zero = 0;
        if (copy_to_user((void *)t->clear_child_tid, &zero, 4) == 0)
            futex_wake_address(t->mm, t->clear_child_tid, 1);
    }
    futex_exit_robust(t);
    sem_exit(t);                        /* SEM_UNDO, by the list's last task */
    if (t->files) {
        spin_lock(&tasks_lock);         /* /proc/<pid>/fd readers take it under this lock */
        struct fdtable *files = t->files;
        t->files = NULL;
        spin_unlock(&tasks_lock);
        fdtable_put(files);
    }
    fs_context_put(t->fs);
    t->fs = NULL;
    spin_lock(&tasks_lock);             /* /proc readers look at mm under it */
    struct mm *mm = t->mm;
    t->mm = NULL;
    spin_unlock(&tasks_lock);
    mm_activate(NULL);
    mm_put(mm);
    t->stats.exit_ns = time_ns();
    perf_task_exit(t);                  /* before the parent can learn of the end */

    /* leave the group, with the CPU time up to now as its final figures
     * (what the parent and the process's totals get): readers under
     * tasks_lock see either the live counts or these */
    spin_lock(&tasks_lock);
    task_cputime(t, &t->stats.utime_ns, &t->stats.stime_ns);
    spin_lock(&g->sig_lock);
    list_remove(&t->thread_node);
    bool last = --g->live == 0;
    if (g->exiting)
        status = g->exit_status;
    struct task *execing = g->execing;
    bool stop_done = signal_stop_completes(g);  /* it was the one not yet stopped */
    spin_unlock(&g->sig_lock);
    struct task *leader = g->leader;
    if (last)
        pgrp_member_ended_locked(leader);   /* behind the live members of its group */
    if (t == leader) {
        t->exit_status = status;        /* the process's, unless a group exit says otherwise */
        t->state = TASK_ZOMBIE;         /* not reported to the parent before the group has ended */
    } else {
        task_stats_add(&g->dead, &t->stats);
        ptrace_unlink_locked(t);        /* a thread is freed at once: no tracer may keep it */
        t->state = TASK_DEAD;
        t->autoreaped = true;
    }
    pidfd_notify_locked(t);             /* a PIDFD_THREAD pidfd of t */
    parent_thread_exit_locked(t);
    spin_unlock(&tasks_lock);
    if (execing)
        waitq_wake_all(&g->exec_wait);  /* one fewer thread in the exec's way */
    if (stop_done)
        signal_notify_stopped(g);

    bool free_leader = false;
    if (last) {
        /* without exit_group, the last thread's status is the process's (Linux) */
        int pstatus = status;
        if (leader->pid == 1) {
            kprintf("init exited with %s %d: stopping the machine\n", (pstatus & 0x7f) ? "signal" : "status",
                    (pstatus & 0x7f) ? pstatus & 0x7f : (pstatus >> 8) & 0xff);
            machine_exit(pstatus == 0 ? EXIT_POWEROFF : EXIT_INIT_FAIL);
        }
        if (leader->sid == leader->pid)
            tty_session_leader_exit(leader->sid);   /* SIGHUP to the foreground group */
        itimer_exit(leader);
        posix_timers_exit(leader->group);
        struct list_node dead;
        list_init(&dead);
        spin_lock(&tasks_lock);
        bool reaped = process_end_locked(leader, pstatus, &dead);
        spin_unlock(&tasks_lock);
        list_for_each_safe(n, &dead) {  /* orphans reaped at once by their new parent */
            struct task *z = container_of(n, struct task, sibling);
            list_remove(&z->sibling);
            task_release(z);
        }
        /* a reaped leader that already left its CPU is freed here; if it is
         * this task, the scheduler frees it once off the CPU */
        if (reaped && leader == t)
            t->autoreaped = true;
        free_leader = reaped && leader != t;
    }

    /* a leader keeps the actions until it is freed: its process's parent
     * and children read them through it (SIGCHLD disposition) */
    if (t != leader) {
        spin_lock(&g->sig_lock);        /* signal_send looks at it under this lock */
        struct sighand *sh = t->sighand;
        t->sighand = NULL;
        spin_unlock(&g->sig_lock);
        sighand_put(sh);
    }
    if (free_leader)
        task_release(leader);
    irq_disable();
    sched_exit_current();
}

static bool selects(struct task *c, pid_t pid, struct task *self)
{
    if (pid > 0)
        return c->pid == pid;
    if (pid == -1)
        return true;
    if (pid == 0)
        return c->pgid == self->pgid;
    return c->pgid == -pid;
}

void fill_rusage(struct rusage_k *ru, uint64_t utime_ns, uint64_t stime_ns, const struct task_stats *s)
{
    memset(ru, 0, sizeof *ru);
    ru->utime_sec = utime_ns / NSEC_PER_SEC;
    ru->utime_usec = utime_ns % NSEC_PER_SEC / 1000;
    ru->stime_sec = stime_ns / NSEC_PER_SEC;
    ru->stime_usec = stime_ns % NSEC_PER_SEC / 1000;
    if (s) {
        ru->rest[4] = s->minflt;   /* ru_minflt @64 */
        ru->rest[5] = s->majflt;
        ru->rest[12] = s->nvcsw;   /* ru_nvcsw @128 */
        ru->rest[13] = s->nivcsw;
    }
}

/* getrusage(RUSAGE_CHILDREN): the totals of the reaped descendants. */
void fill_rusage_children(struct rusage_k *ru, const struct task_stats *s)
{
    struct task_stats c = { .minflt = s->cminflt, .majflt = s->cmajflt, .nvcsw = s->cnvcsw, .nivcsw = s->cnivcsw };
    fill_rusage(ru, s->cutime_ns, s->cstime_ns, &c);
}

/* Is child c of self one wait(pid, options) reports now?  Sets *any when
 * c is one the wait is for, *lend_to to the first such child that can run
 * (for the ticket loan), and *status to what is reported.  Caller holds
 * tasks_lock. */
static bool wait_consider(struct task *c, pid_t pid, int options, struct task *self, bool *any,
                          struct task **lend_to, int *status)
{
    if (!selects(c, pid, self))
        return false;
    /* a "clone" child (exit signal other than SIGCHLD) is waited
     * for only with __WCLONE, the others only without; __WALL: both */
    bool clone_child = c->exit_signal != SIGCHLD;
    if (!(options & __WALL) && clone_child != !!(options & __WCLONE))
        return false;
    /* a process has ended once its last thread has: a zombie
     * leader with live threads is still running */
    bool ended = c->group->ended;
    /* an ended process is no child to a wait for stops and continues (Linux) */
    if (ended && !(options & WEXITED))
        return false;
    *any = true;
    if (!*lend_to && (c->state == TASK_RUNNING || c->state == TASK_BLOCKED))
        *lend_to = c;
    if (ended) {
        /* a tracer other than the parent collects the exit first */
        if (c->tracer && c->tracer != self && !c->ptrace_reported)
            return false;
        *status = c->exit_status;
        return true;
    }
    /* the stop state changes under the group's sig_lock; WNOWAIT
     * leaves a report to be collected again */
    struct thread_group *g = c->group;
    bool found = false;
    spin_lock(&g->sig_lock);
    if ((options & WUNTRACED) && g->stop_signal > 0 && g->stop_complete && !g->stop_reported) {
        g->stop_reported = !(options & WNOWAIT);
        found = true;
        *status = (g->stop_signal << 8) | 0x7f;
    } else if ((options & WCONTINUED) && g->stop_signal == -1 && !g->cont_reported) {
        g->cont_reported = !(options & WNOWAIT);
        found = true;
        *status = 0xffff;
    }
    spin_unlock(&g->sig_lock);
    return found;
}

static long do_wait(pid_t pid, int __user *ustatus, int options, struct rusage_k __user *uru, siginfo_t *info_out)
{
    /* any thread waits for the children of its process */
    struct task *self = task_process(current);
    struct wait_entry w;
    long ret;
    for (;;) {
        prepare_to_wait(&self->child_wait, &w);
        spin_lock(&tasks_lock);
        bool any = false;
        struct task *found = NULL, *lend_to = NULL;
        int status = 0;
        if (pid > 0) {
            /* one child: found by its pid, not by a walk over all the
             * children (which may be tens of thousands) */
            struct task *c = task_find(pid);
            if (c && c->parent == self && task_is_leader(c) &&
                wait_consider(c, pid, options, self, &any, &lend_to, &status))
                found = c;
        } else {
            list_for_each(n, &self->children) {
                struct task *c = container_of(n, struct task, sibling);
                if (wait_consider(c, pid, options, self, &any, &lend_to, &status)) {
                    found = c;
                    break;
                }
            }
        }
        /* the tracees of this process: their ptrace stops (always
         * reported, whatever the options) and the exits of those that are
         * not its children */
        bool traced_exit = false, from_trace = false;
        if (!found) {
            found = ptrace_wait_locked(self, pid, options, &any, &status, &traced_exit);
            from_trace = found != NULL;
        }
        if (found) {
            pid_t fpid = found->pid;
            /* the child's own usage plus that of its reaped descendants */
            struct rusage_k ru;
            struct task_stats both = found->stats;
            both.nvcsw += both.cnvcsw;
            both.nivcsw += both.cnivcsw;
            both.minflt += both.cminflt;
            both.majflt += both.cmajflt;
            fill_rusage(&ru, found->stats.utime_ns + found->stats.cutime_ns,
                        found->stats.stime_ns + found->stats.cstime_ns, &both);
            bool zombie = from_trace ? traced_exit : task_is_leader(found) && found->group->ended;
            if (info_out) {
                memset(info_out, 0, sizeof *info_out);
                info_out->si_signo = SIGCHLD;
                info_out->u.chld.pid = fpid;
                if (zombie) {
                    info_out->si_code = (status & 0x7f) ? CLD_KILLED : CLD_EXITED;
                    info_out->u.chld.status = (status & 0x7f) ? status & 0x7f : (status >> 8) & 0xff;
                } else {
                    info_out->si_code = status == 0xffff ? CLD_CONTINUED : from_trace ? CLD_TRAPPED : CLD_STOPPED;
                    info_out->u.chld.status = status == 0xffff ? SIGCONT : (status >> 8) & 0xff;
                }
            }
            /* a tracer that is not the parent only hears of the exit: the
             * parent reaps */
            bool reaping = zombie && !from_trace && !(options & WNOWAIT);
            if (zombie && from_trace && !(options & WNOWAIT)) {
                ptrace_unlink_locked(found);
                waitq_wake_all(&found->parent->child_wait);     /* the parent may reap it now */
            }
            if (reaping)
                reap(found, self);
            spin_unlock(&tasks_lock);
            finish_wait(&self->child_wait, &w);
            if (reaping)
                task_release(found);
            if (ustatus && put_user(status, ustatus))
                return -EFAULT;
            if (uru && copy_to_user(uru, &ru, sizeof ru))
                return -EFAULT;
            return fpid;
        }
        /* Ticket transfer: while we sleep, our tickets help the first child
         * we wait for that can run (returned when we run again). */
        bool will_sleep = any && !(options & WNOHANG) && !signal_pending(current);
        if (will_sleep && lend_to)
            sched_lend_wait_locked(current, lend_to);
        spin_unlock(&tasks_lock);
        if (!any) {
            ret = -ECHILD;
            break;
        }
        if (options & WNOHANG) {
            ret = 0;
            break;
        }
        if (signal_pending(current)) {
            ret = -ERESTARTSYS;
            break;
        }
        schedule();
        sched_lend_wait_end(current);
    }
    sched_lend_wait_end(current);       /* lent, then found a signal pending */
    finish_wait(&self->child_wait, &w);
    return ret;
}

#define WAIT_THREAD_FLAGS (__WNOTHREAD | __WALL | __WCLONE)

static long sys_wait4(pid_t pid, int __user *status, int options, struct rusage_k __user *ru)
{
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WAIT_THREAD_FLAGS))
        return -EINVAL;
    if (pid == INT32_MIN)
        return -ESRCH;                  /* no group -INT_MIN, as Linux */
    return do_wait(pid, status, options | WEXITED, ru, NULL);
}
SYSCALL_DEFINE(61, wait4);

#define P_ALL 0
#define P_PID 1
#define P_PGID 2
#define P_PIDFD 3

/* P_PIDFD waits for the process behind a pidfd; one opened PIDFD_NONBLOCK
 * makes the wait WNOHANG, with EAGAIN (not 0) when nothing is there. */
static long sys_waitid(int idtype, int id, siginfo_t __user *infop, int options, struct rusage_k __user *ru)
{
    pid_t pid = idtype == P_ALL ? -1 : idtype == P_PID ? id : idtype == P_PGID ? -id : 0;
    if (idtype != P_ALL && idtype != P_PID && idtype != P_PGID && idtype != P_PIDFD)
        return -EINVAL;
    if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | WAIT_THREAD_FLAGS))
        return -EINVAL;
    if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
        return -EINVAL;                 /* no event to wait for */
    if ((idtype == P_PID && id <= 0) || (idtype == P_PGID && id < 0))
        return -EINVAL;                 /* P_PGID 0 is the caller's group */
    bool nonblock = false;
    if (idtype == P_PIDFD) {
        if (id < 0)
            return -EINVAL;
        pid = pidfd_pid(id, &nonblock);
        if (pid < 0)
            return pid;
    }
    siginfo_t info;
    memset(&info, 0, sizeof info);
    long r = do_wait(pid, NULL, options | (nonblock ? WNOHANG : 0), ru, &info);
    if (r < 0)
        return r;
    if (r == 0 && nonblock && !(options & WNOHANG))
        return -EAGAIN;
    if (r == 0)
        memset(&info, 0, sizeof info);
    if (infop && copy_to_user(infop, &info, sizeof info))
        return -EFAULT;
    return 0;
}
SYSCALL_DEFINE(247, waitid);

static long sys_exit(int code) { do_exit((code & 0xff) << 8); }
SYSCALL_DEFINE(60, exit);

static long sys_exit_group(int code) { do_group_exit((code & 0xff) << 8); }
SYSCALL_DEFINE(231, exit_group);
