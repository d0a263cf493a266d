/*
 * The console terminal: the serial line (COM1) seen through the line
 * discipline (kernel/fs/tty_ldisc.c) as /dev/console, /dev/ttyS0 and, for
 * members of the session it controls, /dev/tty.
 *
 * Input arrives byte by byte from the UART interrupt (tty_console_input);
 * the discipline edits, echoes and queues it, and a signal character is
 * turned into SIGINT/SIGQUIT/SIGTSTP (si_code SI_KERNEL) for the foreground
 * process group.  Readers sleep on read_wait:
 *   - canonical mode: until a whole line (or VEOF) is there; one line per read;
 *   - non-canonical: VMIN/VTIME as POSIX says: MIN=0,TIME=0 polls; MIN=0,
 *     TIME>0 waits up to TIME tenths for any byte; MIN>0,TIME=0 waits for
 *     MIN bytes; MIN>0,TIME>0 waits for the first byte, then until MIN bytes
 *     or TIME tenths without a new byte.
 * Output goes through OPOST processing to the UART, one write(2) at a
 * time (write_mu), in chunks of at most CHUNK bytes, each ending at a
 * newline when it holds one.  A chunk goes out under the tty lock and the
 * console lock (drivers/uart.c), so echo never splits a translated sequence
 * and a kernel log line never lands inside a chunk: at worst between two
 * lines of a long write.  Interrupts stay off for one chunk only.  VSTOP
 * (^S, with IXON) holds writers until VSTART.
 */
#include <drivers/uart.h>
#include <fs/poll.h>
#include <fs/tty.h>
#include <fs/vfs.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/uaccess.h>
#include <proc/signal.h>

_Static_assert(LDISC_SIGINT == SIGINT && LDISC_SIGQUIT == SIGQUIT && LDISC_SIGTSTP == SIGTSTP,
               "line discipline signal numbers are Linux's");

#define CHUNK 128       /* bytes moved per lock hold (stack bounce buffer) */

struct tty tty_console = {
    .lock = SPINLOCK_INIT("tty"),
    .read_wait = WAITQ_INIT(tty_console.read_wait),
    .write_wait = WAITQ_INIT(tty_console.write_wait),
};

/* The discipline's output: every caller of an ldisc function that may
 * produce output (ldisc_write, ldisc_receive's echo) holds the console lock. */
static void console_sink(void *ctx, const char *s, size_t n)
{
    uart_write_locked(s, n);
}

int tty_console_session(void) { return READ_ONCE(tty_console.session); }
int tty_console_fg_pgrp(void) { return READ_ONCE(tty_console.pgrp); }

int tty_signal_target(struct tty *tty)
{
    return tty->session && tty->pgrp ? tty->pgrp : tty->reader_pgrp;
}

void tty_send_signal(int pgrp, int sig)
{
    if (pgrp <= 0)
        return;
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    info.si_signo = sig;
    info.si_code = SI_KERNEL;
    signal_send_pgrp(pgrp, sig, &info);
}

/* ---------------------------------------------------------------- input */

void tty_console_input(uint8_t c)
{
    struct tty *tty = &tty_console;
    if (!READ_ONCE(tty->ready))
        return;
    spin_lock(&tty->lock);
    uart_lock();
    int sig = ldisc_receive(&tty->ld, c);
    uart_unlock();
    int target = tty_signal_target(tty);
    bool readable = ldisc_readable(&tty->ld);
    bool stopped = tty->ld.stopped;
    spin_unlock(&tty->lock);
    if (sig)
        tty_send_signal(target, sig);
    if (readable)
        waitq_wake_all(&tty->read_wait);
    if (!stopped)
        waitq_wake_all(&tty->write_wait);
}

static bool tty_readable(struct tty *tty)
{
    spin_lock(&tty->lock);
    bool r = ldisc_readable(&tty->ld) || tty->hungup;
    spin_unlock(&tty->lock);
    return r;
}

/* Sleeps until input is readable, the deadline passes (0 = none) or a
 * signal arrives.  0, -ETIMEDOUT or -ERESTARTSYS. */
static int wait_input(struct tty *tty, uint64_t deadline)
{
    struct wait_entry w;
    int err = 0;
    for (;;) {
        prepare_to_wait(&tty->read_wait, &w);
        if (tty_readable(tty))
            break;
        if (signal_pending(current)) {
            err = -ERESTARTSYS;
            break;
        }
        if (deadline && time_ns() >= deadline) {
            err = -ETIMEDOUT;
            break;
        }
        schedule_until(deadline);
    }
    finish_wait(&tty->read_wait, &w);
    return err;
}

/* Moves readable input to the user buffer, CHUNK bytes per lock hold.
 * Canonical mode stops at the end of a line.  Returns bytes moved or
 * -EFAULT (nothing moved); *canon reports the mode the data came in. */
static ssize_t take_input(struct tty *tty, struct iobuf buf, size_t len, bool *line_end)
{
    uint8_t kbuf[CHUNK];
    size_t done = 0;
    *line_end = false;
    while (done < len && !*line_end) {
        spin_lock(&tty->lock);
        size_t k = ldisc_read(&tty->ld, kbuf, MIN(len - done, sizeof(kbuf)), line_end);
        spin_unlock(&tty->lock);
        if (k == 0)
            break;
        if (tty->pty)
            waitq_wake_all(&tty->write_wait);      /* room for the master's writes */
        if (iob_copy_to(buf, done, kbuf, k))
            return done ? (ssize_t)done : -EFAULT;
        done += k;
    }
    return (ssize_t)done;
}

static ssize_t read_canonical(struct tty *tty, struct file *f, struct iobuf buf, size_t len)
{
    for (;;) {
        if (tty_readable(tty)) {
            bool line_end;
            return take_input(tty, buf, len, &line_end);   /* 0 = VEOF on an empty line */
        }
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        int err = wait_input(tty, 0);
        if (err)
            return err;
    }
}

static ssize_t read_raw(struct tty *tty, struct file *f, struct iobuf buf, size_t len, uint8_t vmin,
                        uint8_t vtime)
{
    uint64_t tmo = (uint64_t)vtime * 100 * NSEC_PER_MSEC;
    size_t want = vmin ? MIN((size_t)vmin, len) : 0;
    uint64_t deadline = (vmin == 0 && vtime) ? time_ns() + tmo : 0;
    size_t done = 0;
    for (;;) {
        bool line_end;
        ssize_t k = take_input(tty, iob_skip(buf, done), len - done, &line_end);
        if (k < 0)
            return done ? (ssize_t)done : k;
        done += (size_t)k;
        if (done == len || READ_ONCE(tty->hungup))
            return (ssize_t)done;
        if (vmin == 0 && (vtime == 0 || done > 0))
            return (ssize_t)done;
        if (vmin > 0 && done >= want)
            return (ssize_t)done;
        if (vmin > 0 && vtime && k > 0)
            deadline = time_ns() + tmo;          /* inter-byte timer restarts */
        if (f->flags & O_NONBLOCK)
            return done ? (ssize_t)done : -EAGAIN;
        int err = wait_input(tty, deadline);
        if (err == -ETIMEDOUT)
            return (ssize_t)done;
        if (err)
            return done ? (ssize_t)done : err;
    }
}

ssize_t tty_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct tty *tty = f->private_data;
    int err = tty_job_check(tty, SIGTTIN);
    if (err)
        return err;
    if (len == 0)
        return 0;
    spin_lock(&tty->lock);
    tty->reader_pgrp = current->pgid;
    bool canon = (tty->ld.termios.c_lflag & ICANON) != 0;
    uint8_t vmin = tty->ld.termios.c_cc[VMIN], vtime = tty->ld.termios.c_cc[VTIME];
    spin_unlock(&tty->lock);
    if (canon)
        return read_canonical(tty, f, buf, len);
    return read_raw(tty, f, buf, len, vmin, vtime);
}

/* ---------------------------------------------------------------- output */

/* Output may go on: not stopped, and a pty's master can take a chunk
 * however output processing expands it (a tab may become 8 spaces). */
static bool output_running(struct tty *tty)
{
    return READ_ONCE(tty->hungup) ||
           (!READ_ONCE(tty->ld.stopped) && (!tty->pty || pty_out_room(tty->pty) >= CHUNK * 8));
}

/* Program or kernel output through OPOST, as one unit on the console. */
static void tty_output(struct tty *tty, const char *s, size_t n)
{
    spin_lock(&tty->lock);
    if (!tty->pty)
        uart_lock();
    ldisc_write(&tty->ld, s, n);
    if (!tty->pty)
        uart_unlock();
    spin_unlock(&tty->lock);
    if (tty->pty)
        pty_output_done(tty->pty);
}

/* How much of the k bytes at s to send as one chunk: up to the last
 * newline, so that lines which fit in a chunk go out whole. */
static size_t chunk_end(const char *s, size_t k)
{
    for (size_t i = k; i > 0; i--)
        if (s[i - 1] == '\n')
            return i;
    return k;
}

ssize_t tty_write(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct tty *tty = f->private_data;
    if (READ_ONCE(tty->ld.termios.c_lflag) & TOSTOP) {
        int err = tty_job_check(tty, SIGTTOU);
        if (err)
            return err;
    }
    char kbuf[CHUNK];
    size_t done = 0;
    ssize_t err = 0;
    mutex_lock(&tty->write_mu);
    while (done < len) {
        size_t k = MIN(len - done, sizeof(kbuf));
        if (iob_copy_from(kbuf, buf, done, k)) {
            err = -EFAULT;
            break;
        }
        if (!output_running(tty)) {
            if (f->flags & O_NONBLOCK) {
                err = -EAGAIN;
                break;
            }
            err = wait_event_interruptible(tty->write_wait, output_running(tty));
            if (err)
                break;
        }
        if (READ_ONCE(tty->hungup)) {
            err = -EIO;
            break;
        }
        k = chunk_end(kbuf, k);
        tty_output(tty, kbuf, k);
        done += k;
    }
    mutex_unlock(&tty->write_mu);
    return done ? (ssize_t)done : err;
}

void tty_console_write_kernel(const char *s, size_t n)
{
    struct tty *tty = &tty_console;
    if (!READ_ONCE(tty->ready)) {
        uart_write(s, n);
        return;
    }
    tty_output(tty, s, n);
}

unsigned int tty_poll(struct file *f, struct poll_table *pt)
{
    struct tty *tty = f->private_data;
    poll_wait(pt, &tty->read_wait);
    poll_wait(pt, &tty->write_wait);
    unsigned mask = 0;
    spin_lock(&tty->lock);
    if (ldisc_readable(&tty->ld))
        mask |= POLLIN | POLLRDNORM;
    if (!tty->ld.stopped)
        mask |= POLLOUT | POLLWRNORM;
    if (tty->hungup)
        mask |= POLLIN | POLLRDNORM | POLLHUP;
    spin_unlock(&tty->lock);
    return mask;
}

/* ---------------------------------------------------------------- files */

struct tty *tty_of_session(int sid)
{
    if (!sid)
        return NULL;
    if (READ_ONCE(tty_console.session) == sid)
        return &tty_console;
    return pty_of_session(sid);
}

/* /dev/tty: the caller's controlling terminal, the console or a pty;
 * ENXIO for a process whose session has none.  A pty's file holds a
 * reference on the pair: after its master's close hangs it up, the file
 * stays hung up (reads 0, writes EIO) until it is closed. */
static int devtty_open(struct vnode *v, struct file *f)
{
    struct tty *tty = tty_of_session(current->sid);
    if (!tty)
        return -ENXIO;
    f->private_data = tty;
    return 0;
}

static void devtty_release(struct file *f)
{
    struct tty *tty = f->private_data;
    if (tty->pty)
        pty_tty_put(tty);
}

static const struct file_ops console_fops = {
    .read = tty_read,
    .write = tty_write,
    .ioctl = tty_ioctl,
    .poll = tty_poll,
};

static const struct file_ops devtty_fops = {
    .open = devtty_open,
    .read = tty_read,
    .write = tty_write,
    .ioctl = tty_ioctl,
    .poll = tty_poll,
    .release = devtty_release,
};

void tty_session_leader_exit(int sid)
{
    struct tty *tty = &tty_console;
    pty_session_leader_exit(sid);
    spin_lock(&tty->lock);
    if (!sid || tty->session != sid) {
        spin_unlock(&tty->lock);
        return;
    }
    int fg = tty->pgrp;
    tty->session = 0;
    tty->pgrp = 0;
    spin_unlock(&tty->lock);
    tty_send_signal(fg, SIGHUP);
    tty_send_signal(fg, SIGCONT);
}

void tty_init(void)
{
    struct tty *tty = &tty_console;
    mutex_init(&tty->write_mu, "tty write");
    spin_lock(&tty->lock);
    ldisc_init(&tty->ld, console_sink, tty);
    tty->ws.ws_row = 24;
    tty->ws.ws_col = 80;
    tty->ready = true;
    spin_unlock(&tty->lock);

    int err = devfs_register_dev("console", 0600, MKDEV(5, 1), &console_fops, tty);
    if (!err)
        err = devfs_register_dev("ttyS0", 0660, MKDEV(TTY_CONSOLE_MAJOR, TTY_CONSOLE_MINOR), &console_fops, tty);
    if (!err)
        err = devfs_register_dev("tty", 0666, MKDEV(5, 0), &devtty_fops, tty);
    if (err)
        kprintf(KERN_ERR "tty: cannot register the console devices (%d)\n", err);
}

/* The console devices first, then the pseudo-terminals. */
void console_devices_init(void)
{
    tty_init();
    pty_init();
}
