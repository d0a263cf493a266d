/*
 * eventfd(284), eventfd2(290): a 64-bit counter behind a descriptor, for
 * one task (or the kernel) to signal events to another.
 *
 * A write adds its 8-byte value to the counter; a read takes the whole
 * count and leaves 0, or with EFD_SEMAPHORE takes 1.  The counter never
 * reaches 2^64-1: a write that would get there waits until readers have
 * taken enough (EAGAIN with O_NONBLOCK), and the value 2^64-1 itself is
 * EINVAL.  A read of an empty counter waits (EAGAIN with O_NONBLOCK).
 * A read needs 8 bytes of buffer (EINVAL below) and moves 8; a write must
 * be exactly 8 bytes (EINVAL otherwise, since Linux 6.6).
 * Readable when the count is above 0, writable while a write of 1 would
 * not wait.
 *
 * Locking: `lock` protects count; wakers drop it first.  `wait` holds the
 * readers, writers and pollers alike: each wake-up tells them all to look.
 */
#include <fs/poll.h>
#include <fs/vfs.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/signal.h>

#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC O_CLOEXEC
#define EFD_NONBLOCK O_NONBLOCK
#define EVENTFD_MAX UINT64_MAX      /* the count stays below it */

struct eventfd {
    struct spinlock lock;
    uint64_t count;                 /* under lock */
    bool semaphore;                 /* immutable */
    struct waitq wait;
};

static struct superblock eventfd_sb = ANON_SUPERBLOCK("eventfd");

/* Takes what a read takes (0: nothing there). */
static uint64_t take(struct eventfd *e)
{
    spin_lock(&e->lock);
    uint64_t v = e->count;
    if (v && e->semaphore)
        v = 1;
    e->count -= v;
    spin_unlock(&e->lock);
    return v;
}

/* Adds v if the counter has room for it; false if it must wait. */
static bool add(struct eventfd *e, uint64_t v)
{
    spin_lock(&e->lock);
    bool room = EVENTFD_MAX - e->count > v;
    if (room)
        e->count += v;
    spin_unlock(&e->lock);
    return room;
}

static ssize_t eventfd_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct eventfd *e = f->private_data;
    if (len < sizeof(uint64_t))
        return -EINVAL;
    uint64_t v;
    for (;;) {
        v = take(e);
        if (v)
            break;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        int err = wait_event_interruptible(e->wait, READ_ONCE(e->count) != 0);
        if (err)
            return err;
    }
    waitq_wake_all(&e->wait);       /* room for writers */
    if (iob_copy_to(buf, 0, &v, sizeof(v)))
        return -EFAULT;             /* Linux too has taken the count by then */
    return sizeof(v);
}

static ssize_t eventfd_write(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct eventfd *e = f->private_data;
    uint64_t v;
    if (len != sizeof(v))
        return -EINVAL;
    if (iob_copy_from(&v, buf, 0, sizeof(v)))
        return -EFAULT;
    if (v == EVENTFD_MAX)
        return -EINVAL;
    while (!add(e, v)) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        int err = wait_event_interruptible(e->wait, EVENTFD_MAX - READ_ONCE(e->count) > v);
        if (err)
            return err;
    }
    if (v)
        waitq_wake_all(&e->wait);
    return sizeof(v);
}

static unsigned int eventfd_poll(struct file *f, struct poll_table *pt)
{
    struct eventfd *e = f->private_data;
    poll_wait(pt, &e->wait);
    uint64_t c = READ_ONCE(e->count);
    unsigned mask = 0;             /* no RDNORM/WRNORM, as Linux */
    if (c > 0)
        mask |= POLLIN;
    if (c < EVENTFD_MAX - 1)
        mask |= POLLOUT;
    return mask;
}

static void eventfd_release(struct file *f)
{
    kfree(f->private_data);
}

static const struct file_ops eventfd_fops = {
    .read = eventfd_read,
    .write = eventfd_write,
    .poll = eventfd_poll,
    .lseek = noop_lseek,
    .release = eventfd_release,
};

static long do_eventfd(unsigned int initval, long flags)
{
    if (flags & ~(long)(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
        return -EINVAL;
    struct eventfd *e = kzalloc(sizeof(*e));
    if (!e)
        return -ENOMEM;
    spin_init(&e->lock, "eventfd");
    e->count = initval;
    e->semaphore = flags & EFD_SEMAPHORE;
    waitq_init(&e->wait);
    return anon_fd_install(&eventfd_sb, &eventfd_fops, e, (int)flags);
}

static long sys_eventfd2(unsigned long initval, long flags) { return do_eventfd((unsigned int)initval, flags); }
SYSCALL_DEFINE(290, eventfd2);

static long sys_eventfd(unsigned long initval) { return do_eventfd((unsigned int)initval, 0); }
SYSCALL_DEFINE(284, eventfd);
