/*
 * Process tracing (kernel/proc/ptrace.c): ptrace(2) as strace and
 * debuggers use it.  A tracee stops at the points its tracer asked for
 * (signal delivery, group stops, system call entry and exit, fork, clone,
 * exec and exit events) and sleeps until the tracer resumes it; the tracer
 * learns of each stop through wait(2).
 *
 * The tracer is a process (its leader holds the list of tracees): any of
 * its threads may wait for and command a tracee, and tracees are released
 * when the tracer process ends.  The links are under tasks_lock.
 */
#ifndef PROC_PTRACE_H
#define PROC_PTRACE_H

#include <kernel/task.h>

#define PTRACE_EVENT_FORK 1
#define PTRACE_EVENT_VFORK 2
#define PTRACE_EVENT_CLONE 3
#define PTRACE_EVENT_EXEC 4
#define PTRACE_EVENT_VFORK_DONE 5
#define PTRACE_EVENT_EXIT 6
#define PTRACE_EVENT_SECCOMP 7
#define PTRACE_EVENT_STOP 128

/* What kind of stop a tracee is in (task.ptrace_kind). */
enum ptrace_stop_kind {
    PTS_NONE,
    PTS_SIGNAL,         /* signal-delivery stop: ptrace_info is the signal */
    PTS_GROUP,          /* group stop (GETSIGINFO is EINVAL) */
    PTS_SYSCALL_ENTRY,
    PTS_SYSCALL_EXIT,
    PTS_EVENT,          /* PTRACE_EVENT_* stop */
};

/* System call entry, with the call's number in t->saved_syscall_nr: the
 * tracer may change the number and arguments.  Returns false if the call
 * must not run (the tracer set the number to -1, or the task was killed). */
bool ptrace_syscall_entry(struct trap_frame *tf);
void ptrace_syscall_exit(struct trap_frame *tf);
/* A signal about to be delivered to a tracee: stop and let the tracer see
 * it.  Returns the signal to deliver instead (0: none), with *info updated. */
int ptrace_signal(int sig, siginfo_t *info);
/* An event stop (PTRACE_EVENT_*) if the tracer asked for it; msg is what
 * PTRACE_GETEVENTMSG returns. */
void ptrace_event(int event, uint64_t msg);
/* Does t's tracer want `event` reported? */
bool ptrace_event_enabled(const struct task *t, int event);
/* fork/clone: the child of a tracee that reports `event` is traced too,
 * before it first runs.  Caller holds tasks_lock. */
void ptrace_attach_child_locked(struct task *parent, struct task *child);
/* A successful execve of a tracee: PTRACE_EVENT_EXEC, or SIGTRAP to a
 * tracee attached without PTRACE_SEIZE that did not ask for the event. */
void ptrace_exec(pid_t old_tid);
/* A traced thread joining its process's group stop (sig): the stop is a
 * ptrace stop reported to the tracer.  Returns when the tracer resumes it,
 * it is killed, or it is no longer traced. */
void ptrace_group_stop(int sig);
/* A pending trap (PTRACE_INTERRUPT, a new seized child): take it now. */
void ptrace_trap(void);
/* t is leaving (its last reference is about to go): unlink it from its
 * tracer.  Caller holds tasks_lock. */
void ptrace_unlink_locked(struct task *t);
/* The process led by `leader` has ended: release its tracees (SIGKILL to
 * those with PTRACE_O_EXITKILL).  Caller holds tasks_lock. */
void ptrace_release_tracees_locked(struct task *leader);
/* A traced process ended: its tracer (if not its parent) hears of it.
 * Caller holds tasks_lock. */
void ptrace_notify_exit_locked(struct task *leader, int code, int status);
/* wait(2) for the tracer `self`: a tracee selected by `pid` (see
 * exit.c) with a stop or an exit to report.  Sets *any if some tracee is
 * selected at all.  Returns the task and its wait status in *status, or
 * NULL.  Caller holds tasks_lock. */
struct task *ptrace_wait_locked(struct task *self, pid_t pid, int options, bool *any, int *status,
                                bool *exited);

#endif
