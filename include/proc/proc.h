/* Process lifecycle (kernel/proc/): creation, fork, exec, exit, wait. */
#ifndef PROC_PROC_H
#define PROC_PROC_H

#include <kernel/sysctl.h>
#include <kernel/task.h>

/* A zeroed task with kernel stack, FPU area and pid, in thread group `join`
 * (NULL: a new group it leads), charged to the caller's user.  NULL on
 * failure, with *err -ENOMEM (no memory) or -EAGAIN (threads-max, the
 * caller's RLIMIT_NPROC, or no pid free below pid_max). */
struct task *task_alloc(struct thread_group *join, int *err);
/* threads-max from the memory size, and the default RLIMIT_NPROC from it
 * (at boot, once the initramfs's frames are back; before init is made). */
void task_limits_init(void);
/* /proc/sys/kernel/threads-max (include/kernel/sysctl.h). */
extern const struct sysctl_entry task_sysctls[];
/* Adds the CPU times and the fault and switch counts of `from` to `to`. */
void task_stats_add(struct task_stats *to, const struct task_stats *from);
/* What thread t has used, its CPU time up to now (task_cputime); callers
 * other than t hold tasks_lock. */
void task_usage(struct task *t, struct task_stats *out);
/* What t's whole process has used (its live threads and those that have
 * exited; the children's totals); caller holds tasks_lock. */
void process_usage_locked(struct task *t, struct task_stats *out);
/* CPU time (user + system) of thread t, and of t's whole process (caller
 * holds tasks_lock), up to now. */
uint64_t task_cpu_ns(struct task *t);
uint64_t process_cpu_ns_locked(struct task *t);
/* Processes and threads created since boot (/proc/stat "processes"),
 * counted under tasks_lock (kernel/proc/fork.c). */
extern uint64_t total_forks;
/* Adds t to its group's thread list; caller holds tasks_lock. */
void task_join_group(struct task *t);
void task_release(struct task *t);             /* frees what task_alloc made (task is DEAD and off-CPU) */
struct task *task_create_idle(int cpu);
/* A task that starts in kernel mode at fn(arg) and then returns to user
 * space through its trap frame (which fn must have set up, e.g. by exec). */
struct task *task_create_kernel(void (*fn)(void *), void *arg, const char *name);
void task_set_comm(struct task *t, const char *path);
/* Lays out a forked child's kernel stack so that it first runs fn(arg) (if
 * fn is not NULL) in kernel mode, then returns to user space through its
 * trap frame. */
void task_prepare_child(struct task *t, void (*fn)(void *), void *arg);

long do_fork(uint64_t flags, uint64_t child_stack, uint64_t ptid, uint64_t ctid, uint64_t tls);
/* t gets a descriptor table of its own if it shares one (CLONE_FILES):
 * exec, and close_range's CLOSE_RANGE_UNSHARE.  0 or -ENOMEM. */
int task_unshare_files(struct task *t);
/* exec from kernel strings (used to start init); 0 or -errno, and on success
 * the current task's trap frame enters the new program. */
int kernel_execve(const char *path, const char *const argv[], const char *const envp[]);
/* 64 random-looking bits for address layout and AT_RANDOM (kernel/proc/exec.c);
 * no cryptographic strength, and unlocked: two CPUs may draw the same value. */
void do_exit(int wait_status) __noreturn;

/* struct rusage as Linux lays it out: the times, then 14 longs of which
 * Tessera fills ru_minflt, ru_majflt, ru_nvcsw and ru_nivcsw. */
struct rusage_k {
    int64_t utime_sec, utime_usec, stime_sec, stime_usec;
    int64_t rest[14];
};
/* Fills *ru from the times and, if s is not NULL, s's counters (kernel/proc/exit.c). */
void fill_rusage(struct rusage_k *ru, uint64_t utime_ns, uint64_t stime_ns, const struct task_stats *s);
/* getrusage(RUSAGE_CHILDREN): the totals of the reaped descendants in s. */
void fill_rusage_children(struct rusage_k *ru, const struct task_stats *s);
/* Is process group pgid orphaned (no member's parent is in another group of
 * the session, init aside)?  `leaving` (or NULL) counts neither as member
 * nor as parent.  Caller holds tasks_lock. */
bool pgrp_orphaned_locked(pid_t pgid, const struct task *leaving);
void exit_to_user(struct trap_frame *tf, bool from_syscall);
/* ITIMER_REAL (kernel/proc/itimer.c): the process's timer is disarmed when
 * it ends; CPU 0's tick fires the due ones. */
void itimer_exit(struct task *t);
void itimer_init(struct task *t);       /* when a task is made */

#endif
