/*
 * The poll engine: the poll table that lets one task sleep on the wait
 * queues of many files, and do_poll(), the scan/sleep loop behind poll,
 * ppoll, select and pselect6 (kernel/syscall/sys_poll.c).
 *
 * The loop follows the prepare/check/schedule protocol of <kernel/wait.h>
 * across many queues: the first scan registers (poll_wait marks the task
 * blocked on each queue *before* the file computes its mask), later scans
 * re-arm every entry first.  A wake-up between the scan and schedule() just
 * makes schedule() return at once.  After a timeout, one last scan runs so a
 * file that became ready at the deadline is still reported (as Linux does).
 *
 * File ->poll hooks run while the task is marked blocked: they must not sleep
 * as a rule (take spinlocks or read racy counters).  An mutex is allowed
 * (epoll's hook takes its own): a free one leaves the task blocked, and a
 * contended one, after which the task runs, only costs one more scan.
 */
#include <fs/poll.h>
#include <fs/vfs.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <proc/signal.h>

/* Re-scan interval when the table could not register everything. */
#define POLL_DEGRADED_NS (10 * NSEC_PER_MSEC)

void poll_table_init(struct poll_table *pt)
{
    memset(pt, 0, sizeof(*pt));
    pt->registering = true;
}

void poll_wait(struct poll_table *pt, struct waitq *wq)
{
    if (!pt || !wq)
        return;
    if (pt->qproc) {
        pt->qproc(pt, wq);
        return;
    }
    if (!pt->registering)
        return;
    if (pt->count >= POLL_MAX_ENTRIES) {
        pt->degraded = true;
        return;
    }
    struct poll_chunk *c = pt->chunks;
    if (!c || c->used == POLL_CHUNK_ENTRIES) {
        c = kmalloc(sizeof(*c));
        if (!c) {
            pt->degraded = true;
            return;
        }
        c->used = 0;
        c->next = pt->chunks;
        pt->chunks = c;
    }
    struct poll_entry *e = &c->e[c->used++];
    e->wq = wq;
    pt->count++;
    prepare_to_wait(wq, &e->w);
}

void poll_table_rearm(struct poll_table *pt)
{
    for (struct poll_chunk *c = pt->chunks; c; c = c->next)
        for (unsigned i = 0; i < c->used; i++)
            prepare_to_wait(c->e[i].wq, &c->e[i].w);
}

void poll_table_free(struct poll_table *pt)
{
    struct poll_chunk *c = pt->chunks;
    while (c) {
        for (unsigned i = 0; i < c->used; i++)
            finish_wait(c->e[i].wq, &c->e[i].w);
        struct poll_chunk *next = c->next;
        kfree(c);
        c = next;
    }
    pt->chunks = NULL;
    pt->count = 0;
}

unsigned int file_poll(struct file *f, struct poll_table *pt)
{
    if (f->ops && f->ops->poll)
        return f->ops->poll(f, pt);
    return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

/* One pass over the array; returns how many entries are ready. */
static unsigned scan(struct pollfd *fds, unsigned nfds, struct poll_table *pt)
{
    unsigned ready = 0;
    for (unsigned i = 0; i < nfds; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0)
            continue;
        struct file *f = fd_get(fds[i].fd);
        if (!f) {
            fds[i].revents = POLLNVAL;
            ready++;
            continue;
        }
        unsigned mask = file_poll(f, pt);
        file_put(f);
        /* POLLERR and POLLHUP are reported even when not asked for. */
        mask &= (uint16_t)fds[i].events | POLLERR | POLLHUP;
        fds[i].revents = (int16_t)mask;
        if (mask)
            ready++;
    }
    return ready;
}

/* Sleep with no file to wait on (all fds negative, or nothing registered):
 * only the deadline or a signal ends it. */
static void sleep_plain(uint64_t deadline)
{
    struct waitq wq;
    struct wait_entry w;
    waitq_init(&wq);
    prepare_to_wait(&wq, &w);
    if (!signal_pending(current))
        schedule_until(deadline);
    finish_wait(&wq, &w);
}

long do_poll(struct pollfd *fds, unsigned nfds, uint64_t deadline)
{
    struct poll_table pt;
    poll_table_init(&pt);
    bool nowait = deadline == POLL_NO_WAIT;
    bool timed_out = false;
    long ret;

    for (bool first = true;; first = false) {
        if (!first)
            poll_table_rearm(&pt);
        unsigned ready = scan(fds, nfds, nowait ? NULL : &pt);
        pt.registering = false;
        if (ready || nowait || timed_out) {
            ret = ready;
            break;
        }
        if (signal_pending(current)) {
            ret = -ERESTARTSYS;
            break;
        }
        uint64_t now = time_ns();
        if (deadline && now >= deadline) {
            ret = 0;
            break;
        }
        uint64_t until = deadline;
        if (pt.degraded && (!until || now + POLL_DEGRADED_NS < until))
            until = now + POLL_DEGRADED_NS;
        if (pt.count == 0) {
            sleep_plain(until);
        } else {
            schedule_until(until);
        }
        if (deadline && time_ns() >= deadline)
            timed_out = true;   /* one last scan, then report */
    }
    poll_table_free(&pt);
    return ret;
}
