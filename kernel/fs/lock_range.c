/*
 * Editing one vnode's list of locks (include/fs/locks.h): finding the lock
 * in a request's way, applying a flock request, and applying a POSIX or OFD
 * request with the splitting and merging of byte ranges it needs.
 *
 * Pure code: no locks, no allocator (the caller hands in two spare records,
 * the most one edit takes, and frees what the edit unlinks), run as it is by
 * the host tests (tests/host/test_fs_locks.c).
 *
 * Ranges are inclusive and never negative, end LOCK_OFFSET_MAX meaning "to
 * end of file", so "start - 1" never overflows where "end + 1" could: every
 * adjacency test below is written with the former.
 */
#include <fs/locks.h>

void lock_edit_init(struct lock_edit *ed)
{
    ed->nadded = 0;
    list_init(&ed->dead);
    ed->released = false;
}

static bool overlap(const struct file_lock *a, int64_t start, int64_t end)
{
    return a->start <= end && start <= a->end;
}

/* l overlaps start..end or is right next to it. */
static bool touches(const struct file_lock *l, int64_t start, int64_t end)
{
    return l->end >= start - 1 && l->start - 1 <= end;
}

static struct file_lock *lock_of(struct list_node *n) { return container_of(n, struct file_lock, node); }

struct file_lock *lock_find_conflict(struct list_node *list, const struct file_lock *req)
{
    list_for_each(n, list) {
        struct file_lock *l = lock_of(n);
        if (!overlap(l, req->start, req->end))
            continue;
        if (req->type == F_UNLCK ? l->owner == req->owner
                                 : l->owner != req->owner && (req->type == F_WRLCK || l->type == F_WRLCK))
            return l;
    }
    return NULL;
}

/* A copy of `model` in one of the spare records, noted as added. */
static struct file_lock *take_spare(struct lock_edit *ed, const struct file_lock *model)
{
    int i = ed->spare[0] ? 0 : 1;
    struct file_lock *n = ed->spare[i];
    BUG_ON(!n);
    ed->spare[i] = NULL;
    *n = *model;
    list_init(&n->node);
    list_init(&n->all);
    ed->added[ed->nadded++] = n;
    return n;
}

static void unlink_lock(struct lock_edit *ed, struct file_lock *l)
{
    list_remove(&l->node);
    list_push_back(&ed->dead, &l->node);
}

int lock_flock_apply(struct list_node *list, const struct file_lock *req, struct lock_edit *ed,
                     struct file_lock **conflict)
{
    list_for_each(n, list) {
        struct file_lock *l = lock_of(n);
        if (l->owner != req->owner)
            continue;
        if (l->type == req->type)
            return 0;
        unlink_lock(ed, l);             /* a conversion starts by letting go */
        ed->released = true;
        break;
    }
    if (req->type == F_UNLCK)
        return 0;
    if ((*conflict = lock_find_conflict(list, req)))
        return -EAGAIN;
    list_push_back(list, &take_spare(ed, req)->node);
    return 0;
}

/* Link n among its owner's locks in order of start; an owner new to the
 * list goes to the end. */
static void insert_posix(struct list_node *list, struct file_lock *n)
{
    struct list_node *after = list->prev;
    bool owner_seen = false;
    list_for_each(p, list) {
        struct file_lock *l = lock_of(p);
        if (l->owner != n->owner) {
            if (owner_seen)
                break;                  /* past the owner's group */
            continue;
        }
        if (l->start > n->start) {
            after = p->prev;
            break;
        }
        owner_seen = true;
        after = p;
    }
    list_insert_between(&n->node, after, after->next);
}

void lock_posix_apply(struct list_node *list, const struct file_lock *req, struct lock_edit *ed)
{
    int64_t start = req->start, end = req->end;
    struct file_lock *base = NULL;

    /* The owner's locks of the requested type that the range overlaps or
     * touches become one: the first of them, grown over the others. */
    if (req->type != F_UNLCK) {
        list_for_each_safe(n, list) {
            struct file_lock *l = lock_of(n);
            if (l->owner != req->owner || l->type != req->type || !touches(l, start, end))
                continue;
            start = MIN(start, l->start);
            end = MAX(end, l->end);
            if (!base)
                base = l;
            else
                unlink_lock(ed, l);
        }
    }

    /* The range is cut out of the owner's other locks (all of them for an
     * unlock).  Those of the requested type do not overlap anything cut
     * here, so growing the range above changed nothing for this step. */
    list_for_each_safe(n, list) {
        struct file_lock *l = lock_of(n);
        if (l->owner != req->owner || l == base || (req->type != F_UNLCK && l->type == req->type) ||
            !overlap(l, start, end))
            continue;
        if (req->type != F_WRLCK)
            ed->released = true;        /* unlocked, or a write lock weakened to read */
        if (l->start < start && l->end > end) {
            /* The range falls inside l: l keeps the part after it, a new
             * record (placed before l) the part before. */
            struct file_lock *left = take_spare(ed, l);
            left->end = start - 1;
            list_insert_between(&left->node, l->node.prev, &l->node);
            l->start = end + 1;
        } else if (l->start < start) {
            l->end = start - 1;
        } else if (l->end > end) {
            l->start = end + 1;
        } else {
            unlink_lock(ed, l);
        }
    }

    if (req->type == F_UNLCK)
        return;
    if (base) {
        base->start = start;
        base->end = end;
        return;
    }
    struct file_lock *n = take_spare(ed, req);
    n->start = start;
    n->end = end;
    insert_posix(list, n);
}
