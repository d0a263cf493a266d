/*
 * Reading the kernel log: syslog(2) (busybox dmesg, klogctl), /dev/kmsg
 * (util-linux dmesg, one record per read) and /proc/sys/kernel/printk.  The
 * log itself, its ring and the console are kernel/log.c.
 *
 * syslog(2), as Linux 6:
 *   0 CLOSE, 1 OPEN           nothing, 0
 *   2 READ                    waits for an unread record, then returns as
 *                             many whole records as fit, in the syslog form
 *                             "<prio>[sssss.uuuuuu] text\n", and consumes
 *                             them; a record larger than the buffer comes in
 *                             pieces over several calls
 *   3 READ_ALL, 4 READ_CLEAR  the newest records since the clear point that
 *                             fit (whole); 4 then moves the clear point past
 *                             them
 *   5 CLEAR                   the clear point moves to the end
 *   6 CONSOLE_OFF, 7 ON       console level to 1 and back
 *   8 CONSOLE_LEVEL           console level len (1..8)
 *   9 SIZE_UNREAD             bytes READ would return now
 *  10 SIZE_BUFFER             the ring's size
 * EINVAL for another type, a NULL buffer or a negative length; EFAULT for
 * a buffer outside user space or one the copy faults on.  Everything needs
 * euid 0, as on a Linux with dmesg_restrict=1 (Debian's default).
 *
 * /dev/kmsg (1, 11): each open file has its own position, starting at the
 * oldest record.  read returns one record, "prio,seq,usec,-;text\n" with
 * unprintable bytes as \xNN; EINVAL if it does not fit (the record is
 * skipped, as on Linux), EPIPE once if records were overwritten before they
 * were read (the position moves to the oldest one), EAGAIN at the end with
 * O_NONBLOCK, otherwise it waits.  lseek(fd, 0, SEEK_SET) goes to the oldest
 * record, SEEK_END past the newest, SEEK_DATA to the syslog clear point;
 * another offset is ESPIPE, another whence EINVAL.  write stores one record
 * (at most LOG_TEXT_MAX bytes, else EINVAL; the text ends at a NUL),
 * facility user and level 4 unless the text starts with "<N>" (level N & 7,
 * facility N >> 3 if not 0).  poll: POLLIN when a record is there,
 * POLLERR|POLLPRI too if some were lost.  Differences: Linux drops writes
 * beyond 10 per 5 s per open file (printk_devkmsg=ratelimit), and shows a
 * written message that does not end in a newline only once the next one
 * arrives; Tessera keeps every write and shows it at once.
 */
#include <fs/poll.h>
#include <fs/vfs.h>
#include <kernel/log.h>
#include <kernel/mutex.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/cred.h>
#include <proc/signal.h>

enum {
    SYSLOG_CLOSE, SYSLOG_OPEN, SYSLOG_READ, SYSLOG_READ_ALL, SYSLOG_READ_CLEAR, SYSLOG_CLEAR,
    SYSLOG_CONSOLE_OFF, SYSLOG_CONSOLE_ON, SYSLOG_CONSOLE_LEVEL, SYSLOG_SIZE_UNREAD, SYSLOG_SIZE_BUFFER,
};

/* --- protected by log_lock --- */
static struct log_pos clear_pos;        /* syslog CLEAR / READ_CLEAR, /dev/kmsg SEEK_DATA */
static struct log_pos syslog_pos;       /* syslog READ: the next record to return */
static size_t syslog_partial;           /* bytes of it already returned */
static int saved_console_level = -1;    /* CONSOLE_OFF's, until CONSOLE_ON */

/* syslog READ: one reader at a time moves syslog_pos and syslog_partial
 * (it copies to user memory, so it cannot hold the spinlock). */
static struct mutex syslog_mu;

/* One record copied out of the ring, to be formatted without the lock. */
struct log_snap {
    struct log_rec rec;
    uint64_t seq;
    char text[LOG_TEXT_MAX];
};

/* Copies the record at *p into s; false at the end.  log_lock held, *p
 * valid (clamped). */
static bool snap(const struct log_pos *p, struct log_snap *s)
{
    const struct log_rec *r = logbuf_at(&log_ring, p);
    if (!r)
        return false;
    s->rec = *r;
    s->seq = p->seq;
    memcpy(s->text, log_rec_text(r), r->text_len);
    return true;
}

static size_t syslog_size(const struct log_rec *r, const char *text)
{
    return log_format_lines(r, text, true, "\n", NULL, NULL);
}

/* Formatted text to a reader's buffer: the bytes from `skip` on, at most `room`. */
struct uout {
    struct iobuf buf;
    size_t skip, room, done;
    bool fault;
};

static void uout_emit(void *ctx, const char *s, size_t n)
{
    struct uout *o = ctx;
    size_t k = MIN(o->skip, n);
    s += k;
    n -= k;
    o->skip -= k;
    n = MIN(n, o->room - o->done);
    if (!n || o->fault)
        return;
    if (iob_copy_to(o->buf, o->done, s, n))
        o->fault = true;
    else
        o->done += n;
}

/* Sleeps until the record at *p exists or was overwritten (the position is
 * read under log_lock), or a signal comes: 0 or -ERESTARTSYS. */
static int wait_for_record(const struct log_pos *p)
{
    struct wait_entry w;
    int err = 0;
    for (;;) {
        prepare_to_wait(&log_wait, &w);
        spin_lock(&log_lock);
        bool there = p->seq < log_ring.next.seq;
        spin_unlock(&log_lock);
        if (there)
            break;
        if (signal_pending(current)) {
            err = -ERESTARTSYS;
            break;
        }
        schedule_until(time_ns() + LOG_READER_RECHECK_MS * NSEC_PER_MSEC);
    }
    finish_wait(&log_wait, &w);
    return err;
}

/* ---------------------------------------------------------------- syslog(2) */

static long syslog_read(char __user *buf, size_t len, struct log_snap *s)
{
    size_t done = 0;
    long err = 0;
    for (;;) {
        err = wait_for_record(&syslog_pos);
        if (err)
            return err;
        mutex_lock(&syslog_mu);
        spin_lock(&log_lock);
        if (logbuf_clamp(&log_ring, &syslog_pos))
            syslog_partial = 0;
        bool there = syslog_pos.seq < log_ring.next.seq;
        spin_unlock(&log_lock);
        if (there)
            break;
        mutex_unlock(&syslog_mu);       /* another reader took it */
    }
    while (done < len) {
        spin_lock(&log_lock);
        if (logbuf_clamp(&log_ring, &syslog_pos))
            syslog_partial = 0;
        bool got = snap(&syslog_pos, s);
        spin_unlock(&log_lock);
        if (!got)
            break;
        size_t n = syslog_size(&s->rec, s->text), skip = syslog_partial, take;
        if (n - skip <= len - done)
            take = n - skip;
        else if (done == 0)
            take = len;                     /* a piece of a record too large for the buffer */
        else
            break;
        struct uout o = { iob_user(buf + done), skip, take, 0, false };
        log_format_lines(&s->rec, s->text, true, "\n", uout_emit, &o);
        spin_lock(&log_lock);
        if (logbuf_clamp(&log_ring, &syslog_pos) || syslog_pos.seq != s->seq) {
            syslog_partial = 0;             /* overwritten meanwhile: start again at the oldest */
        } else if (skip + take == n) {
            logbuf_step(&log_ring, &syslog_pos);
            syslog_partial = 0;
        } else {
            syslog_partial = skip + take;
        }
        spin_unlock(&log_lock);
        if (o.fault) {
            if (!done)
                err = -EFAULT;
            break;
        }
        done += take;
    }
    mutex_unlock(&syslog_mu);
    return done ? (long)done : err;
}

static long syslog_read_all(char __user *buf, size_t len, bool clear, struct log_snap *s)
{
    /* the newest records since the clear point whose text fits, whole */
    spin_lock(&log_lock);
    logbuf_clamp(&log_ring, &clear_pos);
    struct log_pos p = clear_pos, q = clear_pos;
    size_t total = 0;
    for (const struct log_rec *r; (r = logbuf_at(&log_ring, &q)); logbuf_step(&log_ring, &q))
        total += syslog_size(r, log_rec_text(r));
    for (const struct log_rec *r; total > len && (r = logbuf_at(&log_ring, &p)); logbuf_step(&log_ring, &p))
        total -= syslog_size(r, log_rec_text(r));
    spin_unlock(&log_lock);

    size_t done = 0;
    long err = 0;
    for (;;) {
        spin_lock(&log_lock);
        logbuf_clamp(&log_ring, &p);
        bool got = snap(&p, s);
        spin_unlock(&log_lock);
        if (!got)
            break;
        size_t n = syslog_size(&s->rec, s->text);
        if (n > len - done)
            break;                          /* records came meanwhile */
        struct uout o = { iob_user(buf + done), 0, n, 0, false };
        log_format_lines(&s->rec, s->text, true, "\n", uout_emit, &o);
        if (o.fault) {
            err = -EFAULT;
            break;
        }
        done += n;
        spin_lock(&log_lock);
        if (!logbuf_clamp(&log_ring, &p))
            logbuf_step(&log_ring, &p);
        spin_unlock(&log_lock);
    }
    if (clear) {
        spin_lock(&log_lock);
        if (p.seq > clear_pos.seq)
            clear_pos = p;
        spin_unlock(&log_lock);
    }
    return err ? err : (long)done;
}

static long syslog_size_unread(void)
{
    spin_lock(&log_lock);
    if (logbuf_clamp(&log_ring, &syslog_pos))
        syslog_partial = 0;
    size_t total = 0;
    struct log_pos q = syslog_pos;
    for (const struct log_rec *r; (r = logbuf_at(&log_ring, &q)); logbuf_step(&log_ring, &q))
        total += syslog_size(r, log_rec_text(r));
    total -= syslog_partial;
    spin_unlock(&log_lock);
    return (long)total;
}

static void set_console(int level, int saved)
{
    log_set_console_level(level);
    saved_console_level = saved;
}

static long sys_syslog(long type_arg, char __user *buf, long len_arg)
{
    int type = (int)type_arg, len = (int)len_arg;
    if (!capable(CAP_SYSLOG))
        return -EPERM;
    switch (type) {
    case SYSLOG_CLOSE:
    case SYSLOG_OPEN:
        return 0;
    case SYSLOG_READ:
    case SYSLOG_READ_ALL:
    case SYSLOG_READ_CLEAR: {
        if (!buf || len < 0)
            return -EINVAL;
        if (!len)
            return 0;
        uint64_t a = (uint64_t)buf;
        if (a + (uint64_t)len < a || a + (uint64_t)len > USER_TOP)
            return -EFAULT;
        struct log_snap *s = kmalloc(sizeof(*s));
        if (!s)
            return -ENOMEM;
        long r = type == SYSLOG_READ ? syslog_read(buf, (size_t)len, s)
                                     : syslog_read_all(buf, (size_t)len, type == SYSLOG_READ_CLEAR, s);
        kfree(s);
        return r;
    }
    case SYSLOG_CLEAR:
        spin_lock(&log_lock);
        clear_pos = log_ring.next;
        spin_unlock(&log_lock);
        return 0;
    case SYSLOG_CONSOLE_OFF:
        spin_lock(&log_lock);
        set_console(LOG_CONSOLE_MIN, saved_console_level < 0 ? log_console_level() : saved_console_level);
        spin_unlock(&log_lock);
        return 0;
    case SYSLOG_CONSOLE_ON:
        spin_lock(&log_lock);
        if (saved_console_level >= 0)
            set_console(saved_console_level, -1);
        spin_unlock(&log_lock);
        return 0;
    case SYSLOG_CONSOLE_LEVEL:
        if (len < 1 || len > 8)
            return -EINVAL;
        spin_lock(&log_lock);
        set_console(MAX(len, LOG_CONSOLE_MIN), -1);
        spin_unlock(&log_lock);
        return 0;
    case SYSLOG_SIZE_UNREAD:
        return syslog_size_unread();
    case SYSLOG_SIZE_BUFFER:
        return LOG_BUF_SIZE;
    default:
        return -EINVAL;
    }
}
SYSCALL_DEFINE(103, syslog);

/* ---------------------------------------------------------------- /dev/kmsg */

struct kmsg_file {
    struct log_pos pos;         /* the next record to read; under log_lock */
};

static int kmsg_open(struct vnode *v, struct file *f)
{
    if ((f->flags & O_ACCMODE) != O_WRONLY && !capable(CAP_SYSLOG))
        return -EPERM;                      /* reading the log needs root */
    struct kmsg_file *k = kmalloc(sizeof(*k));
    if (!k)
        return -ENOMEM;
    spin_lock(&log_lock);
    k->pos = log_ring.first;
    spin_unlock(&log_lock);
    f->private_data = k;
    return 0;
}

static void kmsg_release(struct file *f) { kfree(f->private_data); }

static ssize_t kmsg_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct kmsg_file *k = f->private_data;
    struct log_snap *s = kmalloc(sizeof(*s));
    if (!s)
        return -ENOMEM;
    ssize_t r;
    for (;;) {
        spin_lock(&log_lock);
        bool lost = logbuf_clamp(&log_ring, &k->pos);
        bool got = !lost && snap(&k->pos, s);
        if (got)
            logbuf_step(&log_ring, &k->pos);
        spin_unlock(&log_lock);
        if (lost) {
            r = -EPIPE;
            goto out;
        }
        if (got)
            break;
        if (f->flags & O_NONBLOCK) {
            r = -EAGAIN;
            goto out;
        }
        r = wait_for_record(&k->pos);
        if (r)
            goto out;
    }
    size_t n = log_format_kmsg(&s->rec, s->text, s->seq, NULL, NULL);
    if (n > len) {
        r = -EINVAL;
        goto out;
    }
    struct uout o = { buf, 0, n, 0, false };
    log_format_kmsg(&s->rec, s->text, s->seq, uout_emit, &o);
    r = o.fault ? -EFAULT : (ssize_t)n;
out:
    kfree(s);
    return r;
}

static ssize_t kmsg_write(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    if (len > LOG_TEXT_MAX)
        return -EINVAL;
    char *text = kmalloc(len + 1);
    if (!text)
        return -ENOMEM;
    if (iob_copy_from(text, buf, 0, len)) {
        kfree(text);
        return -EFAULT;
    }
    text[len] = 0;
    int level = LOG_USER_DEFAULT, facility = LOG_FAC_USER;
    char *t = text;
    if (t[0] == '<') {
        /* "<N>": as Linux's simple_strtoul, digits only, possibly none */
        uint32_t u = 0;
        char *e = t + 1;
        while (*e >= '0' && *e <= '9')
            u = u * 10 + (uint32_t)(*e++ - '0');
        if (*e == '>') {
            level = u & 7;
            if ((u >> 3) & 0xff)
                facility = (u >> 3) & 0xff;
            t = e + 1;
        }
    }
    size_t n = strlen(t);                   /* Linux stores the text up to a NUL */
    if (n && t[n - 1] == '\n')
        n--;
    log_store(facility, level, t, n);
    kfree(text);
    return (ssize_t)len;
}

static off_t kmsg_lseek(struct file *f, off_t off, int whence)
{
    struct kmsg_file *k = f->private_data;
    if (off)
        return -ESPIPE;
    off_t r = 0;
    spin_lock(&log_lock);
    switch (whence) {
    case SEEK_SET:
        k->pos = log_ring.first;
        break;
    case SEEK_DATA:                         /* as `dmesg -c` left it */
        logbuf_clamp(&log_ring, &clear_pos);
        k->pos = clear_pos;
        break;
    case SEEK_END:
        k->pos = log_ring.next;
        break;
    default:
        r = -EINVAL;
    }
    spin_unlock(&log_lock);
    return r;
}

static unsigned int kmsg_poll(struct file *f, struct poll_table *pt)
{
    struct kmsg_file *k = f->private_data;
    poll_wait(pt, &log_wait);
    unsigned mask = 0;
    spin_lock(&log_lock);
    if (k->pos.seq < log_ring.first.seq)
        mask = POLLIN | POLLRDNORM | POLLERR | POLLPRI;
    else if (k->pos.seq < log_ring.next.seq)
        mask = POLLIN | POLLRDNORM;
    spin_unlock(&log_lock);
    return mask;
}

static const struct file_ops kmsg_fops = {
    .open = kmsg_open,
    .read = kmsg_read,
    .write = kmsg_write,
    .lseek = kmsg_lseek,
    .poll = kmsg_poll,
    .release = kmsg_release,
};

/* ---------------------------------------------------------------- /proc/sys/kernel/printk */

/* "console default-message minimum-console default-console", as Linux. */
static int printk_read(char *buf, size_t n)
{
    return snprintf(buf, n, "%d\t%d\t%d\t%d", log_console_level(), LOG_USER_DEFAULT, LOG_CONSOLE_MIN,
                    LOG_CONSOLE_DEFAULT);
}

/* Only the first figure, the console level, can change here. */
static int printk_write(const char *val, size_t len)
{
    int level = 0;
    const char *p = val;
    if (*p < '0' || *p > '9')
        return -EINVAL;
    while (*p >= '0' && *p <= '9' && level < 100)
        level = level * 10 + (*p++ - '0');
    if (*p && *p != ' ' && *p != '\t')
        return -EINVAL;
    log_set_console_level(level);
    return 0;
}

const struct sysctl_entry kmsg_sysctls[] = {
    { "printk", printk_read, printk_write },
    { NULL, NULL, NULL },
};

void kmsg_init(void)
{
    mutex_init(&syslog_mu, "syslog");
    int err = devfs_register_dev("kmsg", 0644, MKDEV(1, 11), &kmsg_fops, NULL);
    if (err)
        kprintf(KERN_ERR "kmsg: cannot register /dev/kmsg (%d)\n", err);
}
