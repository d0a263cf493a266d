/*
 * Terminal ioctls and job control for the console tty.
 *
 * The controlling-terminal model (POSIX, as Linux does it): a session leader
 * acquires the console with TIOCSCTTY (the init program does setsid() then
 * TIOCSCTTY); from then on the console belongs to that session, /dev/tty
 * opens for its members, and it has one foreground process group (set with
 * TIOCSPGRP, read with TIOCGPGRP) that receives the signal characters.
 * TIOCGPGRP/TIOCSPGRP/TIOCGSID from outside that session fail with ENOTTY,
 * which is what makes ash decide whether it can do job control.
 *
 * A background group member that reads gets SIGTTIN (the read restarts once
 * the job is continued in the foreground); -EIO instead if the group is
 * orphaned or the task ignores or blocks SIGTTIN.  Changing the settings or
 * the foreground group (and writing, with TOSTOP) from the background sends
 * SIGTTOU, unless the task ignores or blocks it: then the change is allowed
 * (ash calls TIOCSPGRP from the background with SIGTTOU ignored).
 */
#include <fs/tty.h>
#include <fs/vfs.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/uaccess.h>
#include <proc/cred.h>
#include <proc/pid.h>
#include <proc/proc.h>
#include <proc/signal.h>

static bool pgrp_orphaned(pid_t pgid)
{
    spin_lock(&tasks_lock);
    bool orphaned = pgrp_orphaned_locked(pgid, NULL);
    spin_unlock(&tasks_lock);
    return orphaned;
}

static bool pgrp_in_session(pid_t pgid, pid_t sid)
{
    bool found = false;
    spin_lock(&tasks_lock);
    struct task *t;
    for_each_live_pgrp_member(t, pgid) {
        if (t->sid == sid && t->state != TASK_ZOMBIE) {
            found = true;
            break;
        }
    }
    spin_unlock(&tasks_lock);
    return found;
}

int tty_job_check(struct tty *tty, int sig)
{
    struct task *t = current;
    spin_lock(&tty->lock);
    int sess = tty->session, fg = tty->pgrp;
    spin_unlock(&tty->lock);
    if (!sess || t->sid != sess || !fg || t->pgid == fg)
        return 0;                        /* not a background job of this tty */
    spin_lock(&t->group->sig_lock);
    bool ignored = t->sighand->action[sig].handler == SIG_IGN;
    bool blocked = (t->blocked & SIGBIT(sig)) != 0;
    spin_unlock(&t->group->sig_lock);
    if (sig == SIGTTOU && (ignored || blocked))
        return 0;
    if (ignored || blocked || pgrp_orphaned(t->pgid))
        return -EIO;
    tty_send_signal(t->pgid, sig);
    return -ERESTARTSYS;
}

static int get_int(unsigned long arg, int *v)
{
    return copy_from_user(v, (const void __user *)arg, sizeof(*v));
}

static int put_int(unsigned long arg, int v)
{
    return copy_to_user((void __user *)arg, &v, sizeof(v));
}

/* Is the console the caller's controlling terminal? */
static bool is_ctty(struct tty *tty)
{
    int sess = READ_ONCE(tty->session);
    return sess && sess == current->sid;
}

static long set_termios(struct tty *tty, unsigned int cmd, unsigned long arg)
{
    int err = tty_job_check(tty, SIGTTOU);
    if (err)
        return err;
    struct termios t;                    /* only the kernel's 36 bytes */
    if (copy_from_user(&t, (const void __user *)arg, sizeof(t)))
        return -EFAULT;
    spin_lock(&tty->lock);
    if (cmd == TCSETSF)
        ldisc_flush_input(&tty->ld);
    ldisc_set_termios(&tty->ld, &t);
    if (!(t.c_iflag & IXON))
        tty->ld.stopped = false;
    spin_unlock(&tty->lock);
    /* A mode switch can make queued input readable, or restart output. */
    waitq_wake_all(&tty->read_wait);
    waitq_wake_all(&tty->write_wait);
    return 0;
}

static long set_pgrp(struct tty *tty, unsigned long arg)
{
    if (!is_ctty(tty))
        return -ENOTTY;
    int err = tty_job_check(tty, SIGTTOU);
    if (err)
        return err;
    int pgid;
    if (get_int(arg, &pgid))
        return -EFAULT;
    if (pgid < 0)
        return -EINVAL;
    if (!pgrp_in_session(pgid, current->sid))
        return -EPERM;
    spin_lock(&tty->lock);
    tty->pgrp = pgid;
    spin_unlock(&tty->lock);
    return 0;
}

static long set_ctty(struct tty *tty, unsigned long force)
{
    struct task *t = current;
    if (t->sid != t->pid)
        return -EPERM;                   /* only a session leader */
    spin_lock(&tty->lock);
    if (tty->session == t->sid) {
        spin_unlock(&tty->lock);
        return 0;
    }
    if (tty->session && !(force == 1 && capable(CAP_SYS_ADMIN))) {
        spin_unlock(&tty->lock);
        return -EPERM;                   /* controls another session */
    }
    tty->session = t->sid;
    tty->pgrp = t->pgid;
    spin_unlock(&tty->lock);
    return 0;
}

static long drop_ctty(struct tty *tty)
{
    struct task *t = current;
    if (!is_ctty(tty))
        return -ENOTTY;
    if (t->sid == t->pid)
        tty_session_leader_exit(t->sid); /* hang up the foreground group */
    return 0;
}

static long set_winsize(struct tty *tty, unsigned long arg)
{
    struct winsize ws;
    if (copy_from_user(&ws, (const void __user *)arg, sizeof(ws)))
        return -EFAULT;
    spin_lock(&tty->lock);
    bool changed = memcmp(&ws, &tty->ws, sizeof(ws)) != 0;
    tty->ws = ws;
    int fg = tty->session ? tty->pgrp : 0;
    spin_unlock(&tty->lock);
    if (changed)
        tty_send_signal(fg, SIGWINCH);
    return 0;
}

long tty_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
    return tty_ioctl_on(f->private_data, f, cmd, arg);
}

long tty_ioctl_on(struct tty *tty, struct file *f, unsigned int cmd, unsigned long arg)
{
    int v, err;
    switch (cmd) {
    case TCGETS: {
        struct termios t;
        spin_lock(&tty->lock);
        t = tty->ld.termios;
        spin_unlock(&tty->lock);
        return copy_to_user((void __user *)arg, &t, sizeof(t));
    }
    case TCSETS:
    case TCSETSW:                        /* no output queue: nothing to drain */
    case TCSETSF:
        return set_termios(tty, cmd, arg);
    case TIOCGWINSZ: {
        struct winsize ws;
        spin_lock(&tty->lock);
        ws = tty->ws;
        spin_unlock(&tty->lock);
        return copy_to_user((void __user *)arg, &ws, sizeof(ws));
    }
    case TIOCSWINSZ:
        return set_winsize(tty, arg);
    case TIOCGPGRP:
        if (!is_ctty(tty))
            return -ENOTTY;
        return put_int(arg, READ_ONCE(tty->pgrp));
    case TIOCSPGRP:
        return set_pgrp(tty, arg);
    case TIOCGSID:
        if (!is_ctty(tty))
            return -ENOTTY;
        return put_int(arg, READ_ONCE(tty->session));
    case TIOCSCTTY:
        return set_ctty(tty, arg);
    case TIOCNOTTY:
        return drop_ctty(tty);
    case FIONREAD:
        spin_lock(&tty->lock);
        v = (int)ldisc_available(&tty->ld);
        spin_unlock(&tty->lock);
        return put_int(arg, v);
    case TIOCOUTQ:
        return put_int(arg, 0);          /* output is written synchronously */
    case TCFLSH:
        if ((err = tty_job_check(tty, SIGTTOU)))
            return err;
        if (arg > TCIOFLUSH)
            return -EINVAL;
        if (arg == TCIFLUSH || arg == TCIOFLUSH) {
            spin_lock(&tty->lock);
            ldisc_flush_input(&tty->ld);
            spin_unlock(&tty->lock);
        }
        return 0;
    case TCXONC:
        if ((err = tty_job_check(tty, SIGTTOU)))
            return err;
        if (arg > TCION)
            return -EINVAL;
        if (arg == TCOOFF || arg == TCOON) {
            spin_lock(&tty->lock);
            tty->ld.stopped = arg == TCOOFF;
            spin_unlock(&tty->lock);
            waitq_wake_all(&tty->write_wait);
        }
        return 0;                        /* TCIOFF/TCION: no input flow control on this line */
    case TCSBRK:                         /* tcdrain(), tcsendbreak(): output is already out */
        return 0;
    case TIOCEXCL:
    case TIOCNXCL:
        return 0;
    case FIONBIO:
        if (get_int(arg, &v))
            return -EFAULT;
        if (v)
            f->flags |= O_NONBLOCK;
        else
            f->flags &= ~O_NONBLOCK;
        return 0;
    default:
        return -ENOTTY;
    }
}
