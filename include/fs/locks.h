/*
 * Advisory file locks, as Linux has them: three kinds on one vnode.
 *
 *  - flock(2) locks (LK_FLOCK) cover the whole file and belong to the open
 *    file description: every descriptor dup()ed or inherited from it shares
 *    the lock, and it goes when the description's last reference does.
 *    Changing a lock's type is not atomic: the old lock goes first, then
 *    the new one is asked for (with LOCK_NB a conflict then leaves none).
 *  - POSIX record locks (LK_POSIX, fcntl F_SETLK/F_SETLKW) cover byte
 *    ranges and belong to the process, more exactly to its descriptor
 *    table: threads share them, a fork child has none, and closing ANY
 *    descriptor of the file drops all the process's locks on it (so does
 *    exit, which closes everything).  A request replaces whatever the owner
 *    held in its range: ranges split and neighbours of one type merge.
 *  - Open-file-description locks (LK_OFD, F_OFD_SETLK/F_OFD_SETLKW) are
 *    byte ranges like POSIX locks, owned like flock locks.  They and POSIX
 *    locks conflict with each other; flock locks conflict only with flock
 *    locks.
 *
 * Two locks conflict when their owners differ, their ranges overlap and one
 * of them is a write (exclusive) lock.  A request that conflicts fails with
 * EAGAIN or, for the waiting forms, sleeps until the vnode's locks change
 * (a signal ends the sleep: -ERESTARTSYS).  A POSIX request that would wait
 * for a process already waiting (through a chain) for the requester fails
 * with EDEADLK instead.
 *
 * The code is in two parts: kernel/fs/lock_range.c is pure list editing
 * (conflicts, splitting, merging), run by the host tests as it is;
 * kernel/fs/locks.c holds the per-vnode contexts, sleeping, deadlock
 * detection, the entry points of flock(2) and fcntl(2), the hooks that
 * close and the last reference to a file call, and /proc/locks.
 *
 * Locking: one spinlock, `file_locks` (kernel/fs/locks.c), guards every
 * lock record, every vnode's context pointer and context, the list of all
 * locks and the list of waiters.  Lock operations are rare and short, so
 * one lock keeps deadlock detection (which looks across files) simple.
 */
#ifndef FS_LOCKS_H
#define FS_LOCKS_H

#include <kernel/kernel.h>
#include <lib/list.h>
#include <uapi/fcntl.h>

#define LOCK_OFFSET_MAX INT64_MAX   /* the end of a lock that runs to end of file (l_len 0) */

enum lock_kind { LK_FLOCK, LK_POSIX, LK_OFD };

struct file_lock_ctx;

/* One lock (or, not linked anywhere, one request).  All fields are under
 * the file_locks lock once the record is linked. */
struct file_lock {
    struct list_node node;        /* in its context's flocks or posix list */
    struct list_node all;         /* in the list of every lock, newest first (/proc/locks) */
    struct file_lock_ctx *ctx;
    enum lock_kind kind;
    short type;                   /* F_RDLCK or F_WRLCK (F_UNLCK only in a request) */
    const void *owner;            /* LK_POSIX: the descriptor table; else the struct file */
    pid_t pid;                    /* the process that placed it; -1 for LK_OFD */
    int64_t start, end;           /* bytes start..end, inclusive; end LOCK_OFFSET_MAX: to EOF */
};

/* ------------------------------------------------------------ pure editing
 * (kernel/fs/lock_range.c).  `list` is a context's flocks list (LK_FLOCK
 * requests) or its posix list (LK_POSIX and LK_OFD).  The posix list keeps
 * each owner's locks together, in order of start, never overlapping, and
 * never two of one type that touch; owners appear in the order of their
 * oldest surviving lock.  The caller serializes. */

/* What an edit did: records it took from `spare` (linked into the list,
 * their `ctx` left for the caller to set), records it unlinked (on `dead`,
 * through `node`, for the caller to free), and whether some range became
 * free or weaker (waiters may now get theirs). */
struct lock_edit {
    struct file_lock *spare[2];   /* in: unused records (an edit takes at most two) */
    struct file_lock *added[2];
    int nadded;
    struct list_node dead;
    bool released;
};

void lock_edit_init(struct lock_edit *ed);

/* The first lock of `list` that conflicts with req, or NULL.  An F_UNLCK
 * request (F_OFD_GETLK's) instead finds the first lock of req's own owner
 * that overlaps it, of either type. */
struct file_lock *lock_find_conflict(struct list_node *list, const struct file_lock *req);

/* flock(2): drops the owner's lock if its type differs, then (unless req
 * is F_UNLCK) adds req: 0, or -EAGAIN with *conflict set and nothing added
 * (the old lock stays dropped, as on Linux).  Requesting the type already
 * held changes nothing. */
int lock_flock_apply(struct list_node *list, const struct file_lock *req, struct lock_edit *ed,
                     struct file_lock **conflict);

/* A POSIX or OFD request over req->start..end for req->owner, conflicts
 * already ruled out: the owner's locks there are cut away (split when the
 * range falls inside one), and unless req is F_UNLCK the range becomes one
 * lock of req->type, merged with the owner's touching locks of that type. */
void lock_posix_apply(struct list_node *list, const struct file_lock *req, struct lock_edit *ed);

/* ------------------------------------------------------------ the kernel
 * (kernel/fs/locks.c) */

struct file;
struct vnode;
struct seqbuf;

/* flock(2) on f (not O_PATH): cmd is LOCK_SH, LOCK_EX or LOCK_UN, maybe
 * with LOCK_NB (checked by the caller).  0, -EAGAIN (LOCK_NB),
 * -ERESTARTSYS, -ENOMEM. */
int locks_flock(struct file *f, unsigned cmd);

/* F_GETLK or F_OFD_GETLK on f with the caller's struct flock *l, updated
 * in place as Linux does: l_type F_UNLCK when nothing is in the way, else
 * the first conflicting lock (l_whence SEEK_SET, l_len 0 for to-EOF, l_pid
 * -1 for an OFD lock).  -EINVAL, -EOVERFLOW. */
int locks_getlk(struct file *f, int cmd, struct linux_flock *l);

/* F_SETLK, F_SETLKW, F_OFD_SETLK or F_OFD_SETLKW with *l for the current
 * process.  -EINVAL, -EOVERFLOW, -EBADF (the lock type needs an access mode
 * f lacks), -EAGAIN, -EDEADLK, -ERESTARTSYS, -ENOMEM. */
int locks_setlk(struct file *f, int cmd, const struct linux_flock *l);

/* A descriptor of f in table `owner` was closed: every POSIX lock owner
 * holds on f's vnode goes.  Cheap (no lock taken) when nobody holds or
 * waits for a lock on the vnode. */
void locks_remove_posix(struct file *f, const void *owner);

/* f's last reference is going: its flock and OFD locks go. */
void locks_remove_file(struct file *f);

/* /proc/locks: every lock, newest first, each followed by the requests
 * waiting for it ("-> "), in Linux's format. */
int locks_show(struct seqbuf *s);

#endif
