/*
 * The System V IPC tables, ids and permission checks shared by shared
 * memory, semaphores and message queues (include/ipc/ipc.h).  Every
 * function runs under the table owner's lock.
 */
#include <ipc/ipc.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <proc/cred.h>

struct ipc_obj *ipc_find_key(struct ipc_table *t, int32_t key)
{
    for (int i = 0; i <= t->max_index; i++)
        if (t->slots[i] && t->slots[i]->key == key)
            return t->slots[i];
    return NULL;
}

struct ipc_obj *ipc_find_index(struct ipc_table *t, int index)
{
    return index >= 0 && index <= t->max_index ? t->slots[index] : NULL;
}

struct ipc_obj *ipc_find_id(struct ipc_table *t, int id)
{
    if (id < 0)
        return NULL;
    struct ipc_obj *o = ipc_find_index(t, id % IPC_MNI);
    return o && ipc_id(o) == id ? o : NULL;
}

/* Room for at least n slots (n <= limit): 0 or -ENOMEM. */
static int grow(struct ipc_table *t, int n, int limit)
{
    if (n <= t->size)
        return 0;
    int size = MAX(MIN(MAX(t->size * 2, 16), limit), n);
    struct ipc_obj **slots = kzalloc((size_t)size * sizeof *slots);
    if (!slots)
        return -ENOMEM;
    if (t->size)
        memcpy(slots, t->slots, (size_t)t->size * sizeof *slots);
    kfree(t->slots);
    t->slots = slots;
    t->size = size;
    return 0;
}

int ipc_add(struct ipc_table *t, struct ipc_obj *o, int32_t key, int flags, int limit)
{
    if (t->used >= limit)
        return -ENOSPC;
    int i = 0;
    while (i < t->size && t->slots[i])
        i++;
    if (i >= limit)
        return -ENOSPC;
    if (grow(t, i + 1, limit))
        return -ENOMEM;
    struct task *cur = current;
    o->key = key;
    o->uid = o->cuid = cur->euid;
    o->gid = o->cgid = cur->egid;
    o->mode = (uint32_t)flags & 0777;
    o->seq = t->seq;
    o->index = i;
    t->seq = (uint16_t)((t->seq + 1) % (0x7fffffff / IPC_MNI + 1));
    t->slots[i] = o;
    t->used++;
    t->max_index = MAX(t->max_index, i);
    return ipc_id(o);
}

void ipc_remove(struct ipc_table *t, struct ipc_obj *o)
{
    t->slots[o->index] = NULL;
    t->used--;
    while (t->max_index >= 0 && !t->slots[t->max_index])
        t->max_index--;
    if (t->used == 0) {                 /* nothing left: the table takes no memory */
        kfree(t->slots);
        t->slots = NULL;
        t->size = 0;
    }
}

long ipc_get(const struct ipc_kind *k, int32_t key, int flags, long arg)
{
    struct ipc_obj *fresh = NULL;
    long r;
    for (;;) {
        spin_lock(k->lock);
        struct ipc_obj *o = key != IPC_PRIVATE ? ipc_find_key(k->table, key) : NULL;
        if (o) {
            r = ipc_check_get(o, flags, k->check_old ? k->check_old(o, arg) : 0);
            if (!r)
                r = ipc_id(o);
            break;
        }
        if (key != IPC_PRIVATE && !(flags & IPC_CREAT)) {
            r = -ENOENT;
            break;
        }
        if (k->check_new && (r = k->check_new(arg)))
            break;
        if (!fresh) {                   /* made without the lock, then look again */
            spin_unlock(k->lock);
            fresh = k->make(arg);
            if (!fresh)
                return -ENOMEM;
            continue;
        }
        r = ipc_add(k->table, fresh, key, flags, READ_ONCE(*k->limit));
        if (r >= 0) {
            if (k->added)
                k->added(fresh, arg);
            fresh = NULL;
        }
        break;
    }
    spin_unlock(k->lock);
    if (fresh)
        k->unmake(fresh);
    return r;
}

int ipc_access(const struct ipc_obj *o, int want)
{
    struct task *t = current;
    uint32_t bits = o->mode;
    if (t->euid == o->uid || t->euid == o->cuid)
        bits >>= 6;
    else if (in_group(o->gid) || in_group(o->cgid))
        bits >>= 3;
    return (want & ~bits & 7) && !capable(CAP_IPC_OWNER) ? -EACCES : 0;
}

int ipc_check_get(const struct ipc_obj *o, int flags, int more)
{
    if ((flags & IPC_CREAT) && (flags & IPC_EXCL))
        return -EEXIST;
    if (more)
        return more;
    return ipc_access(o, ((flags >> 6) | (flags >> 3) | flags) & 7);
}

bool ipc_owner(const struct ipc_obj *o, int cap)
{
    uid_t e = current->euid;
    return e == o->uid || e == o->cuid || capable(cap);
}

int ipc_set_perm(struct ipc_obj *o, const struct kipc64_perm *p)
{
    if (p->uid == (uint32_t)-1 || p->gid == (uint32_t)-1)
        return -EINVAL;
    o->uid = p->uid;
    o->gid = p->gid;
    o->mode = (o->mode & ~0777u) | (p->mode & 0777);
    return 0;
}

void ipc_fill_perm(struct kipc64_perm *p, const struct ipc_obj *o)
{
    memset(p, 0, sizeof *p);
    p->key = o->key;
    p->uid = o->uid;
    p->gid = o->gid;
    p->cuid = o->cuid;
    p->cgid = o->cgid;
    p->mode = o->mode;
    p->seq = o->seq;
}

int64_t ipc_now(void) { return (int64_t)(time_realtime_ns() / NSEC_PER_SEC); }

struct ipc_obj *ipc_next(struct ipc_table *t, int *index)
{
    for (int i = MAX(*index, 0); i <= t->max_index; i++)
        if (t->slots[i]) {
            *index = i + 1;
            return t->slots[i];
        }
    return NULL;
}
