/*
 * Waiting on many files at once (poll, ppoll, select, pselect6).
 *
 * A file's ->poll(file, pt) hook returns its ready mask and, when pt is not
 * NULL, registers the caller on each wait queue that a change of that mask
 * would be signalled on, by calling poll_wait(pt, wq).  The poll table owns
 * one struct wait_entry per registration (a task sleeps on several queues at
 * once), kept in kmalloc'd chunks that never move once linked into a queue,
 * bounded by POLL_MAX_ENTRIES.  If the bound or memory runs out the table is
 * marked `degraded` and the caller re-scans on a short timer instead of
 * sleeping indefinitely: slower, never wrong.
 *
 * Only the polling task touches its table; the wait queues do their own
 * locking.
 */
#ifndef FS_POLL_H
#define FS_POLL_H

#include <kernel/wait.h>
#include <uapi/poll.h>

struct file;

#define POLL_CHUNK_ENTRIES 32
#define POLL_MAX_ENTRIES 4096

struct poll_entry {
    struct waitq *wq;
    struct wait_entry w;
};

struct poll_chunk {
    struct poll_chunk *next;
    unsigned used;
    struct poll_entry e[POLL_CHUNK_ENTRIES];
};

struct poll_table {
    /* Set by a caller that registers on the queues its own way (epoll):
     * poll_wait() hands each queue to it and does nothing else. */
    void (*qproc)(struct poll_table *pt, struct waitq *wq);
    struct poll_chunk *chunks;
    unsigned count;
    bool registering;     /* first scan: poll_wait() adds entries */
    bool degraded;        /* an entry could not be added: re-scan periodically */
};

void poll_table_init(struct poll_table *pt);
/* Called by file_ops->poll: queue the current task on wq (no-op for a NULL
 * table or after the first scan), or pass wq to the table's qproc. */
void poll_wait(struct poll_table *pt, struct waitq *wq);
/* Before each re-scan: mark the task blocked again on every queue, so that a
 * wake-up racing with the scan is not lost (the prepare/check pattern). */
void poll_table_rearm(struct poll_table *pt);
/* Leave every queue and free the entries. */
void poll_table_free(struct poll_table *pt);

/* f's ready mask: ->poll, or POLLIN|POLLOUT for files without one (regular
 * files are always ready). */
unsigned int file_poll(struct file *f, struct poll_table *pt);

/* The poll(2) engine over a kernel array: fills revents, returns the number
 * of entries with a non-zero revents, 0 on timeout, or -ERESTARTSYS when a
 * signal arrived first.  deadline_ns: time_ns() value, 0 = wait forever,
 * POLL_NO_WAIT = do not sleep. */
#define POLL_NO_WAIT ((uint64_t)1)
long do_poll(struct pollfd *fds, unsigned nfds, uint64_t deadline_ns);

#endif
