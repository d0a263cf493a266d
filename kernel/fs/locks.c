/*
 * Advisory file locks in the kernel (the kinds and their rules:
 * include/fs/locks.h): each vnode that has a lock, or a request waiting for
 * one, has a context with its locks and a wait queue; every lock is also on
 * one list of all locks for /proc/locks, and every sleeping request on a
 * list of waiters, which deadlock detection and /proc/locks read.
 *
 * A request runs as a loop: take the file_locks lock, edit the vnode's list
 * (kernel/fs/lock_range.c), and if a lock is in the way either fail
 * (EAGAIN, EDEADLK) or queue on the context's wait queue, note the lock in
 * the way, release the lock and sleep.  Any edit that frees or weakens a
 * range, or unlinks a lock, wakes every waiter of that vnode and forgets
 * the locks they waited for; each then tries again.  A waiter queues itself
 * before it lets go of file_locks, so a wake-up cannot slip between its
 * look and its sleep.
 *
 * Lifetimes: a context lives while it holds a lock or a waiter (it is freed
 * by whoever leaves it empty), and a vnode with a context always has an open
 * file: flock and OFD locks go with the file's last reference, POSIX locks
 * with any close of the file by their owner, and a waiter holds a reference
 * to its file.  So the vnode behind a lock is alive whenever file_locks is
 * held.
 */
#include <fs/locks.h>
#include <fs/seqfile.h>
#include <fs/vfs.h>
#include <kernel/task.h>
#include <kernel/wait.h>
#include <mm/kheap.h>
#include <proc/signal.h>

#define DEADLOCK_STEPS 10   /* how far a chain of waiters is followed (Linux's MAX_DEADLK_ITERATIONS) */

/* One vnode's locks. */
struct file_lock_ctx {
    struct vnode *vnode;          /* not referenced (see above) */
    struct list_node flocks;      /* LK_FLOCK locks, oldest first */
    struct list_node posix;       /* LK_POSIX and LK_OFD locks, ordered as lock_posix_apply keeps them */
    struct waitq wait;            /* requests sleeping until these locks change */
    int nwaiters;                 /* of them, those on the waiters list */
};

/* A request that sleeps, from its first conflict until it is done. */
struct lock_waiter {
    struct list_node node;        /* in waiters */
    struct file_lock_ctx *ctx;
    const struct file_lock *req;  /* what it asks for (on its caller's stack) */
    struct file_lock *blocker;    /* the lock in its way; NULL once woken (that lock may be gone) */
};

/* file_locks protects every field of every lock, context and waiter, each
 * vnode's flctx pointer, and the two lists. */
static struct spinlock file_locks = SPINLOCK_INIT("file_locks");
static struct list_node all_locks = LIST_INIT(all_locks);   /* via file_lock.all, newest first */
static struct list_node waiters = LIST_INIT(waiters);       /* via lock_waiter.node */

/* Every waiter of ctx forgets what it waited for and wakes to try again. */
static void wake_waiters(struct file_lock_ctx *ctx)
{
    list_for_each(n, &waiters) {
        struct lock_waiter *w = container_of(n, struct lock_waiter, node);
        if (w->ctx == ctx)
            w->blocker = NULL;
    }
    waitq_wake_all(&ctx->wait);
}

/* Links what an edit added into the list of all locks, unlinks what it
 * removed, and wakes the waiters if anything came free.  The unlinked
 * records stay on ed->dead for the caller to free without the lock. */
static void edit_done(struct file_lock_ctx *ctx, struct lock_edit *ed)
{
    for (int i = 0; i < ed->nadded; i++) {
        ed->added[i]->ctx = ctx;
        list_push_front(&all_locks, &ed->added[i]->all);
    }
    list_for_each(n, &ed->dead)
        list_remove(&container_of(n, struct file_lock, node)->all);
    if (ed->released || !list_empty(&ed->dead))
        wake_waiters(ctx);
}

static void free_dead(struct list_node *dead)
{
    struct list_node *n;
    while ((n = list_pop_front(dead)))
        kfree(container_of(n, struct file_lock, node));
}

/* v's context, made from *spare (taken: set to NULL) if v has none; NULL if
 * it has none and there is no spare.  file_locks held. */
static struct file_lock_ctx *ctx_of(struct vnode *v, struct file_lock_ctx **spare)
{
    struct file_lock_ctx *ctx = v->flctx;
    if (ctx || !*spare)
        return ctx;
    ctx = *spare;
    *spare = NULL;
    ctx->vnode = v;
    list_init(&ctx->flocks);
    list_init(&ctx->posix);
    waitq_init(&ctx->wait);
    ctx->nwaiters = 0;
    __atomic_store_n(&v->flctx, ctx, __ATOMIC_RELEASE);
    return ctx;
}

/* ctx, detached from its vnode if it holds nothing and nobody waits (the
 * caller frees it after dropping file_locks), else NULL. */
static struct file_lock_ctx *ctx_release_if_idle(struct file_lock_ctx *ctx)
{
    if (!ctx || ctx->nwaiters || !list_empty(&ctx->flocks) || !list_empty(&ctx->posix))
        return NULL;
    __atomic_store_n(&ctx->vnode->flctx, NULL, __ATOMIC_RELEASE);
    return ctx;
}

/* The lock that the POSIX owner `holder` sleeps waiting for, or NULL. */
static struct file_lock *posix_waiting_for(const void *holder)
{
    list_for_each(n, &waiters) {
        struct lock_waiter *w = container_of(n, struct lock_waiter, node);
        if (w->req->kind == LK_POSIX && w->req->owner == holder && w->blocker)
            return w->blocker;
    }
    return NULL;
}

/* Would owner, by waiting for `blocker`, close a cycle: does blocker's owner
 * wait for a lock whose owner waits ... for a lock of owner's?  Only POSIX
 * waiters take part (OFD and flock requests are never refused so). */
static bool posix_deadlock(const void *owner, const struct file_lock *blocker)
{
    for (int i = 0; i <= DEADLOCK_STEPS; i++) {
        blocker = posix_waiting_for(blocker->owner);
        if (!blocker)
            return false;
        if (blocker->owner == owner)
            return true;
    }
    return false;
}

/* Records an edit of req may need: two for a lock (one for the part of a
 * split lock, one for the new lock), one to unlock part of a POSIX range,
 * none to drop a flock lock or a whole POSIX range. */
static int spares_needed(const struct file_lock *req)
{
    if (req->type != F_UNLCK)
        return 2;
    if (req->kind == LK_FLOCK || (req->start == 0 && req->end == LOCK_OFFSET_MAX))
        return 0;
    return 1;
}

/* One try of req on ctx's locks: 0 (applied) or -EAGAIN with *blocker set.
 * Spares it used are taken out of spare[]; records it unlinked join *dead.
 * file_locks held. */
static int lock_try(struct file_lock_ctx *ctx, const struct file_lock *req, struct file_lock *spare[2],
                    struct list_node *dead, struct file_lock **blocker)
{
    struct lock_edit ed = {.spare = {spare[0], spare[1]}};
    int err = 0;
    lock_edit_init(&ed);
    if (req->kind == LK_FLOCK)
        err = lock_flock_apply(&ctx->flocks, req, &ed, blocker);
    else if (req->type != F_UNLCK && (*blocker = lock_find_conflict(&ctx->posix, req)))
        err = -EAGAIN;
    else
        lock_posix_apply(&ctx->posix, req, &ed);
    edit_done(ctx, &ed);
    spare[0] = ed.spare[0];
    spare[1] = ed.spare[1];
    struct list_node *n;
    while ((n = list_pop_front(&ed.dead)))
        list_push_back(dead, n);
    return err;
}

/*
 * Applies req (kind, type, owner, pid, range) to v's locks.  With `wait`, a
 * conflict puts the caller to sleep until v's locks change, then it tries
 * again.  Returns 0, -EAGAIN (a conflict and no wait), -EDEADLK, -ERESTARTSYS
 * (a signal ended the sleep) or -ENOLCK (no memory for the records).
 */
static int lock_request(struct vnode *v, const struct file_lock *req, bool wait)
{
    struct file_lock *spare[2] = {NULL, NULL}, *blocker = NULL;
    struct file_lock_ctx *spare_ctx = NULL, *ctx;
    struct list_node dead = LIST_INIT(dead);
    struct lock_waiter w = {.req = req};
    struct wait_entry we;
    bool waiting = false;
    int err = -ENOLCK;

    for (int i = 0; i < spares_needed(req); i++)
        if (!(spare[i] = kmalloc(sizeof(struct file_lock))))
            goto out;
    for (;;) {
        /* a lock on a vnode without a context brings one (allocated unlocked) */
        if (req->type != F_UNLCK && !spare_ctx && !__atomic_load_n(&v->flctx, __ATOMIC_ACQUIRE) &&
            !(spare_ctx = kmalloc(sizeof(*spare_ctx))))
            goto out;
        spin_lock(&file_locks);
        if (!(ctx = ctx_of(v, &spare_ctx))) {
            if (req->type == F_UNLCK) {         /* no lock there to let go of */
                spin_unlock(&file_locks);
                err = 0;
                goto out;
            }
            spin_unlock(&file_locks);           /* it went idle meanwhile: allocate one */
            continue;
        }
        err = lock_try(ctx, req, spare, &dead, &blocker);
        if (err == -EAGAIN && wait && req->kind == LK_POSIX && posix_deadlock(req->owner, blocker))
            err = -EDEADLK;
        if (err != -EAGAIN || !wait)
            break;
        if (!waiting) {
            w.ctx = ctx;
            list_push_back(&waiters, &w.node);
            ctx->nwaiters++;
            waiting = true;
        }
        w.blocker = blocker;
        prepare_to_wait(&ctx->wait, &we);
        if (signal_pending(current)) {
            err = -ERESTARTSYS;
            break;
        }
        spin_unlock(&file_locks);
        free_dead(&dead);
        schedule();
    }
    /* file_locks held, ctx valid */
    if (waiting) {
        finish_wait(&ctx->wait, &we);
        list_remove(&w.node);
        ctx->nwaiters--;
    }
    struct file_lock_ctx *idle = ctx_release_if_idle(ctx);
    spin_unlock(&file_locks);
    kfree(idle);
out:
    free_dead(&dead);
    kfree(spare_ctx);
    kfree(spare[0]);
    kfree(spare[1]);
    return err;
}

int locks_flock(struct file *f, unsigned cmd)
{
    unsigned op = cmd & ~LOCK_NB;
    struct file_lock req = {
        .kind = LK_FLOCK,
        .type = op == LOCK_SH ? F_RDLCK : op == LOCK_EX ? F_WRLCK : F_UNLCK,
        .owner = f,
        .pid = current->tgid,
        .start = 0,
        .end = LOCK_OFFSET_MAX,
    };
    int err = lock_request(f->vnode, &req, !(cmd & LOCK_NB));
    return err == -ENOLCK ? -ENOMEM : err;
}

/* A struct flock made into a POSIX request of the calling process, with
 * Linux's checks in Linux's order: l_whence, the range (EOVERFLOW past the
 * largest offset, EINVAL before offset 0), then l_type. */
static int request_from_flock(struct file *f, const struct linux_flock *l, struct file_lock *req)
{
    int64_t base, start, end;
    switch (l->l_whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)f->offset; break;
    case SEEK_END: base = (int64_t)READ_ONCE(f->vnode->size); break;
    default: return -EINVAL;
    }
    if (l->l_start > LOCK_OFFSET_MAX - base)
        return -EOVERFLOW;
    start = base + l->l_start;
    if (start < 0)
        return -EINVAL;
    if (l->l_len > 0) {
        if (l->l_len - 1 > LOCK_OFFSET_MAX - start)
            return -EOVERFLOW;
        end = start + (l->l_len - 1);
    } else if (l->l_len < 0) {                  /* the -l_len bytes before start */
        if (start + l->l_len < 0)
            return -EINVAL;
        end = start - 1;
        start += l->l_len;
    } else {
        end = LOCK_OFFSET_MAX;
    }
    if (l->l_type != F_RDLCK && l->l_type != F_WRLCK && l->l_type != F_UNLCK)
        return -EINVAL;
    *req = (struct file_lock){
        .kind = LK_POSIX,
        .type = l->l_type,
        .owner = current->files,
        .pid = current->tgid,
        .start = start,
        .end = end,
    };
    return 0;
}

int locks_getlk(struct file *f, int cmd, struct linux_flock *l)
{
    struct file_lock req, found;
    if (cmd != F_OFD_GETLK && l->l_type != F_RDLCK && l->l_type != F_WRLCK)
        return -EINVAL;
    int err = request_from_flock(f, l, &req);
    if (err)
        return err;
    if (cmd == F_OFD_GETLK) {
        if (l->l_pid)
            return -EINVAL;
        req.kind = LK_OFD;
        req.owner = f;
    }
    bool any = false;
    spin_lock(&file_locks);
    struct file_lock_ctx *ctx = f->vnode->flctx;
    struct file_lock *c = ctx ? lock_find_conflict(&ctx->posix, &req) : NULL;
    if (c) {
        found = *c;
        any = true;
    }
    spin_unlock(&file_locks);
    if (!any) {
        l->l_type = F_UNLCK;                    /* the rest stays as given */
        return 0;
    }
    l->l_type = found.type;
    l->l_whence = SEEK_SET;
    l->l_start = found.start;
    l->l_len = found.end == LOCK_OFFSET_MAX ? 0 : found.end - found.start + 1;
    l->l_pid = found.kind == LK_OFD ? -1 : found.pid;
    return 0;
}

int locks_setlk(struct file *f, int cmd, const struct linux_flock *l)
{
    struct file_lock req;
    int err = request_from_flock(f, l, &req);
    if (err)
        return err;
    int acc = f->flags & O_ACCMODE;
    if ((req.type == F_RDLCK && acc == O_WRONLY) || (req.type == F_WRLCK && acc == O_RDONLY))
        return -EBADF;
    if (cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW) {
        if (l->l_pid)
            return -EINVAL;
        req.kind = LK_OFD;
        req.owner = f;
        req.pid = -1;
    }
    return lock_request(f->vnode, &req, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

void locks_remove_posix(struct file *f, const void *owner)
{
    /* A close that races with a lock being set on this file by a thread of
     * the same table sees the context: that thread added it before it
     * checked (under the table's lock) that its descriptor was still open. */
    if (!__atomic_load_n(&f->vnode->flctx, __ATOMIC_ACQUIRE))
        return;
    struct file_lock req = {.kind = LK_POSIX, .type = F_UNLCK, .owner = owner, .end = LOCK_OFFSET_MAX};
    lock_request(f->vnode, &req, false);        /* a whole-range unlock cannot fail */
}

void locks_remove_file(struct file *f)
{
    if (!__atomic_load_n(&f->vnode->flctx, __ATOMIC_ACQUIRE))
        return;
    struct file_lock req = {.kind = LK_FLOCK, .type = F_UNLCK, .owner = f, .end = LOCK_OFFSET_MAX};
    lock_request(f->vnode, &req, false);
    req.kind = LK_OFD;
    lock_request(f->vnode, &req, false);
}

/* One line of /proc/locks: "1: POSIX  ADVISORY  WRITE 123 00:02:45 0 EOF". */
static void show_lock(struct seqbuf *s, int id, const char *prefix, const struct file_lock *l,
                      const struct vnode *v)
{
    static const char *const kinds[] = {[LK_FLOCK] = "FLOCK ", [LK_POSIX] = "POSIX ", [LK_OFD] = "OFDLCK"};
    seq_printf(s, "%d: %s%s ADVISORY  %s %d %02x:%02x:%llu ", id, prefix, kinds[l->kind],
               l->type == F_WRLCK ? "WRITE" : l->type == F_RDLCK ? "READ" : "UNLCK", l->pid,
               dev_major(v->sb->dev), dev_minor(v->sb->dev), (unsigned long long)v->ino);
    if (l->kind == LK_FLOCK)
        seq_printf(s, "0 EOF\n");
    else if (l->end == LOCK_OFFSET_MAX)
        seq_printf(s, "%lld EOF\n", (long long)l->start);
    else
        seq_printf(s, "%lld %lld\n", (long long)l->start, (long long)l->end);
}

int locks_show(struct seqbuf *s)
{
    int id = 0;
    spin_lock(&file_locks);
    list_for_each(n, &all_locks) {
        struct file_lock *l = container_of(n, struct file_lock, all);
        show_lock(s, ++id, "", l, l->ctx->vnode);
        list_for_each(m, &waiters) {
            struct lock_waiter *w = container_of(m, struct lock_waiter, node);
            if (w->blocker == l)
                show_lock(s, id, "-> ", w->req, w->ctx->vnode);
        }
    }
    spin_unlock(&file_locks);
    return 0;
}
