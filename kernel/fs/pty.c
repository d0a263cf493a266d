/*
 * Pseudo-terminals and devpts.
 *
 * Opening /dev/ptmx (or /dev/pts/ptmx) makes a pair and returns its master
 * end; the slave appears as /dev/pts/N, locked until the master's holder
 * unlocks it (TIOCSPTLCK 0; TIOCGPTN tells N: what posix_openpt, grantpt,
 * unlockpt and ptsname do).  The slave is a tty like the console (struct
 * tty, kernel/fs/tty.c): its line discipline edits and echoes what the
 * master writes, as the console's does what the UART receives, and its
 * output, after output processing, lands in a buffer the master reads (the
 * discipline's sink).  Writers wait for room on both sides: a slave writer
 * while the master's buffer is nearly full, a master writer while the
 * slave's input buffer is full and holds something to read.
 *
 * The master's close hangs the slave up (its reads give 0, writes EIO, the
 * foreground process group of the session it controls gets SIGHUP and
 * SIGCONT) and takes /dev/pts/N away; once every slave file has closed,
 * the master reads EIO and polls POLLHUP, as on Linux.
 *
 * devpts instances (struct devpts): the initial one is what the kernel
 * mounts on /dev/pts at boot and what /dev/ptmx opens pairs in; every
 * later mount of devpts is a new instance, as on Linux, with numbers of its
 * own from 0 and a ptmx of its own that makes pairs in it only.  An
 * instance's root lists ptmx and its live pairs; lookups make transient
 * vnodes as /proc's do.  Options, each instance its own: mode= (the slave
 * nodes', 0600 by default), ptmxmode= (0000), gid= and uid= (the slaves'
 * owner, else the opener's), and newinstance and max=, accepted.  A later
 * instance is freed with its superblock, which its root, its nodes and its
 * pairs hold.
 *
 * Locking: pty_lock guards every instance's ptys[] and options and the
 * list of live pairs; a pair's fields are guarded by its tty's lock;
 * `refs` is atomic (the master file, the slave files and vnodes, and
 * /dev/tty files opened on the slave each hold one).
 */
#include <fs/fasync.h>
#include <fs/mount.h>
#include <fs/namei.h>
#include <fs/poll.h>
#include <fs/tty.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/signal.h>

#define PTY_MAX 256                 /* pairs at once (Linux's kernel.pty.max is 4096) */
#define PTY_BUF 8192                /* slave output waiting for the master */
#define PTY_SLAVE_MAJOR 136
#define INO_PTMX 2                  /* as Linux numbers them: ptmx 2, pts N N + 3 */
#define INO_PTS_BASE 3

struct devpts;

struct pty {
    struct tty tty;                 /* the slave side: discipline, termios, session */
    struct devpts *inst;            /* its instance, whose superblock it holds */
    struct list_node live;          /* in live_ptys while its number is taken (pty_lock) */
    int index;                      /* its number in the instance */
    int refs;                       /* atomic */
    uid_t uid;                      /* owner of /dev/pts/N */
    gid_t gid;
    /* --- tty.lock --- */
    bool locked;                    /* TIOCSPTLCK: slave opens give EIO */
    bool master_closed;
    bool slave_opened;              /* a slave was opened once */
    int slave_opens;
    uint8_t out[PTY_BUF];           /* slave output: ring of free-running counters */
    size_t out_head, out_tail;
    struct waitq master_wait;       /* output to read, or the last slave closed */
    /* O_ASYNC files: the master's told of output to read, the slave's of
     * input (a line, in canonical mode), as Linux's n_tty */
    struct fasync_list master_fasync, slave_fasync;
};

/* One devpts instance. */
struct devpts {
    struct superblock sb;           /* first: devpts_of() */
    /* --- pty_lock --- */
    struct pty *ptys[PTY_MAX];      /* live pairs by number */
    mode_t mode, ptmxmode;          /* mode=, ptmxmode= */
    uid_t uid;                      /* uid=, gid=: the slaves' owner if given */
    gid_t gid;
    bool have_uid, have_gid;
};

static struct spinlock pty_lock = SPINLOCK_INIT("pty_table");
static struct list_node live_ptys = { &live_ptys, &live_ptys };   /* pty_lock: every instance's pairs */
/* The initial instance: static, its root permanent; /dev/ptmx's. */
static struct devpts initial = {
    .sb = { .name = "devpts", .magic = DEVPTS_SUPER_MAGIC },
    .mode = 0600,
};
static struct vnode *pts_root;
static bool initial_mounted;        /* pty_lock: the first mount took it */

static struct devpts *devpts_of(struct superblock *sb) { return container_of(sb, struct devpts, sb); }

static void pty_put(struct pty *p)
{
    if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        sb_put(&p->inst->sb);
        kfree(p);
    }
}

static size_t out_count(const struct pty *p) { return p->out_tail - p->out_head; }

size_t pty_out_room(struct pty *p) { return PTY_BUF - (READ_ONCE(p->out_tail) - READ_ONCE(p->out_head)); }

void pty_output_done(struct pty *p)
{
    waitq_wake_all(&p->master_wait);
    fasync_kill(&p->master_fasync, POLL_IN);
}

/* The slave discipline's wire: into the master's buffer (tty lock held).
 * What does not fit is lost, which only echo can meet: writers wait. */
static void pty_sink(void *ctx, const char *s, size_t n)
{
    struct pty *p = ctx;
    for (size_t i = 0; i < n && out_count(p) < PTY_BUF; i++)
        p->out[p->out_tail++ % PTY_BUF] = (uint8_t)s[i];
}

/* A live pair whose slave session `sid` controls, referenced, or NULL. */
static struct pty *live_pty_of_session(int sid)
{
    struct pty *found = NULL;
    spin_lock(&pty_lock);
    list_for_each(n, &live_ptys) {
        struct pty *p = container_of(n, struct pty, live);
        if (READ_ONCE(p->tty.session) == sid) {
            __atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
            found = p;
            break;
        }
    }
    spin_unlock(&pty_lock);
    return found;
}

struct tty *pty_of_session(int sid)
{
    struct pty *p = live_pty_of_session(sid);
    return p ? &p->tty : NULL;
}

void pty_tty_put(struct tty *tty) { pty_put(tty->pty); }

/* Takes the session off p's slave and signals its foreground group. */
static void hang_up(struct pty *p, bool master_gone)
{
    spin_lock(&p->tty.lock);
    int fg = p->tty.session ? p->tty.pgrp : 0;
    p->tty.session = 0;
    p->tty.pgrp = 0;
    if (master_gone) {
        p->master_closed = true;
        p->tty.hungup = true;
    }
    spin_unlock(&p->tty.lock);
    waitq_wake_all(&p->tty.read_wait);
    waitq_wake_all(&p->tty.write_wait);
    waitq_wake_all(&p->master_wait);
    tty_send_signal(fg, SIGHUP);
    tty_send_signal(fg, SIGCONT);
}

void pty_session_leader_exit(int sid)
{
    if (!sid)
        return;
    /* hang_up takes the session off, so each pair is found once */
    for (struct pty *p; (p = live_pty_of_session(sid));) {
        hang_up(p, false);
        pty_put(p);
    }
}

/* ---------------------------------------------------------------- the master */

/* A new pair in the instance of the ptmx opened: <mount>/ptmx's own, or
 * for /dev/ptmx (no fops_priv) the initial one. */
static int ptmx_open(struct vnode *v, struct file *f)
{
    struct devpts *inst = v->fops_priv ? v->fops_priv : &initial;
    struct pty *p = kzalloc(sizeof(*p));
    if (!p)
        return -ENOMEM;
    spin_init(&p->tty.lock, "pty");
    waitq_init(&p->tty.read_wait);
    waitq_init(&p->tty.write_wait);
    waitq_init(&p->master_wait);
    fasync_list_init(&p->master_fasync);
    fasync_list_init(&p->slave_fasync);
    mutex_init(&p->tty.write_mu, "pty write");
    ldisc_init(&p->tty.ld, pty_sink, p);
    p->tty.pty = p;
    p->tty.ready = true;
    p->locked = true;
    p->refs = 1;                    /* the master file's */
    p->inst = inst;
    spin_lock(&pty_lock);
    p->uid = inst->have_uid ? inst->uid : current->fsuid;
    p->gid = inst->have_gid ? inst->gid : current->fsgid;
    int i = 0;
    while (i < PTY_MAX && inst->ptys[i])
        i++;
    if (i < PTY_MAX) {
        p->index = i;
        inst->ptys[i] = p;
        list_push_back(&live_ptys, &p->live);
    }
    spin_unlock(&pty_lock);
    if (i == PTY_MAX) {
        kfree(p);
        return -ENOSPC;
    }
    sb_get(&inst->sb);              /* the pair's, until pty_put frees it */
    f->private_data = p;
    return 0;
}

static void ptmx_release(struct file *f)
{
    struct pty *p = f->private_data;
    spin_lock(&pty_lock);
    p->inst->ptys[p->index] = NULL; /* /dev/pts/N goes, the number is free again */
    list_remove(&p->live);
    spin_unlock(&pty_lock);
    hang_up(p, true);
    pty_put(p);
}

static bool master_readable(struct pty *p, bool *hup)
{
    spin_lock(&p->tty.lock);
    bool r = out_count(p) > 0;
    *hup = p->slave_opened && p->slave_opens == 0;
    spin_unlock(&p->tty.lock);
    return r || *hup;
}

static ssize_t ptmx_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct pty *p = f->private_data;
    uint8_t kbuf[256];
    for (;;) {
        bool hup;
        if (master_readable(p, &hup))
            break;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        int err = wait_event_interruptible(p->master_wait, master_readable(p, &hup));
        if (err)
            return err;
    }
    size_t done = 0;
    while (done < len) {
        spin_lock(&p->tty.lock);
        size_t n = MIN(MIN(len - done, sizeof(kbuf)), out_count(p));
        for (size_t i = 0; i < n; i++)
            kbuf[i] = p->out[p->out_head++ % PTY_BUF];
        bool hup = p->slave_opened && p->slave_opens == 0;
        spin_unlock(&p->tty.lock);
        if (n == 0) {
            if (!done && hup)
                return -EIO;        /* every slave closed and nothing left */
            break;
        }
        waitq_wake_all(&p->tty.write_wait);        /* room for the slave's writers */
        if (iob_copy_to(buf, done, kbuf, n))
            return done ? (ssize_t)done : -EFAULT;
        done += n;
    }
    return (ssize_t)done;
}

/* The slave's input is full while a reader could empty it (a full buffer
 * nobody can read, a canonical line too long, drops bytes as Linux does). */
static bool input_full(struct pty *p)
{
    const struct ldisc *ld = &p->tty.ld;
    return ld->tail - ld->rhead >= LDISC_BUF_SIZE && ldisc_readable(ld);
}

static bool input_room(struct pty *p)
{
    spin_lock(&p->tty.lock);
    bool room = !input_full(p) || p->tty.hungup;
    spin_unlock(&p->tty.lock);
    return room;
}

/* What the master writes is what the slave's line receives. */
static ssize_t ptmx_write(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct pty *p = f->private_data;
    struct tty *tty = &p->tty;
    uint8_t kbuf[128];
    size_t done = 0;
    ssize_t err = 0;
    while (done < len) {
        size_t k = MIN(len - done, sizeof(kbuf));
        if (iob_copy_from(kbuf, buf, done, k)) {
            err = -EFAULT;
            break;
        }
        size_t i = 0;
        while (i < k) {
            spin_lock(&tty->lock);
            int sig = 0;
            size_t committed = tty->ld.canon_head, echoed = p->out_tail;
            for (; i < k && !input_full(p) && !sig; i++)
                sig = ldisc_receive(&tty->ld, kbuf[i]);
            int target = tty_signal_target(tty);
            bool news = tty->ld.canon_head != committed && ldisc_readable(&tty->ld);
            echoed = p->out_tail != echoed;
            spin_unlock(&tty->lock);
            if (sig)
                tty_send_signal(target, sig);
            waitq_wake_all(&tty->read_wait);
            waitq_wake_all(&p->master_wait);       /* echo */
            if (news)                               /* input to read: a line, or raw bytes */
                fasync_kill(&p->slave_fasync, POLL_IN);
            if (echoed)
                fasync_kill(&p->master_fasync, POLL_IN);
            if (i < k && !sig) {
                if (f->flags & O_NONBLOCK) {
                    err = -EAGAIN;
                    break;
                }
                if ((err = wait_event_interruptible(tty->write_wait, input_room(p))))
                    break;
            }
        }
        done += i;
        if (err)
            break;
    }
    return done ? (ssize_t)done : err;
}

static unsigned int ptmx_poll(struct file *f, struct poll_table *pt)
{
    struct pty *p = f->private_data;
    poll_wait(pt, &p->master_wait);
    poll_wait(pt, &p->tty.write_wait);
    unsigned mask = 0;
    spin_lock(&p->tty.lock);
    if (out_count(p))
        mask |= POLLIN | POLLRDNORM;
    if (!input_full(p))
        mask |= POLLOUT | POLLWRNORM;
    if (p->slave_opened && p->slave_opens == 0)
        mask |= POLLHUP;
    spin_unlock(&p->tty.lock);
    return mask;
}

static long ptmx_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
    struct pty *p = f->private_data;
    int v;
    switch (cmd) {
    case TIOCGPTN:
        return copy_to_user((void __user *)arg, &p->index, sizeof(int));
    case TIOCSPTLCK:
        if (copy_from_user(&v, (const void __user *)arg, sizeof(v)))
            return -EFAULT;
        spin_lock(&p->tty.lock);
        p->locked = v != 0;
        spin_unlock(&p->tty.lock);
        return 0;
    case TIOCGPTLCK:
        v = READ_ONCE(p->locked);
        return copy_to_user((void __user *)arg, &v, sizeof(v));
    case FIONREAD:
        spin_lock(&p->tty.lock);
        v = (int)out_count(p);
        spin_unlock(&p->tty.lock);
        return copy_to_user((void __user *)arg, &v, sizeof(v));
    case TCGETS: case TCSETS: case TCSETSW: case TCSETSF: case TIOCGWINSZ: case TIOCSWINSZ:
    case TCFLSH: case FIONBIO:
        return tty_ioctl_on(&p->tty, f, cmd, arg);     /* the slave's settings */
    default:
        return -ENOTTY;
    }
}

static int ptmx_fasync(struct file *f, int fd, bool on)
{
    struct pty *p = f->private_data;
    return fasync_helper(&p->master_fasync, f, fd, on);
}

static const struct file_ops ptmx_fops = {
    .open = ptmx_open, .read = ptmx_read, .write = ptmx_write, .poll = ptmx_poll,
    .ioctl = ptmx_ioctl, .release = ptmx_release, .fasync = ptmx_fasync,
};

/* ---------------------------------------------------------------- the slave */

static int pts_open(struct vnode *v, struct file *f)
{
    struct pty *p = f->private_data;              /* the vnode's fops_priv */
    spin_lock(&p->tty.lock);
    int err = p->master_closed || p->locked ? -EIO : 0;
    if (!err) {
        p->slave_opens++;
        p->slave_opened = true;
    }
    spin_unlock(&p->tty.lock);
    if (err)
        return err;
    __atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
    f->private_data = &p->tty;
    return 0;
}

static void pts_release(struct file *f)
{
    struct tty *tty = f->private_data;
    struct pty *p = tty->pty;
    spin_lock(&tty->lock);
    p->slave_opens--;
    spin_unlock(&tty->lock);
    waitq_wake_all(&p->master_wait);
    pty_put(p);
}

static int pts_fasync(struct file *f, int fd, bool on)
{
    struct tty *tty = f->private_data;
    return fasync_helper(&tty->pty->slave_fasync, f, fd, on);
}

static const struct file_ops pts_fops = {
    .open = pts_open, .read = tty_read, .write = tty_write, .ioctl = tty_ioctl, .poll = tty_poll,
    .release = pts_release, .fasync = pts_fasync,
};

/* ---------------------------------------------------------------- devpts */

static void pts_vnode_destroy(struct vnode *v)
{
    if (v->fops == &pts_fops)
        pty_put(v->fops_priv);
}

static const struct vnode_ops pts_node_ops = { .destroy = pts_vnode_destroy };

static int pts_node(struct vnode *dir, struct pty *p, struct vnode **out)
{
    struct devpts *inst = devpts_of(dir->sb);
    spin_lock(&pty_lock);
    mode_t mode = p ? inst->mode : inst->ptmxmode;
    spin_unlock(&pty_lock);
    struct vnode *v = vnode_alloc(&inst->sb, &pts_node_ops, S_IFCHR | mode);
    if (!v) {
        if (p)
            pty_put(p);
        return -ENOMEM;
    }
    vnode_set_transient(v, dir);
    if (p) {
        v->ino = INO_PTS_BASE + (uint64_t)p->index;
        v->rdev = MKDEV(PTY_SLAVE_MAJOR + p->index / 256, p->index % 256);
        v->uid = p->uid;
        v->gid = p->gid;
        v->fops = &pts_fops;
        v->fops_priv = p;           /* the lookup's reference, dropped by destroy */
    } else {
        v->ino = INO_PTMX;
        v->rdev = MKDEV(5, 2);
        v->fops = &ptmx_fops;
        v->fops_priv = inst;        /* its pairs are made in this instance */
    }
    *out = v;
    return 0;
}

static int pts_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    if (len == 4 && !memcmp(name, "ptmx", 4))
        return pts_node(dir, NULL, out);
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9' || (i == 0 && name[i] == '0' && len > 1) || n >= PTY_MAX)
            return -ENOENT;
        n = n * 10 + (name[i] - '0');
    }
    if (n >= PTY_MAX)
        return -ENOENT;
    spin_lock(&pty_lock);
    struct pty *p = devpts_of(dir->sb)->ptys[n];
    if (p)
        __atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
    spin_unlock(&pty_lock);
    return p ? pts_node(dir, p, out) : -ENOENT;
}

/* Cookies: 3 after ptmx, then 4 + N after pts N. */
static int pts_readdir(struct vnode *dir, struct dir_ctx *ctx)
{
    struct devpts *inst = devpts_of(dir->sb);
    if (ctx->pos == 2 && !dir_emit(ctx, "ptmx", 4, INO_PTMX, DT_CHR, 3))
        return 0;
    for (int i = (int)ctx->pos - 3; i < PTY_MAX; i++) {
        spin_lock(&pty_lock);
        bool live = inst->ptys[i] != NULL;
        spin_unlock(&pty_lock);
        char name[8];
        int n = snprintf(name, sizeof(name), "%d", i);
        if (live && !dir_emit(ctx, name, (size_t)n, INO_PTS_BASE + (uint64_t)i, DT_CHR, (uint64_t)i + 4))
            return 0;
    }
    return 0;
}

static const struct vnode_ops pts_dir_ops = { .lookup = pts_lookup, .readdir = pts_readdir };

static bool parse_num(const char *s, unsigned base, uint32_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s >= '0' + (int)base || v > 0xffffffffULL)
            return false;
        v = v * base + (uint64_t)(*s - '0');
    }
    *out = (uint32_t)v;
    return v <= 0xffffffffULL;
}

/* Checks devpts's options (inst NULL) or applies them to inst. */
static int devpts_options(struct devpts *inst, char *opts)
{
    char *cur = opts;
    while (*cur) {
        char *opt = cur, *comma = strchr(cur, ',');
        cur = comma ? comma + 1 : cur + strlen(cur);
        if (comma)
            *comma = '\0';
        char *eq = strchr(opt, '=');
        const char *val = eq ? eq + 1 : NULL;
        size_t klen = eq ? (size_t)(eq - opt) : strlen(opt);
        uint32_t v;
        bool ok = true;
        spin_lock(&pty_lock);
        if (klen == 4 && !memcmp(opt, "mode", 4) && val && (ok = parse_num(val, 8, &v) && v <= 07777)) {
            if (inst)
                inst->mode = v;
        } else if (klen == 8 && !memcmp(opt, "ptmxmode", 8) && val && (ok = parse_num(val, 8, &v) && v <= 07777)) {
            if (inst)
                inst->ptmxmode = v;
        } else if (klen == 3 && !memcmp(opt, "uid", 3) && val && (ok = parse_num(val, 10, &v))) {
            if (inst) {
                inst->uid = v;
                inst->have_uid = true;
            }
        } else if (klen == 3 && !memcmp(opt, "gid", 3) && val && (ok = parse_num(val, 10, &v))) {
            if (inst) {
                inst->gid = v;
                inst->have_gid = true;
            }
        } else if (klen && !(klen == 11 && !memcmp(opt, "newinstance", 11) && !val) &&
                   !(klen == 3 && !memcmp(opt, "max", 3) && val && parse_num(val, 10, &v))) {
            ok = false;
        }
        spin_unlock(&pty_lock);
        if (comma)
            *comma = ',';       /* the string is parsed twice: check, then apply */
        if (!ok)
            return -EINVAL;
    }
    return 0;
}

/* A later instance's superblock lost its last holder. */
static void devpts_release(struct superblock *sb) { kfree(devpts_of(sb)); }

static struct vnode *devpts_new_root(struct devpts *inst)
{
    struct vnode *root = vnode_alloc(&inst->sb, &pts_dir_ops, S_IFDIR | 0755);
    if (root) {
        root->ino = 1;
        root->nlink = 2;
    }
    return root;
}

int devpts_mount(unsigned long sb_flags, char *opts, struct vnode **root)
{
    int err = devpts_options(NULL, opts);
    if (err)
        return err;
    spin_lock(&pty_lock);
    bool first = !initial_mounted;
    initial_mounted = true;
    spin_unlock(&pty_lock);
    if (first) {                    /* the kernel's mount on /dev/pts */
        devpts_options(&initial, opts);
        vnode_get(pts_root);
        *root = pts_root;
        return 0;
    }
    struct devpts *inst = kzalloc(sizeof(*inst));
    if (!inst)
        return -ENOMEM;
    inst->sb = (struct superblock){ .name = "devpts", .magic = DEVPTS_SUPER_MAGIC, .dev = mount_anon_dev(),
                                    .release = devpts_release, .refs = 1 };
    inst->mode = 0600;
    devpts_options(inst, opts);
    *root = devpts_new_root(inst);
    sb_put(&inst->sb);              /* the root holds it now; without a root it is freed */
    return *root ? 0 : -ENOMEM;
}

int devpts_remount(struct superblock *sb, char *opts)
{
    int err = devpts_options(NULL, opts);
    if (!err)
        devpts_options(devpts_of(sb), opts);
    return err;
}

void devpts_show(struct superblock *sb, struct seqbuf *s)
{
    struct devpts *inst = devpts_of(sb);
    spin_lock(&pty_lock);
    bool hu = inst->have_uid, hg = inst->have_gid;
    uid_t u = inst->uid;
    gid_t g = inst->gid;
    mode_t m = inst->mode, pm = inst->ptmxmode;
    spin_unlock(&pty_lock);
    if (hu)
        seq_printf(s, ",uid=%u", (unsigned)u);
    if (hg)
        seq_printf(s, ",gid=%u", (unsigned)g);
    seq_printf(s, ",mode=%03o,ptmxmode=%03o", (unsigned)m, (unsigned)pm);
}

void pty_init(void)
{
    initial.sb.dev = mount_anon_dev();
    pts_root = devpts_new_root(&initial);
    if (!pts_root)
        panic("devpts: out of memory");
    int err = devfs_register_dev("ptmx", 0666, MKDEV(5, 2), &ptmx_fops, NULL);
    if (!err)
        err = vfs_mount_kernel("devpts", "/dev/pts");
    if (err)
        kprintf(KERN_ERR "devpts: cannot set up /dev/ptmx and /dev/pts (%d)\n", err);
}
