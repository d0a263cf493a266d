/*
 * Signal-driven I/O (kernel/fs/fasync.c): the open files with O_ASYNC that
 * a pollable object tells when it becomes readable or writable.
 *
 * An object (a pipe, a socket, a terminal) keeps a fasync_list per
 * direction; its file_ops->fasync adds or removes a file (F_SETFL turning
 * O_ASYNC on or off, FIOASYNC, the file's last close), and the object
 * calls fasync_kill() after the change, with none of its own locks held.
 * Each file on the list then signals its owner (fcntl F_SETOWN,
 * F_SETOWN_EX: a process, a thread or a process group): SIGIO, or the
 * F_SETSIG signal with si_code the reason (POLL_IN, POLL_OUT, ...),
 * si_band the poll bits and si_fd the descriptor O_ASYNC was set through,
 * as Linux's kill_fasync.  A file without an owner signals nobody, nor
 * one whose owner was set by a task that may not signal it (not root, and
 * no real or effective id equal to the owner's real or saved one).
 *
 * Locking: every list is under one lock, "fasync", taken before tasks_lock
 * (the owner is found under it) and never with an object's lock held.
 */
#ifndef FS_FASYNC_H
#define FS_FASYNC_H

#include <lib/list.h>
#include <stdbool.h>

struct file;

struct fasync_list {
    struct list_node entries;   /* of struct fasync_entry, under the "fasync" lock */
};

#define FASYNC_LIST_INIT(name) { LIST_INIT((name).entries) }

/* si_code of the signal: why the owner is told */
#define POLL_IN 1
#define POLL_OUT 2
#define POLL_MSG 3
#define POLL_ERR 4
#define POLL_PRI 5
#define POLL_HUP 6

static inline void fasync_list_init(struct fasync_list *l) { list_init(&l->entries); }
/* A file_ops->fasync for one list: f (reached through descriptor fd) on
 * or off it.  0, or -ENOMEM. */
int fasync_helper(struct fasync_list *l, struct file *f, int fd, bool on);
/* O_ASYNC on or off for f, reached through descriptor fd (F_SETFL,
 * FIOASYNC): its fasync operation, then the flag.  -ENOTTY for a file
 * without one (whose flag stays clear), or the operation's error. */
int fasync_set(struct file *f, int fd, bool on);
/* The object changed (`reason`, a POLL_*): every file on l signals its owner. */
void fasync_kill(struct fasync_list *l, int reason);

#endif
