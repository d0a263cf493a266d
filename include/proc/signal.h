/* Signal generation and delivery (kernel/proc/signal.c). */
#ifndef PROC_SIGNAL_H
#define PROC_SIGNAL_H

#include <kernel/task.h>

/* Queue `sig` for thread t (info may be NULL: SI_KERNEL from the kernel).
 * Wakes t if the signal is not blocked.  Safe from interrupt context.
 * Returns whether this info was queued (not: discarded, or that signal was
 * already pending and keeps its first info). */
bool signal_send(struct task *t, int sig, const siginfo_t *info);
/* Queue `sig` for t's whole process (kill): any thread that does not block
 * it takes it; SIGKILL ends every thread.  Safe from interrupt context.
 * Returns as signal_send (false for SIGKILL, queued per thread). */
bool signal_send_process(struct task *t, int sig, const siginfo_t *info);
/* exit_group or a fatal signal: end every thread of the caller's process,
 * which exits with wait status `status` (unless another thread was first). */
void do_group_exit(int status) __noreturn;
/* Send to every process of process group pgid; returns -ESRCH if none. */
int signal_send_pgrp(pid_t pgid, int sig, const siginfo_t *info);
/* True if t has an unblocked pending signal (the reason to abort a sleep). */
bool signal_pending(struct task *t);
/* Is a signal of `set` pending for t (its own or its process's), blocked
 * or not?  A racy look, for poll. */
bool signal_pending_in(struct task *t, sigset_t set);
/* Takes the lowest pending signal of `set` (never SIGKILL or SIGSTOP) for
 * t, its own before its process's, without running any action (signalfd):
 * the signal number with *info, or 0 if none is pending.  Every signal
 * queued for t's process wakes t->group->signalfd_wait. */
int signal_dequeue(struct task *t, sigset_t set, siginfo_t *info);
/* Called on every return to user space: delivers pending signals (runs default
 * actions, or builds a handler frame in tf).  `syscall_ret` tells whether tf's
 * rax holds a syscall result that may be -ERESTARTSYS. */
void signal_deliver(struct trap_frame *tf, bool from_syscall);
/* A synchronous signal to the current thread that it cannot block or
 * ignore (blocked or ignored, it is unblocked and its action made the
 * default); with to_default, the action is made the default whatever it
 * was, so the signal ends the process (seccomp's kills). */
void signal_force(int sig, const siginfo_t *info, bool to_default);
/* A user-mode fault: deliver sig with si_code/addr, logging the reason. */
void signal_fault(struct trap_frame *tf, int sig, int code, uint64_t addr, const char *reason);

/* Tells t's parent that t stopped, continued or exited (code CLD_*): SIGCHLD
 * as its SA_NOCLDSTOP allows, and a wake-up of its wait.  Caller holds
 * tasks_lock (which keeps the parent alive). */
void signal_notify_parent(struct task *t, int code, int status);
void signal_exec_reset(struct task *t);
/* Caught signals back to SIG_DFL, ignored ones stay ignored (execve,
 * clone3's CLONE_CLEAR_SIGHAND). */
void signal_exec_reset_actions(struct sighand *sh);
/* SIGKILL to every other thread of t's process (exit_group, execve).
 * Caller holds the group's sig_lock. */
void signal_kill_others_locked(struct task *t);
/* Group stop bookkeeping for an exiting thread (kernel/proc/exit.c): true
 * if the stop is now complete (caller holds the group's sig_lock); then
 * signal_notify_stopped tells the parent (no lock held). */
bool signal_stop_completes(struct thread_group *g);
void signal_notify_stopped(struct thread_group *g);
/* A private copy of src's actions (src may be NULL: all default); NULL on
 * exhaustion.  sighand_put drops a reference and frees the last. */
struct sighand *sighand_copy(struct sighand *src);
void sighand_put(struct sighand *sh);
void vfork_release(struct task *child);

#endif
