/*
 * Tasks and thread groups.  A task is one thread: what the scheduler runs,
 * with its own registers, kernel stack, signal mask and pending signals.
 * A process is a thread group: the tasks created with CLONE_THREAD share
 * one struct thread_group (and, through the clone flags, one address
 * space, descriptor table and signal actions).  The group's first task,
 * its leader, carries the process's place in the process tree (parent,
 * children, process group and session, exit status): its pid is the
 * process id, every other thread's pid is a thread id.  The leader's task
 * stays (as a zombie, if it exits early) until the whole group has ended
 * and its parent has reaped it, so group->leader is valid while any thread
 * of the group is.
 *
 * The structure lives here, below every subsystem, because every layer
 * keeps per-task state in it and reads it (the scheduler its entity, the
 * memory manager the fault counts, the file system the descriptor table);
 * it includes only the headers of the types it embeds.  Its lifecycle
 * (creation, fork, exec, exit, the pid table) is the process layer's:
 * include/proc/proc.h, kernel/proc/.
 *
 * Fields are grouped by the lock that protects them.
 */
#ifndef KERNEL_TASK_H
#define KERNEL_TASK_H

#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>
#include <lib/list.h>
#include <mm/mempolicy_types.h>
#include <sched/policy.h>
#include <sched/sched.h>
#include <arch/percpu.h>
#include <arch/trapframe.h>
#include <kernel/hrtimer.h>
#include <uapi/signal.h>
#include <proc/rlimit_types.h>

struct mm;
struct fdtable;
struct vnode;
struct fs_context;
struct sem_undo_list;
struct perf_ctx;
struct pidfd_handle;
struct user_tasks;

enum task_state {
    TASK_RUNNING,   /* on a CPU or ready in a run queue */
    TASK_BLOCKED,   /* asleep on a wait queue (interruptible) */
    TASK_STOPPED,   /* stopped by SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU */
    TASK_TRACED,    /* in a ptrace stop: only its tracer (or SIGKILL) resumes it */
    TASK_ZOMBIE,    /* exited, waiting for its parent to reap it */
    TASK_DEAD,      /* reaped; memory about to be freed */
};

#define TASK_COMM_LEN 16
/* What is kept of a pending signal's siginfo: as Linux's kernel_siginfo,
 * the header and the largest member of the union, 48 bytes; the rest of
 * the 128-byte siginfo_t a handler or signalfd sees is zero. */
typedef struct {
    int32_t si_signo, si_errno, si_code, _pad0;
    uint8_t fields[32];
} ksiginfo_t;
_Static_assert(sizeof(ksiginfo_t) == 48, "kernel siginfo is 48 bytes");

struct sighand {
    int refs;                          /* tasks sharing it (CLONE_SIGHAND) */
    struct k_sigaction action[NSIG];   /* index = signal number; 0 unused */
};

/* Per-process metrics, the book's and Linux's (/proc/<pid>/{stat,status,sched}). */
struct task_stats {
    uint64_t arrival_ns;        /* when created */
    uint64_t first_run_ns;      /* first time on a CPU (0 = never yet) */
    uint64_t exit_ns;           /* completion */
    uint64_t utime_ns, stime_ns;  /* a live task's are in utime_cyc/stime_cyc: read them with task_cputime() */
    uint64_t ready_ns;          /* total time spent runnable but not running */
    uint64_t nvcsw, nivcsw;     /* voluntary / involuntary context switches */
    uint64_t nr_migrations;     /* times it started running on another CPU than the last */
    uint64_t minflt, majflt;
    uint64_t rchar, wchar, syscr, syscw;    /* read/write calls and their bytes (/proc/<pid>/io) */
    /* children's totals, added when they are reaped */
    uint64_t cutime_ns, cstime_ns;
    uint64_t cnvcsw, cnivcsw, cminflt, cmajflt;
};

/*
 * What the threads of one process share.  refs counts the tasks pointing
 * here (each drops its reference when it is freed).
 */
struct thread_group {
    int refs;                   /* atomic */
    struct task *leader;        /* its pid is the process id */

    /* --- membership: protected by tasks_lock --- */
    struct list_node threads;   /* of struct task, via thread_node */
    int live;                   /* threads that have not exited */
    bool child_subreaper;       /* PR_SET_CHILD_SUBREAPER: adopts its descendants' orphans */
    bool ended;                 /* the process has ended: its leader may be reaped */
    struct task_stats dead;     /* what exited threads other than the leader used */

    /* --- signals: protected by sig_lock, which also guards every member's
     * pending, blocked and pending_info --- */
    struct spinlock sig_lock;
    sigset_t pending;           /* process-directed signals not yet taken */
    ksiginfo_t pending_info[NSIG];
    bool exiting;               /* exit_group or a fatal signal: all threads go */
    int exit_status;            /* the wait status the process ends with then */
    int stop_signal;            /* > 0 stopped by it; -1 continued since; 0 neither */
    uint32_t stop_seq;          /* counts stops: a traced thread takes part in each once */
    int nr_stopped;             /* threads sleeping in the stop */
    bool stop_complete;         /* every live thread has stopped: reported to the parent */
    bool stop_reported;         /* WUNTRACED: stop already reported */
    bool cont_reported;         /* WCONTINUED: continue already reported */
    bool cont_notify;           /* continued: a thread tells the parent when next running */
    struct task *execing;       /* a thread in execve, waiting for the others to end */
    struct krlimit rlim[16];    /* resource limits (kernel/proc/rlimit.c; written under sig_lock) */
    struct waitq exec_wait;     /* it sleeps here; each exiting thread wakes it */
    struct waitq signalfd_wait; /* signalfd readers and pollers: a signal queued wakes them */

    /* --- POSIX timers (kernel/proc/posix_timer.c): timers_lock guards the
     * list (changes also take sig_lock), the ids and the CPU-clock state --- */
    struct spinlock timers_lock;
    struct list_node posix_timers;
    int next_timer_id;
    int cpu_timers_armed;       /* CPU-time timers armed: read by the tick without the lock */
    struct { uint64_t deadline, interval; } cpu_itimer[2];  /* ITIMER_VIRTUAL, ITIMER_PROF: CPU ns */
};

struct task {
    /* --- machine state: touched by the switch code (arch/thread.h) --- */
    uint64_t ksp;               /* saved kernel stack pointer while switched out */
    void *kstack;               /* base of the KSTACK_SIZE kernel stack */
    struct trap_frame *tf;      /* user registers at the top of the kernel stack */
    uint64_t tls_base;          /* user TLS base (arch/thread.h: arch_set_tls) */
    uint8_t *fpu;               /* FPU/vector registers (arch/fpu.h), when not live */

    /* --- identity: set at creation, then immutable (except comm) --- */
    pid_t pid;                  /* the thread id; the process id for a leader */
    pid_t tgid;                 /* the process id (group->leader->pid) */
    struct thread_group *group;
    struct list_node thread_node;   /* in group->threads, under tasks_lock */
    char comm[TASK_COMM_LEN];   /* basename of the executed path */

    /* --- process tree and lifecycle: protected by the global tasks_lock;
     * meaningful in a group's leader (threads copy pgid and sid) --- */
    enum task_state state;
    struct task *parent;        /* valid while tasks_lock is held */
    pid_t ppid;                 /* parent->pid, for getppid without the lock */
    struct list_node children;  /* of struct task, via sibling */
    struct list_node sibling;
    struct list_node all_node;  /* in the list of all tasks */
    pid_t pgid, sid;
    struct list_node pgrp_node; /* a leader: in its process group's members (kernel/proc/pid.c) */
    int exit_status;            /* wait(2) status word, valid when ZOMBIE */
    int exit_signal;            /* sent to the parent at exit: SIGCHLD, or 0 */
    bool did_exec;              /* has run execve since fork (setpgid: EACCES) */
    pid_t parent_tid;           /* the parent's thread that created it (or took it over): when
                                 * that thread exits, the pdeath_signal of its threads is sent */
    struct waitq child_wait;    /* parent sleeps here in wait4 */
    struct task *vfork_parent;  /* parent blocked in vfork until exec/exit */
    bool vfork_done;
    bool autoreaped;            /* nobody will wait: freed by the scheduler once off-CPU */
    struct pidfd_handle *pidfd; /* what its pidfds hold (kernel/proc/pidfd.c); NULL: none yet */
    uint64_t clear_child_tid;   /* user address cleared and futex-woken at exit */
    uint64_t robust_list;       /* set_robust_list head (kept for get_robust_list) */

    /* --- ptrace (kernel/proc/ptrace.c): the links under tasks_lock; the
     * stop fields are written by the tracee before it sleeps in a stop and
     * by its tracer while it is stopped (both under tasks_lock) --- */
    struct task *tracer;        /* the tracing process's leader; NULL if not traced */
    struct list_node tracees;   /* a tracer leader's tracees (next == NULL until first used) */
    struct list_node trace_node;    /* in tracer->tracees */
    uint32_t ptrace_opts;       /* PTRACE_O_* */
    bool ptrace_seized;         /* attached by PTRACE_SEIZE */
    /* The system-call entry's work, tested as one word (syscall_work):
     * nonzero when the entry must stop for a tracer or run a filter. */
    union {
        struct {
            bool ptrace_syscall;    /* resumed by PTRACE_SYSCALL: stop at the next entry or exit */
            uint8_t seccomp_mode;   /* SECCOMP_MODE_* (include/proc/seccomp.h): written
                                     * under tasks_lock, by the task or a thread of its
                                     * process; read by the task without a lock */
        };
        uint16_t syscall_work;
    };
    bool ptrace_resumed;        /* the tracer ended the current stop */
    bool ptrace_listen;         /* PTRACE_LISTEN: stays stopped until the group stop ends */
    bool ptrace_trap;           /* PTRACE_INTERRUPT or a new seized child: take an event stop */
    bool ptrace_reported;       /* the current stop (or the exit) was collected by wait */
    uint8_t ptrace_kind;        /* enum ptrace_stop_kind */
    int ptrace_status;          /* the wait status of the current stop */
    int ptrace_resume_sig;      /* the signal the tracer resumed it with */
    uint64_t ptrace_msg;        /* PTRACE_GETEVENTMSG */
    siginfo_t ptrace_info;      /* the signal of a signal-delivery stop */
    uint32_t stop_seq_taken;    /* the group stop (thread_group.stop_seq) it took part in */

    /* --- credentials (kernel/proc/cred.c): changed only by the task itself
     * (fork and exec set them before it runs) --- */
    uid_t uid, euid, suid, fsuid;
    gid_t gid, egid, sgid, fsgid;
    struct user_tasks *user;    /* the real uid's task count it is charged to (kernel/proc/user.c;
                                 * the pointer and the count under tasks_lock) */
    bool nproc_exceeded;        /* became a user over RLIMIT_NPROC: execve checks again */
    uint32_t ngroups;
    gid_t groups[64];           /* supplementary groups (NGROUPS_KEPT) */
    bool no_new_privs;          /* PR_SET_NO_NEW_PRIVS: exec grants no privilege; never unset */
    bool keepcaps;              /* PR_SET_KEEPCAPS: leaving uid 0 keeps the permitted set */
    /* capability sets, a bit per capability (include/proc/cred.h) */
    struct {
        uint64_t inh, prm, eff, bnd, amb;
    } caps;
    int pdeath_signal;          /* PR_SET_PDEATHSIG; read under tasks_lock by the exiting parent */
    /* seccomp (include/proc/seccomp.h; the mode is with ptrace_syscall
     * above): written under tasks_lock, by the task or a thread of its
     * process; read by the task without a lock */
    int seccomp_filter_count;   /* /proc/<pid>/status Seccomp_filters */
    struct seccomp_filter *seccomp_filter;  /* the newest; NULL if none */

    /* --- resources: owned by this task, changed only by itself --- */
    struct mm *mm;
    struct fdtable *files;
    struct fs_context *fs;      /* working directory and umask (CLONE_FS shares) */
    struct sem_undo_list *sysvsem;  /* SEM_UNDO adjustments (CLONE_SYSVSEM shares; NULL: none
                                 * yet); the pointer is the task's own (kernel/ipc/sem.c) */
    uint64_t exe_ino;           /* /proc/<pid>/exe target, kept as a path: */
    char exe_path[128];
    void *cmdline;              /* argv copy for /proc/<pid>/cmdline (kmalloc'd) */
    size_t cmdline_len;
    struct mempolicy mempolicy; /* set_mempolicy: where its pages go (kernel/mm/mempolicy.c) */
    unsigned int personality;   /* personality(2): PER_LINUX and flags (ADDR_NO_RANDOMIZE...) */

    /* --- signals: protected by group->sig_lock --- */
    struct sighand *sighand;
    sigset_t blocked;           /* mask */
    sigset_t pending;           /* thread-directed signals (tkill, faults) */
    ksiginfo_t pending_info[NSIG];
    sigset_t saved_mask;        /* rt_sigsuspend: restored after the handler */
    bool restore_saved_mask;
    uint64_t alt_stack_sp, alt_stack_size; int alt_stack_flags;
    uint64_t saved_syscall_nr;  /* for restarting an interrupted call */
    struct {                    /* how restart_syscall continues an interrupted */
        long (*fn)(void);       /* sleep (-ERESTART_RESTARTBLOCK) */
        uint64_t arg[4];
    } restart;
    int forced_sig;             /* a synchronous fault signal that cannot be ignored */

    /* --- scheduling: protected by the run queue lock --- */
    struct sched_entity se;
    int policy;                 /* SCHED_OTHER(=system policy), SCHED_FIFO, SCHED_RR ... */
    bool sched_reset_on_fork;   /* SCHED_RESET_ON_FORK: children start SCHED_OTHER, nice >= 0 */
    struct list_node switch_node;   /* a switch of policy or queue mode (kernel/sched/core.c):
                                     * taken off its queue, to join the new one (under every
                                     * run-queue lock, with tasks_lock and the policy lock) */
    /* priority inheritance (kernel/proc/futex.c), under tasks_lock: the
     * policy and priority to return to once no PI waiter lends its own */
    bool pi_boosted;
    int pi_base_policy, pi_base_prio;
    pid_t pi_waiting_on;        /* owner of the PI futex it sleeps on (chains of lending) */
    struct cpuset cpu_mask;     /* affinity: written under its run-queue lock (sched_set_affinity)
                                 * and tasks_lock; read freely as a hint, each word whole */
    int on_cpu;                 /* CPU it is running on, -1 if not running */
    int last_cpu;               /* CPU it last started running on, -1 before its first run */
    bool need_resched;
    struct hrtimer sleep_timer; /* schedule_until(): timed wake-up */
    uint64_t timer_slack_ns;    /* how late its timed sleeps may end (PR_SET_TIMERSLACK) */
    uint64_t timer_slack_default_ns;    /* what PR_SET_TIMERSLACK 0 restores (inherited) */
    struct hrtimer itimer;      /* ITIMER_REAL, on the leader (kernel/proc/itimer.c) */
    uint64_t itimer_interval_ns;

    struct task_stats stats;    /* utime_ns/stime_ns: final once it has exited (task_cputime) */

    /* --- CPU time so far, in TSC cycles (kernel/cputime.c): written only by
     * the CPU it runs on, inside that CPU's accounting sequence --- */
    uint64_t utime_cyc, stime_cyc;

    /* --- performance counters (kernel/perf_event.c) --- */
    struct perf_ctx *perf;      /* the events counting it (NULL: none so far); freed with it */
    bool perf_exited;           /* past perf_task_exit: takes no new event */
    bool perf_migrated;         /* placed on another CPU since it last ran (run-queue lock) */

    /* --- ticket loans (kernel/sched/lend.c): protected by the lend lock --- */
    struct sched_loan loan;     /* what this task lends (loan.to == NULL: nothing) */
    struct list_node loans_in;  /* loans it receives; next == NULL until first used */
    bool loans_closed;          /* exiting: takes no new loans */
};

/* The task running on this CPU, kept in the per-CPU block (arch/percpu.h). */
#define current (this_cpu_task())

/* The process t belongs to: its group's leader. */
static inline struct task *task_process(const struct task *t) { return t->group->leader; }
static inline bool task_is_leader(const struct task *t) { return t->group->leader == t; }

/* The task table, kept by the process layer (kernel/proc/task.c, pid.c) and
 * read by all: tasks_lock ranks "tasks" (docs/locking.md). */
extern struct spinlock tasks_lock;
extern struct list_node all_tasks;
extern struct task *init_task;          /* pid 1 */

/* The live (not yet reaped) task with pid `pid`, or NULL: one look in the
 * pid table (kernel/proc/pid.c).  Caller holds tasks_lock. */
struct task *task_find(pid_t pid);
unsigned task_count(void);               /* tasks (threads included) not yet freed */
pid_t task_last_pid(void);               /* the pid given to the newest task */
int task_max_threads(void);              /* /proc/sys/kernel/threads-max */

#endif
