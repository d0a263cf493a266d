/*
 * Pid numbers (kernel/proc/pid.c): the table from a number to the task
 * that has it, the process group and the session of that id; allocation
 * below pid_max; the members of a process group.
 *
 * Everything here is called with tasks_lock held.
 */
#ifndef PROC_PID_H
#define PROC_PID_H

#include <kernel/kernel.h>
#include <kernel/sysctl.h>

struct task;
struct list_node;

#define PID_MAX_DEFAULT 32768          /* Linux's default pid_max */
#define PID_MAX_LIMIT (4 * 1024 * 1024) /* the most pid_max may be (Linux on 64-bit) */
#define RESERVED_PIDS 300              /* after the first wrap, pids restart here */

struct pid_entry;

/* An entry for task_alloc to fill (kmalloc'd outside the lock); NULL when
 * out of memory.  pid_entry_free() gives back one that was not used. */
struct pid_entry *pid_entry_new(void);
void pid_entry_free(struct pid_entry *e);

/* Gives t a free pid, recorded in e: the next unused number after the last
 * one given, below pid_max, wrapping as Linux does.  The pid, or -EAGAIN
 * when every number is in use (or -ENOMEM for the table's own page). */
pid_t pid_alloc_locked(struct task *t, struct pid_entry *e);
/* t (pid t->pid) is being freed: its number stays in use while it still
 * names a process group or session. */
void pid_free_locked(struct task *t);

/* The task with pid `pid`, whatever its state; NULL if none. */
struct task *pid_task_locked(pid_t pid);
/* The task with the lowest pid >= *from (set to that pid), whatever its
 * state; NULL if none.  Walks the table in order, skipping empty pages. */
struct task *pid_next_task_locked(pid_t *from);

/* Process groups and sessions: each process (its leader task) is a member
 * of one of each from task_join_group until it is freed.  pgrp_attach
 * enters leader in leader->pgid and leader->sid; pgrp_move sets a
 * process's (every thread's) pgid and sid and moves it between the groups;
 * pgrp_member_ended: the process's last thread has exited (do_exit). */
void pgrp_attach_locked(struct task *leader);
void pgrp_move_locked(struct task *leader, pid_t pgid, pid_t sid);
void pgrp_member_ended_locked(struct task *leader);
void pgrp_detach_locked(struct task *leader);
/* The leaders in process group pgid (list of struct task via pgrp_node),
 * or NULL if the group has none.  Ended processes (zombies not yet reaped)
 * are still members, but come after every live one: a walk that wants
 * live processes stops at the first whose group->live is 0, so a group
 * full of zombies waiting for their parent costs nothing to signal. */
struct list_node *pgrp_members_locked(pid_t pgid);
/* Runs the statement after it for each live leader t of process group
 * pgid (a `break` in it ends the walk).  Caller holds tasks_lock. */
#define for_each_live_pgrp_member(t, pgid)                                         \
    for (struct list_node *pgrp_list_ = pgrp_members_locked(pgid); pgrp_list_;     \
         pgrp_list_ = NULL)                                                        \
        list_for_each_entry(t, pgrp_list_, pgrp_node)                              \
            if ((t)->group->live == 0)                                             \
                break;                  /* only ended ones from here on */        \
            else
/* execve from a non-leader thread: t takes the leader's pid (and the
 * leader t's), and the leader's place in its process group. */
void pid_exec_swap_locked(struct task *old_leader, struct task *t);

/* pid_max: read, and set by a write of /proc/sys/kernel/pid_max. */
int pid_max_get(void);
pid_t pid_last(void);                  /* the pid given most recently */
/* /proc/sys/kernel/pid_max (include/kernel/sysctl.h). */
extern const struct sysctl_entry pid_sysctls[];

#endif
