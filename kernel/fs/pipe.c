/*
 * Pipes: a byte ring (kernel/fs/pipe_ring.c) shared by a read end and a write
 * end, each an anonymous file whose vnode is an S_IFIFO transient vnode (so
 * fstat/newfstatat(AT_EMPTY_PATH) report a FIFO).  Either vnode can be opened
 * again through /proc/<pid>/fd/N (/dev/fd/N, /dev/stdin: bash's <(...)): the
 * new file is another end of the same pipe, reading, writing or both as its
 * open flags say.  Unlike a FIFO's, that open never waits for the other side.
 *
 * Semantics (Linux's):
 *  - read blocks while the pipe is empty and a writer exists; returns 0 (EOF)
 *    once every write end is closed; -EAGAIN with O_NONBLOCK.
 *  - write blocks while there is no room; a write of at most PIPE_BUF bytes
 *    goes in all at once or not at all (never interleaved with another
 *    writer), larger writes may be split.  With no reader left: SIGPIPE to
 *    the writer and -EPIPE.
 *  - a signal during a sleep ends the call with what was transferred so far,
 *    or -ERESTARTSYS if nothing was.
 *  - packet mode (a write end with O_DIRECT: pipe2, or F_SETFL): each write
 *    is a packet of at most a page (a longer write makes several), which
 *    takes a page of the ring to itself (pipe_ring_end_packet); a read
 *    returns at most one packet, dropping what did not fit in its buffer.
 *    As on Linux, the part of a write beyond its last whole page first
 *    joins stream data already in the last page if it fits there.
 *
 * Ticket transfer: the pipe remembers the last task that wrote to it and the
 * last that read from it (pid and start time, so a reused pid is not
 * mistaken for them).  A reader that sleeps on an empty pipe lends its
 * lottery/stride tickets to the last writer, a writer that sleeps on a full
 * pipe to the last reader, until it runs again (kernel/sched/lend.c).
 *
 * FIFOs (named pipes in a file system) use the same pipe: a FIFO vnode gets
 * one at its first open and lets go of it at the last close, which frees it
 * with its data.  Opening follows Linux: a reader waits until a writer has
 * come (one that came and went since counts: r_counter and w_counter count
 * the opens), a writer for a reader; with O_NONBLOCK a reader opens at once
 * and a writer with no reader gets ENXIO; O_RDWR never waits.  A reader
 * that opened non-blocking with no writer sees no POLLHUP until a writer
 * has come (file->version holds the writer count of its open).
 *
 * Capacity: PIPE_CAPACITY until F_SETPIPE_SZ sets a power of two of pages
 * from one up to /proc/sys/fs/pipe-max-size (EPERM beyond it, unless the
 * caller has CAP_SYS_RESOURCE; EBUSY if the data held would not fit).
 *
 * Lifetime: the ring's pages go with the last end closed, the struct with the
 * last of its two vnodes (an open through /proc may hold one a little longer);
 * a FIFO's struct goes with its last end.
 *
 * Locking: `mu` (sleeping) serializes the data movement, which copies
 * to/from user memory and may fault, and resizing; `lock` (spin) guards the
 * end and vnode counts, and for a FIFO the global `fifo_lock` is held around
 * it when ends come and go, so that an open never picks up a pipe its last
 * close is freeing.  Sleepers wait on rd_wait / wr_wait without holding
 * either.  poll reads the counters without locks: a stale answer is
 * followed by a wake-up.
 */
#include <fs/pipe.h>
#include <fs/poll.h>
#include <fs/fasync.h>
#include <fs/vfs.h>
#include <kernel/mutex.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <proc/cred.h>
#include <proc/signal.h>
#include <sched/sched.h>
#include <uapi/termios.h>

struct pipe {
    struct mutex mu;          /* protects ring */
    struct pipe_ring ring;
    struct spinlock lock;        /* protects readers, writers */
    int readers, writers;        /* open ends (open-file descriptions) */
    int vnodes;                  /* the ends' vnodes still alive: 0 frees the struct */
    struct waitq rd_wait;        /* readers: data arrived or writers gone */
    struct waitq wr_wait;        /* writers: room freed or readers gone */
    pid_t last_writer, last_reader;          /* protected by mu; 0 = none yet */
    uint64_t last_writer_start, last_reader_start;  /* their arrival_ns */
    struct vnode *fifo;          /* a FIFO's node (its files hold it); NULL for pipe(2) */
    unsigned long r_counter, w_counter;      /* opens of each kind (FIFOs); under lock */
    /* O_ASYNC ends: readers told of writes, writers of reads (Linux: every
     * write and every read, whatever it moved) */
    struct fasync_list fasync_readers, fasync_writers;
};

/* Guards every FIFO vnode's `fifo` pointer, and a FIFO pipe's end counts
 * with the pipe's own lock. */
static struct spinlock fifo_lock = SPINLOCK_INIT("fifo");

/* Caller holds p->mu. */
static void note_io(struct pipe *p, bool writing)
{
    struct task *t = current;
    if (writing) {
        p->last_writer = t->pid;
        p->last_writer_start = t->stats.arrival_ns;
    } else {
        p->last_reader = t->pid;
        p->last_reader_start = t->stats.arrival_ns;
    }
}

static void *pipe_page_alloc(void *ctx)
{
    phys_t p = pmm_alloc();
    return p ? P2V(p) : NULL;
}

static void pipe_page_free(void *ctx, void *page)
{
    pmm_put(V2P(page));
}

static bool can_read(const struct file *f) { return (f->flags & O_ACCMODE) != O_WRONLY; }
static bool can_write(const struct file *f) { return (f->flags & O_ACCMODE) != O_RDONLY; }

static size_t used_now(struct pipe *p)
{
    return READ_ONCE(p->ring.tail) - READ_ONCE(p->ring.head);
}

static size_t capacity_now(struct pipe *p)
{
    return READ_ONCE(p->ring.npages) * PIPE_PAGE_SIZE;
}

/* Room for one more packet: a page of its own after padding. */
static bool packet_room(struct pipe *p)
{
    size_t tail = READ_ONCE(p->ring.tail), pad = tail % PIPE_PAGE_SIZE ? PIPE_PAGE_SIZE - tail % PIPE_PAGE_SIZE : 0;
    return capacity_now(p) - used_now(p) >= pad + PIPE_PAGE_SIZE;
}

static ssize_t pipe_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct pipe *p = f->private_data;
    if (len == 0)
        return 0;
    for (;;) {
        mutex_lock(&p->mu);
        if (pipe_ring_used(&p->ring) > 0) {
            size_t done = 0;
            ssize_t ret = 0;
            while (done < len) {
                uint8_t *src;
                size_t span = pipe_ring_read_span(&p->ring, &src);
                if (span == 0)
                    break;
                size_t k = MIN(span, len - done);
                if (iob_copy_to(buf, done, src, k)) {
                    ret = -EFAULT;
                    break;
                }
                done += k;
                if (pipe_ring_at_packet(&p->ring)) {
                    pipe_ring_consume(&p->ring, span);  /* a packet ends the read; what did not fit goes */
                    break;
                }
                pipe_ring_consume(&p->ring, k);
            }
            if (done)
                note_io(p, false);
            mutex_unlock(&p->mu);
            waitq_wake_all(&p->wr_wait);
            fasync_kill(&p->fasync_writers, POLL_OUT);
            return done ? (ssize_t)done : ret;
        }
        /* Empty: with no writer left (checked under mu, so no write can
         * slip in between) this is end of file. */
        bool eof = READ_ONCE(p->writers) == 0;
        pid_t writer = p->last_writer;
        uint64_t writer_start = p->last_writer_start;
        mutex_unlock(&p->mu);
        fasync_kill(&p->fasync_writers, POLL_OUT);
        if (eof)
            return 0;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        sched_lend_wait_pid(current, writer, writer_start);
        int err = wait_event_interruptible(p->rd_wait, used_now(p) > 0 || READ_ONCE(p->writers) == 0);
        sched_lend_wait_end(current);
        if (err)
            return err;
    }
}

/* Copies n bytes of buf into the ring at the write position, within one
 * page (the caller made sure of the room).  0 or -EFAULT/-ENOMEM. */
static int put_in_page(struct pipe *p, struct iobuf buf, size_t n)
{
    uint8_t *dst;
    if (pipe_ring_write_span(&p->ring, &dst) < n)
        return -ENOMEM;
    if (iob_copy_from(dst, buf, 0, n))
        return -EFAULT;
    pipe_ring_commit(&p->ring, n);
    return 0;
}

/* A write in packet mode (the writer's O_DIRECT): see the top of the file.
 * A packet goes in whole or waits for room. */
static ssize_t pipe_write_packets(struct file *f, struct pipe *p, struct iobuf buf, size_t len)
{
    size_t done = 0;
    ssize_t err = 0;
    bool first = true;
    for (;;) {
        mutex_lock(&p->mu);
        if (READ_ONCE(p->readers) == 0) {
            mutex_unlock(&p->mu);
            err = -EPIPE;
            break;
        }
        size_t before = done, tail = len % PIPE_PAGE_SIZE;
        if (first && tail && pipe_ring_can_merge(&p->ring, tail) && !(err = put_in_page(p, buf, tail)))
            done += tail;
        first = false;
        while (!err && done < len &&
               pipe_ring_space(&p->ring) >= pipe_ring_pad_needed(&p->ring) + PIPE_PAGE_SIZE) {
            size_t n = MIN(len - done, PIPE_PAGE_SIZE);
            pipe_ring_pad(&p->ring);
            if (!(err = put_in_page(p, iob_skip(buf, done), n))) {
                pipe_ring_end_packet(&p->ring, n);
                done += n;
            }
        }
        if (done > before)
            note_io(p, true);
        pid_t reader = p->last_reader;
        uint64_t reader_start = p->last_reader_start;
        mutex_unlock(&p->mu);
        if (done > before)
            waitq_wake_all(&p->rd_wait);
        if (done == len || err)
            break;
        if (f->flags & O_NONBLOCK) {
            err = -EAGAIN;
            break;
        }
        fasync_kill(&p->fasync_readers, POLL_IN);
        fasync_kill(&p->fasync_readers, POLL_IN);
        sched_lend_wait_pid(current, reader, reader_start);
        err = wait_event_interruptible(p->wr_wait, READ_ONCE(p->readers) == 0 || packet_room(p));
        sched_lend_wait_end(current);
        if (err)
            break;
    }
    if (err == -EPIPE)
        signal_send(current, SIGPIPE, NULL);
    fasync_kill(&p->fasync_readers, POLL_IN);
    return done ? (ssize_t)done : err;
}

static ssize_t pipe_write(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct pipe *p = f->private_data;
    size_t done = 0;
    ssize_t err = 0;
    if (len == 0)
        return 0;
    if (f->flags & O_DIRECT)
        return pipe_write_packets(f, p, buf, len);
    for (;;) {
        /* Room needed before copying anything more: all of a small write
         * (atomicity), one byte of a large one. */
        size_t need = len <= PIPE_BUF ? len : 1;
        mutex_lock(&p->mu);
        need = MIN(need, pipe_ring_capacity(&p->ring));
        if (READ_ONCE(p->readers) == 0) {
            mutex_unlock(&p->mu);
            err = -EPIPE;
            break;
        }
        if (pipe_ring_space(&p->ring) >= need) {
            size_t before = done;
            while (done < len) {
                uint8_t *dst;
                size_t k = pipe_ring_write_span(&p->ring, &dst);
                if (k == 0) {
                    if (!dst && pipe_ring_space(&p->ring) > 0)
                        err = -ENOMEM;
                    break;
                }
                k = MIN(k, len - done);
                if (iob_copy_from(dst, buf, done, k)) {
                    err = -EFAULT;
                    break;
                }
                pipe_ring_commit(&p->ring, k);
                done += k;
            }
            if (done > before)
                note_io(p, true);
            mutex_unlock(&p->mu);
            if (done > before)
                waitq_wake_all(&p->rd_wait);
            if (done == len || err)
                break;
            continue;
        }
        pid_t reader = p->last_reader;
        uint64_t reader_start = p->last_reader_start;
        mutex_unlock(&p->mu);
        if (f->flags & O_NONBLOCK) {
            err = -EAGAIN;
            break;
        }
        sched_lend_wait_pid(current, reader, reader_start);
        err = wait_event_interruptible(p->wr_wait, READ_ONCE(p->readers) == 0 ||
                                                        capacity_now(p) - used_now(p) >= need);
        sched_lend_wait_end(current);
        if (err)
            break;
    }
    if (err == -EPIPE)
        signal_send(current, SIGPIPE, NULL);   /* even after a partial write, as Linux */
    fasync_kill(&p->fasync_readers, POLL_IN);
    return done ? (ssize_t)done : err;
}

static unsigned int pipe_poll(struct file *f, struct poll_table *pt)
{
    struct pipe *p = f->private_data;
    unsigned mask = 0;
    if (can_read(f)) {
        poll_wait(pt, &p->rd_wait);
        if (used_now(p) > 0)
            mask |= POLLIN | POLLRDNORM;
        if (READ_ONCE(p->writers) == 0 && f->version != READ_ONCE(p->w_counter))
            mask |= POLLHUP;
    }
    if (can_write(f)) {
        poll_wait(pt, &p->wr_wait);
        if (capacity_now(p) - used_now(p) >= MIN(PIPE_BUF, capacity_now(p)))
            mask |= POLLOUT | POLLWRNORM;
        if (READ_ONCE(p->readers) == 0)
            mask |= POLLERR;
    }
    return mask;
}

static long pipe_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
    struct pipe *p = f->private_data;
    if (cmd == FIONREAD) {
        mutex_lock(&p->mu);
        int n = (int)pipe_ring_bytes(&p->ring);    /* packets' padding left out */
        mutex_unlock(&p->mu);
        return copy_to_user((void __user *)arg, &n, sizeof(n));
    }
    return -ENOTTY;
}

/* The ring's pages, and its page array if F_SETPIPE_SZ made one. */
static void pipe_ring_free(struct pipe *p)
{
    uint8_t **array = p->ring.pages;
    pipe_ring_release(&p->ring);
    if (array != p->ring.slots) {
        kfree(array);
        p->ring.pages = p->ring.slots;
        p->ring.npages = PIPE_PAGES;
    }
}

/* Drops the ends a file with access mode `acc` holds; true when none is
 * left (a FIFO's node has then let go of the pipe). */
static bool drop_ends(struct pipe *p, int acc)
{
    bool fifo = p->fifo != NULL;
    if (fifo)
        spin_lock(&fifo_lock);
    spin_lock(&p->lock);
    if (acc != O_WRONLY)
        p->readers--;
    if (acc != O_RDONLY)
        p->writers--;
    bool last = p->readers == 0 && p->writers == 0;
    if (last && fifo)
        p->fifo->fifo = NULL;
    if (!last) {
        /* Wake the other side (EOF for readers, EPIPE for writers) before
         * unlocking: once the lock is dropped the other end may close too,
         * see itself last and free the pipe. */
        waitq_wake_all(&p->rd_wait);
        waitq_wake_all(&p->wr_wait);
    }
    spin_unlock(&p->lock);
    if (fifo)
        spin_unlock(&fifo_lock);
    return last;
}

static void pipe_release(struct file *f)
{
    struct pipe *p = f->private_data;
    if (!drop_ends(p, f->flags & O_ACCMODE))
        return;
    pipe_ring_free(p);
    if (p->fifo)
        kfree(p);       /* a pipe(2) pipe's struct goes with its vnodes */
}

/* An end opened again by path (/proc/<pid>/fd/N): -ENXIO once every end
 * is closed (the ring is gone). */
static int pipe_open(struct vnode *v, struct file *f)
{
    struct pipe *p = f->private_data;
    int err = 0;
    spin_lock(&p->lock);
    if (p->readers == 0 && p->writers == 0)
        err = -ENXIO;
    else {
        p->readers += can_read(f);
        p->writers += can_write(f);
    }
    spin_unlock(&p->lock);
    return err;
}

/* O_ASYNC: a reading end on the readers' list, a writing end on the writers'. */
static int pipe_fasync(struct file *f, int fd, bool on)
{
    struct pipe *p = f->private_data;
    int err = can_read(f) ? fasync_helper(&p->fasync_readers, f, fd, on) : 0;
    if (!err && can_write(f)) {
        err = fasync_helper(&p->fasync_writers, f, fd, on);
        if (err && can_read(f))
            fasync_helper(&p->fasync_readers, f, fd, false);
    }
    return err;
}

static const struct file_ops pipe_fops = {
    .open = pipe_open,
    .read = pipe_read,
    .write = pipe_write,
    .poll = pipe_poll,
    .ioctl = pipe_ioctl,
    .release = pipe_release,
    .fasync = pipe_fasync,
};

static void pipe_vnode_destroy(struct vnode *v)
{
    struct pipe *p = v->fops_priv;
    spin_lock(&p->lock);
    bool last = --p->vnodes == 0;
    spin_unlock(&p->lock);
    if (last)
        kfree(p);           /* both ends closed before: the file holds its vnode */
}

static const struct vnode_ops pipe_vnode_ops = {.destroy = pipe_vnode_destroy};

/* Makes the end's vnode openable by path and part of the pipe's lifetime. */
static void pipe_adopt_vnode(struct pipe *p, struct file *f)
{
    f->vnode->ops = &pipe_vnode_ops;
    f->vnode->fops = &pipe_fops;
    f->vnode->fops_priv = p;
    p->vnodes++;
}

static struct pipe *pipe_alloc(void)
{
    struct pipe *p = kzalloc(sizeof(*p));
    if (!p)
        return NULL;
    mutex_init(&p->mu, "pipe");
    spin_init(&p->lock, "pipe");
    waitq_init(&p->rd_wait);
    waitq_init(&p->wr_wait);
    fasync_list_init(&p->fasync_readers);
    fasync_list_init(&p->fasync_writers);
    pipe_ring_init(&p->ring, pipe_page_alloc, pipe_page_free, p);
    p->r_counter = p->w_counter = 1;
    return p;
}

/* A FIFO's open: find the node's pipe or make one, count the new ends, and
 * wait for the other side if Linux would (see the top of the file). */
static int fifo_open(struct vnode *v, struct file *f)
{
    struct pipe *p, *fresh = NULL;
    for (;;) {
        spin_lock(&fifo_lock);
        if ((p = v->fifo) || fresh)
            break;
        spin_unlock(&fifo_lock);
        if (!(fresh = pipe_alloc()))
            return -ENOMEM;
    }
    if (!p) {
        p = v->fifo = fresh;
        p->fifo = v;
        fresh = NULL;
    }
    int acc = f->flags & O_ACCMODE;
    bool nonblock = f->flags & O_NONBLOCK;
    struct waitq *wq = NULL;
    unsigned long *counter = NULL, seen = 0;
    bool unused = false;
    int err = 0;
    spin_lock(&p->lock);
    if (acc == O_WRONLY && nonblock && p->readers == 0) {
        err = -ENXIO;
        if (p->writers == 0) {          /* made for this open: nobody else has it */
            v->fifo = NULL;
            unused = true;
        }
    } else {
        if (acc != O_WRONLY) {
            p->readers++;
            p->r_counter++;
        }
        if (acc != O_RDONLY) {
            p->writers++;
            p->w_counter++;
        }
        if (acc == O_RDONLY && p->writers == 0) {
            if (nonblock)
                f->version = p->w_counter;      /* no POLLHUP until a writer comes */
            else {
                wq = &p->rd_wait;
                counter = &p->w_counter;
                seen = p->w_counter;
            }
        } else if (acc == O_WRONLY && p->readers == 0) {
            wq = &p->wr_wait;
            counter = &p->r_counter;
            seen = p->r_counter;
        }
        waitq_wake_all(&p->rd_wait);    /* a partner waiting in open */
        waitq_wake_all(&p->wr_wait);
    }
    spin_unlock(&p->lock);
    spin_unlock(&fifo_lock);
    if (fresh)
        kfree(fresh);                   /* another open made the pipe meanwhile */
    if (unused)
        kfree(p);
    if (err)
        return err;
    f->private_data = p;
    if (wq && wait_event_interruptible(*wq, READ_ONCE(*counter) != seen)) {
        if (drop_ends(p, acc)) {
            pipe_ring_free(p);
            kfree(p);
        }
        return -ERESTARTSYS;
    }
    return 0;
}

const struct file_ops fifo_fops = {
    .open = fifo_open,
    .read = pipe_read,
    .write = pipe_write,
    .poll = pipe_poll,
    .ioctl = pipe_ioctl,
    .release = pipe_release,
    .fasync = pipe_fasync,
};

/* /proc/sys/fs/pipe-max-size: a power of two of pages, as Linux rounds it. */
static unsigned int pipe_max_size = PIPE_MAX_SIZE_DEFAULT;

/* Linux's round_pipe_size: a power of two of pages, at least one; 0 beyond 2^31. */
static size_t round_pipe_size(uint64_t size)
{
    if (size > (1U << 31))
        return 0;
    size_t r = PIPE_PAGE_SIZE;
    while (r < size)
        r *= 2;
    return r;
}

static int pipe_max_read(char *buf, size_t n)
{
    return snprintf(buf, n, "%u", READ_ONCE(pipe_max_size));
}

static int pipe_max_write(const char *val, size_t len)
{
    int64_t v;
    if (!sysctl_parse_i64(val, &v) || v < 0)
        return -EINVAL;
    size_t r = round_pipe_size((uint64_t)v);
    if (!r)
        return -EINVAL;
    WRITE_ONCE(pipe_max_size, (unsigned int)r);
    return 0;
}

const struct sysctl_entry pipe_sysctls[] = {
    { "fs/pipe-max-size", pipe_max_read, pipe_max_write },
    { NULL, NULL, NULL },
};

/* F_SETPIPE_SZ: Linux's rounding (EINVAL beyond 2^31); growing past
 * pipe-max-size needs CAP_SYS_RESOURCE (EPERM), and even then stops at
 * PIPE_ROOT_MAX_PAGES (ENOMEM). */
static long pipe_set_size(struct pipe *p, unsigned int arg)
{
    size_t bytes = round_pipe_size(arg);
    if (!bytes)
        return -EINVAL;
    size_t pages = bytes / PIPE_PAGE_SIZE;
    if (pages > READ_ONCE(p->ring.npages) && bytes > READ_ONCE(pipe_max_size) && !capable(CAP_SYS_RESOURCE))
        return -EPERM;
    if (pages > PIPE_ROOT_MAX_PAGES)
        return -ENOMEM;
    uint8_t **array = NULL;
    if (pages > PIPE_PAGES && !(array = kzalloc(PIPE_RING_ARRAY_BYTES(pages))))
        return -ENOMEM;
    mutex_lock(&p->mu);
    long r = (long)(pages * PIPE_PAGE_SIZE);
    if (pages != p->ring.npages) {
        uint8_t **old = p->ring.pages;
        if (!pipe_ring_resize(&p->ring, array ? array : p->ring.slots, pages)) {
            r = -EBUSY;
        } else {
            if (old != p->ring.slots)
                kfree(old);
            array = NULL;
        }
    }
    mutex_unlock(&p->mu);
    kfree(array);
    if (r > 0)
        waitq_wake_all(&p->wr_wait);    /* there may be more room */
    return r;
}

long pipe_fcntl(struct file *f, int cmd, unsigned long arg)
{
    if (f->ops != &pipe_fops && f->ops != &fifo_fops)
        return -EBADF;
    struct pipe *p = f->private_data;
    if (cmd == F_GETPIPE_SZ)
        return (long)capacity_now(p);
    return pipe_set_size(p, (unsigned int)arg);
}

int pipe_create(int flags, struct file **rd, struct file **wr)
{
    struct pipe *p = pipe_alloc();
    if (!p)
        return -ENOMEM;

    int nb = flags & O_NONBLOCK;
    p->readers = 1;
    *rd = file_alloc(&pipe_fops, p, O_RDONLY | nb);
    if (!*rd) {
        kfree(p);
        return -ENOMEM;
    }
    pipe_adopt_vnode(p, *rd);
    p->writers = 1;
    *wr = file_alloc(&pipe_fops, p, O_WRONLY | nb | (flags & O_DIRECT));   /* packet mode: the writer's */
    if (!*wr) {
        p->writers = 0;
        file_put(*rd);          /* last end and last vnode: frees the pipe */
        return -ENOMEM;
    }
    pipe_adopt_vnode(p, *wr);
    return 0;
}

/* ---- splice and tee (kernel/syscall/sys_splice.c) ----
 * The data moves between the ring's pages and the other side with one
 * copy, under the pipe's mu (held while the other side is read or
 * written, as Linux holds the pipe lock).  Waiting is read's and write's:
 * for data (EOF once the writers are gone), or for room (EPIPE and SIGPIPE
 * once the readers are gone). */

bool file_is_pipe(const struct file *f) { return f->ops == &pipe_fops || f->ops == &fifo_fops; }

/* Waits until p holds data (1), has no writer left (0), or the wait ends:
 * -EAGAIN without blocking, -ERESTARTSYS. */
static int wait_data(struct pipe *p, bool nonblock)
{
    while (used_now(p) == 0) {
        if (READ_ONCE(p->writers) == 0)
            return 0;
        if (nonblock)
            return -EAGAIN;
        int err = wait_event_interruptible(p->rd_wait, used_now(p) > 0 || READ_ONCE(p->writers) == 0);
        if (err)
            return err;
    }
    return 1;
}

/* Waits until p has room (0) or the wait ends: -EPIPE (SIGPIPE sent) with
 * no reader left, -EAGAIN, -ERESTARTSYS. */
static int wait_room(struct pipe *p, bool nonblock)
{
    for (;;) {
        if (READ_ONCE(p->readers) == 0) {
            signal_send(current, SIGPIPE, NULL);
            return -EPIPE;
        }
        if (capacity_now(p) > used_now(p))
            return 0;
        if (nonblock)
            return -EAGAIN;
        int err = wait_event_interruptible(p->wr_wait, READ_ONCE(p->readers) == 0 || capacity_now(p) > used_now(p));
        if (err)
            return err;
    }
}

long pipe_splice_out(struct file *pf, size_t len, bool nonblock, long (*sink)(void *, const void *, size_t),
                        void *ctx)
{
    struct pipe *p = pf->private_data;
    for (;;) {
        int ready = wait_data(p, nonblock);
        if (ready <= 0)
            return ready;
        mutex_lock(&p->mu);
        size_t done = 0;
        ssize_t err = 0;
        while (done < len) {
            uint8_t *src;
            size_t k = pipe_ring_read_span(&p->ring, &src);
            if (k == 0)
                break;
            size_t want = MIN(k, len - done);
            long n = sink(ctx, src, want);
            if (n <= 0) {
                err = n;
                break;
            }
            pipe_ring_consume(&p->ring, (size_t)n);
            done += (size_t)n;
            if ((size_t)n < want)
                break;                  /* the other side took less */
        }
        if (done)
            note_io(p, false);
        mutex_unlock(&p->mu);
        if (done) {
            waitq_wake_all(&p->wr_wait);
            return (ssize_t)done;
        }
        if (err)
            return err;
        /* another reader took the data first: wait again */
    }
}

long pipe_splice_in(struct file *pf, size_t len, bool nonblock, long (*source)(void *, void *, size_t),
                       void *ctx)
{
    struct pipe *p = pf->private_data;
    for (;;) {
        int err = wait_room(p, nonblock);
        if (err)
            return err;
        mutex_lock(&p->mu);
        size_t done = 0;
        ssize_t r = 0;
        while (done < len) {
            uint8_t *dst;
            size_t k = pipe_ring_write_span(&p->ring, &dst);
            if (k == 0) {
                if (!dst && pipe_ring_space(&p->ring) > 0)
                    r = -ENOMEM;
                break;
            }
            k = MIN(k, len - done);
            long n = source(ctx, dst, k);
            if (n <= 0) {
                r = n;
                break;
            }
            pipe_ring_commit(&p->ring, (size_t)n);
            done += (size_t)n;
            if ((size_t)n < k)
                break;                  /* a short read: the end of the input, for now */
        }
        bool full_again = done == 0 && r == 0 && pipe_ring_space(&p->ring) == 0;
        if (done)
            note_io(p, true);
        mutex_unlock(&p->mu);
        if (done)
            waitq_wake_all(&p->rd_wait);
        if (!full_again)
            return done ? (ssize_t)done : r;
        /* another writer filled it first: wait again */
    }
}

/* Locks two pipes' mu in a fixed order (by address). */
static void lock_two(struct pipe *a, struct pipe *b)
{
    mutex_lock(a < b ? &a->mu : &b->mu);
    mutex_lock(a < b ? &b->mu : &a->mu);
}

long pipe_splice_pipe(struct file *in, struct file *out, size_t len, bool nonblock, bool tee)
{
    struct pipe *ip = in->private_data, *op = out->private_data;
    for (;;) {
        int ready = wait_data(ip, nonblock);
        if (ready <= 0)
            return ready;
        int err = wait_room(op, nonblock);
        if (err)
            return err;
        lock_two(ip, op);
        size_t done = 0, pos = ip->ring.head;
        while (done < len && pipe_ring_space(&op->ring) > 0) {
            uint8_t *src;
            size_t next, k = pipe_ring_span_at(&ip->ring, pos, &src, &next);
            if (k == 0)
                break;
            k = MIN(k, len - done);
            size_t n = pipe_ring_put(&op->ring, src, k);
            if (n == 0)
                break;
            if (tee)
                pos = n == next - pos ? next : pos + n;
            else
                pipe_ring_consume(&ip->ring, n);
            done += n;
            if (n < k)
                break;
        }
        if (done) {
            note_io(op, true);
            if (!tee)
                note_io(ip, false);
        }
        mutex_unlock(&ip->mu);
        mutex_unlock(&op->mu);
        if (done) {
            waitq_wake_all(&op->rd_wait);
            if (!tee)
                waitq_wake_all(&ip->wr_wait);
            return (ssize_t)done;
        }
        /* the data or the room went to another task first: wait again */
    }
}
