/*
 * ramfs directories, symlinks and special files.
 *
 * A directory is a hash table of entries (FNV-1a of the name, chains, the
 * table doubles when the load passes 2) for O(1) lookup, plus a list of the
 * same entries in creation order for readdir.  Each entry has a cookie from
 * a per-directory counter that never goes back, and readdir resumes at the
 * first entry whose cookie is >= the saved position: deleting entries while
 * a reader walks the directory (rm -r) never makes it skip or repeat one.
 *
 * Each name holds one reference on its vnode, and nlink counts the names
 * (plus "." and the children's ".." for directories), so an unlinked open
 * file lives until its last close.  All hooks run under vfs_ns_lock.
 */
#include <fs/mount.h>
#include <fs/ramfs.h>
#include <fs/xattr.h>
#include <kernel/time.h>
#include <lib/list.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <proc/cred.h>

/* the root: it keeps extended attributes, as Linux's rootfs (a tmpfs) does */
struct superblock ramfs_sb = {.name = "ramfs", .magic = RAMFS_MAGIC, .dev = 1, .next_ino = 1, .xattrs = SB_XATTR_STORE};

struct rdirent {
    struct rdirent *hnext;      /* hash chain */
    struct list_node order;     /* creation order, for readdir */
    uint64_t cookie;
    struct vnode *v;            /* referenced */
    uint32_t hash;
    uint16_t len;
    char name[];
};

struct rdir {
    struct rdirent **buckets;
    uint32_t nbuckets;
    uint32_t count;
    struct list_node order;
    uint64_t next_cookie;       /* readdir positions 0 and 1 are "." and ".." */
};

static const struct vnode_ops ramfs_dir_ops, ramfs_symlink_ops, ramfs_special_ops;

static uint32_t name_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static struct rdir *RD(struct vnode *dir) { return dir->priv; }

static struct rdirent **find_slot(struct rdir *d, const char *name, size_t len)
{
    uint32_t h = name_hash(name, len);
    struct rdirent **pp = &d->buckets[h & (d->nbuckets - 1)];
    for (; *pp; pp = &(*pp)->hnext)
        if ((*pp)->hash == h && (*pp)->len == len && memcmp((*pp)->name, name, len) == 0)
            return pp;
    return pp;   /* the NULL link where it would go */
}

static void maybe_grow(struct rdir *d)
{
    if (d->count <= d->nbuckets * 2 || d->nbuckets >= (1u << 20))
        return;
    uint32_t nb = d->nbuckets * 2;
    struct rdirent **nt = kzalloc(nb * sizeof(*nt));
    if (!nt)
        return;   /* longer chains, still correct */
    for (uint32_t i = 0; i < d->nbuckets; i++)
        for (struct rdirent *e = d->buckets[i], *nx; e; e = nx) {
            nx = e->hnext;
            e->hnext = nt[e->hash & (nb - 1)];
            nt[e->hash & (nb - 1)] = e;
        }
    kfree(d->buckets);
    d->buckets = nt;
    d->nbuckets = nb;
}

static struct rdirent *entry_new(const char *name, size_t len, struct vnode *v)
{
    struct rdirent *e = kmalloc(sizeof(*e) + len + 1);
    if (!e)
        return NULL;
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    e->len = (uint16_t)len;
    e->hash = name_hash(name, len);
    e->v = v;
    e->hnext = NULL;
    list_init(&e->order);
    return e;
}

/* Link a prepared entry into dir (the name must be absent). */
static void entry_insert(struct vnode *dir, struct rdirent *e)
{
    struct rdir *d = RD(dir);
    struct rdirent **slot = &d->buckets[e->hash & (d->nbuckets - 1)];
    e->hnext = *slot;
    *slot = e;
    e->cookie = d->next_cookie++;
    list_push_back(&d->order, &e->order);
    d->count++;
    dir->size = d->count;
    maybe_grow(d);
}

static void entry_remove(struct vnode *dir, struct rdirent **slot)
{
    struct rdir *d = RD(dir);
    struct rdirent *e = *slot;
    *slot = e->hnext;
    list_remove(&e->order);
    d->count--;
    dir->size = d->count;
}

static struct vnode *dir_alloc(struct superblock *sb, mode_t perm)
{
    struct vnode *v = vnode_alloc(sb, &ramfs_dir_ops, S_IFDIR | (perm & S_IALLUGO));
    if (!v)
        return NULL;
    struct rdir *d = kzalloc(sizeof(*d));
    struct rdirent **b = kzalloc(8 * sizeof(*b));
    if (!d || !b) {
        kfree(d);
        kfree(b);
        v->ops = NULL;
        vnode_put(v);
        return NULL;
    }
    d->buckets = b;
    d->nbuckets = 8;
    d->next_cookie = 2;
    list_init(&d->order);
    v->priv = d;
    v->nlink = 2;   /* its name and its "." */
    return v;
}

struct vnode *ramfs_new_root(void)
{
    return dir_alloc(&ramfs_sb, 0755);
}

static void instance_release(struct superblock *sb) { kfree(sb); }

static void instance_kill(struct superblock *sb);

struct vnode *ramfs_new_instance(const char *name, uint64_t magic, mode_t mode, uid_t uid, gid_t gid,
                                 bool disposable)
{
    struct superblock *sb = kzalloc(sizeof(*sb));
    if (!sb)
        return NULL;
    sb->name = name;
    sb->magic = magic;
    sb->dev = mount_anon_dev();
    sb->next_ino = 1;
    sb->release = instance_release;
    sb->refs = 1;             /* ours while the root is made */
    struct vnode *root = dir_alloc(sb, mode);
    sb_put(sb);               /* the root holds it now; if the root failed, it is freed */
    if (!root)
        return NULL;
    root->uid = uid;
    root->gid = gid;
    sb->priv = root;          /* for the mount options and instance_kill */
    if (disposable) {
        vnode_get(root);      /* the instance's own, until instance_kill */
        sb->kill = instance_kill;
    }
    return root;
}

/* A new vnode on dir's file system would pass its inode limit (ENOSPC:
 * its inode space, which extended attributes use too, <fs/xattr.h>), or
 * that file system is read-only (EROFS). */
static int may_add(struct vnode *dir)
{
    int err = vnode_check_rofs(dir);
    if (!err && sb_free_ispace(dir->sb) < XATTR_INODE_SPACE)
        err = -ENOSPC;
    return err;
}

static void dir_destroy(struct vnode *dir)
{
    struct rdir *d = RD(dir);
    list_for_each_safe(n, &d->order) {
        struct rdirent *e = container_of(n, struct rdirent, order);
        vnode_put(e->v);
        kfree(e);
    }
    kfree(d->buckets);
    kfree(d);
}

static int dir_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    struct rdirent *e = *find_slot(RD(dir), name, len);
    if (!e)
        return -ENOENT;
    vnode_get(e->v);
    *out = e->v;
    return 0;
}

static int dir_readdir(struct vnode *dir, struct dir_ctx *ctx)
{
    struct rdir *d = RD(dir);
    list_for_each(n, &d->order) {
        struct rdirent *e = container_of(n, struct rdirent, order);
        if (e->cookie < ctx->pos)
            continue;
        if (!dir_emit(ctx, e->name, e->len, e->v->ino, vtype_to_dtype(e->v->type), e->cookie + 1))
            break;
    }
    return 0;
}

/* Common tail of every creation: refuse in a removed directory or over an
 * existing name, then link `v` (consuming the caller's reference into the
 * entry) and hand a second reference back in *out. */
static int dir_add(struct vnode *dir, const char *name, size_t len, struct vnode *v, struct vnode **out)
{
    struct rdirent *e = NULL;
    int err = 0;
    if (dir->nlink == 0)
        err = -ENOENT;
    else if (*find_slot(RD(dir), name, len))
        err = -EEXIST;
    else if (!(e = entry_new(name, len, v)))
        err = -ENOMEM;
    if (err) {
        vnode_put(v);
        return err;
    }
    entry_insert(dir, e);
    vnode_touch(dir, false, true, true);
    if (out) {
        vnode_get(v);
        *out = v;
    }
    return 0;
}

/* A new non-directory node for dir, not linked into it yet (*out).  0,
 * -EROFS, -ENOSPC (no inode left on a tmpfs) or -ENOMEM. */
static int node_new(struct vnode *dir, mode_t mode, dev_t rdev, struct vnode **out)
{
    mode_t type = mode & S_IFMT;
    int err = may_add(dir);
    if (err)
        return err;
    struct vnode *v = vnode_alloc(dir->sb, type == S_IFREG ? &ramfs_file_vops : &ramfs_special_ops,
                                  type | (mode & S_IALLUGO));
    if (!v)
        return -ENOMEM;
    v->rdev = rdev;
    if (type == S_IFREG && ramfs_file_init(v) < 0) {
        v->ops = NULL;
        vnode_put(v);
        return -ENOMEM;
    }
    /* the file remembers the directory of its name, so its path can be
     * shown (/proc/<pid>/maps, /proc/<pid>/fd) */
    vnode_get(dir);
    v->parent = dir;
    cred_init_new_file(v, dir);
    *out = v;
    return 0;
}

static int dir_create(struct vnode *dir, const char *name, size_t len, mode_t mode, dev_t rdev,
                      struct vnode **out)
{
    mode_t type = mode & S_IFMT;
    if (type != S_IFREG && type != S_IFIFO && type != S_IFCHR && type != S_IFBLK && type != S_IFSOCK)
        return -EINVAL;
    struct vnode *v;
    int err = node_new(dir, mode, rdev, &v);
    return err ? err : dir_add(dir, name, len, v, out);
}

static int dir_mkdir(struct vnode *dir, const char *name, size_t len, mode_t mode, struct vnode **out)
{
    int err = may_add(dir);
    if (err)
        return err;
    struct vnode *v = dir_alloc(dir->sb, mode);
    if (!v)
        return -ENOMEM;
    vnode_get(dir);
    v->parent = dir;
    cred_init_new_file(v, dir);
    err = dir_add(dir, name, len, v, out);
    if (err == 0)
        vnode_add_link(dir);   /* the child's ".." */
    return err;
}

static int dir_symlink(struct vnode *dir, const char *name, size_t len, const char *target,
                       struct vnode **out)
{
    int err = may_add(dir);
    if (err)
        return err;
    size_t tl = strlen(target);
    char *copy = kmalloc(tl + 1);
    struct vnode *v = copy ? vnode_alloc(dir->sb, &ramfs_symlink_ops, S_IFLNK | 0777) : NULL;
    if (!v) {
        kfree(copy);
        return -ENOMEM;
    }
    memcpy(copy, target, tl + 1);
    v->priv = copy;
    v->size = tl;
    if (tl >= RAMFS_SHORT_SYMLINK) {
        if (!ramfs_charge_page(v, true)) {
            vnode_put(v);             /* symlink_destroy sees no page to give back */
            return -ENOSPC;
        }
        v->blocks = PAGE_SIZE / 512;
    }
    cred_init_new_file(v, dir);
    return dir_add(dir, name, len, v, out);
}

static int dir_link(struct vnode *dir, const char *name, size_t len, struct vnode *target)
{
    if (target->type == VDIR)
        return -EPERM;
    bool unnamed = target->nlink == 0;
    if (unnamed && !(target->flags & VN_LINKABLE))
        return -ENOENT;
    int err = vnode_check_rofs(dir);
    if (err)
        return err;
    /* a second name takes inode space, as on Linux's tmpfs (names_dropped) */
    if (!unnamed && !sb_ispace_charge(dir->sb, XATTR_INODE_SPACE))
        return -ENOSPC;
    vnode_get(target);
    err = dir_add(dir, name, len, target, NULL);
    if (err) {
        if (!unnamed)
            sb_ispace_uncharge(dir->sb, XATTR_INODE_SPACE);
        return err;
    }
    vnode_add_link(target);
    if (unnamed) {
        /* an O_TMPFILE file's first name: its directory is this one now */
        target->flags &= ~VN_LINKABLE;
        struct vnode *old = target->parent;
        vnode_get(dir);
        target->parent = dir;
        vnode_put(old);
    }
    return 0;
}

/* O_TMPFILE: a regular file like dir_create's, in no directory. */
static int dir_tmpfile(struct vnode *dir, mode_t mode, struct vnode **out)
{
    int err = node_new(dir, S_IFREG | (mode & S_IALLUGO), 0, out);
    if (!err)
        (*out)->nlink = 0;              /* freed at its last close unless linkat names it */
    return err;
}

static bool dir_is_empty(struct vnode *v) { return RD(v)->count == 0; }

/* A file loses one of its names: the inode space a name past the first
 * took (dir_link) goes back, and its link count goes down. */
static void name_dropped(struct vnode *v)
{
    if (v->nlink > 1)
        sb_ispace_uncharge(v->sb, XATTR_INODE_SPACE);
    vnode_drop_link(v);
}

/* Drop the entry at slot: the name's link and its reference. */
static void drop_entry(struct vnode *dir, struct rdirent **slot)
{
    struct rdirent *e = *slot;
    entry_remove(dir, slot);
    struct vnode *v = e->v;
    if (v->type == VDIR) {
        v->nlink = 0;              /* removed: lookups and creations in it fail */
        vnode_drop_link(dir);      /* its ".." */
    } else {
        name_dropped(v);
    }
    vnode_touch(dir, false, true, true);
    kfree(e);
    vnode_put(v);
}

/*
 * A disposable instance that is mounted nowhere and used by nothing
 * (sb->kill; vfs_ns_lock held): every name goes, deepest first, without
 * recursion (the depth is the user's), as rm -r would remove them.  What
 * nothing else holds is freed on the way; a vnode still held (by a walk that
 * started before the last use went) lives on unlinked until its last put.
 * Then the root is marked removed and the instance's own reference on it goes.
 */
static void instance_kill(struct superblock *sb)
{
    struct vnode *root = sb->priv, *dir = root;
    for (;;) {
        struct rdir *d = RD(dir);
        if (list_empty(&d->order)) {
            if (dir == root)
                break;
            dir = dir->parent;      /* held by its entry there, next to go */
            continue;
        }
        struct rdirent *e = list_first_entry(&d->order, struct rdirent, order);
        if (e->v->type == VDIR && !dir_is_empty(e->v)) {
            dir = e->v;             /* empty it first */
            continue;
        }
        drop_entry(dir, find_slot(d, e->name, e->len));
    }
    root->nlink = 0;                /* creations in it fail (dir_add) */
    sb->priv = NULL;
    vnode_put(root);
}

static int dir_unlink(struct vnode *dir, const char *name, size_t len)
{
    int err = vnode_check_rofs(dir);
    if (err)
        return err;
    struct rdirent **slot = find_slot(RD(dir), name, len);
    if (!*slot)
        return -ENOENT;
    if ((*slot)->v->type == VDIR)
        return -EISDIR;
    drop_entry(dir, slot);
    return 0;
}

static int dir_rmdir(struct vnode *dir, const char *name, size_t len)
{
    int err = vnode_check_rofs(dir);
    if (err)
        return err;
    struct rdirent **slot = find_slot(RD(dir), name, len);
    if (!*slot)
        return -ENOENT;
    struct vnode *v = (*slot)->v;
    if (v->type != VDIR)
        return -ENOTDIR;
    if (v->flags & VN_MOUNTPOINT)
        return -EBUSY;
    if (!dir_is_empty(v))
        return -ENOTEMPTY;
    drop_entry(dir, slot);
    return 0;
}

/* v's name moved from directory `from` to directory `to`: a directory's
 * ".." and both parents' link counts follow, and so does a file's path. */
static void name_moved(struct vnode *v, struct vnode *from, struct vnode *to)
{
    if (from == to)
        return;
    if (v->type == VDIR) {
        vnode_drop_link(from);
        vnode_add_link(to);
    } else if (v->parent != from) {
        return;
    }
    vnode_get(to);
    struct vnode *op = v->parent;
    v->parent = to;
    vnode_put(op);
}

/* Does sb behave as Linux's tmpfs (the root, tmpfs, devtmpfs: extended
 * attributes and whiteouts) rather than as its ramfs (a ramfs of mount(2))? */
static bool tmpfs_like(const struct superblock *sb) { return sb->xattrs == SB_XATTR_STORE; }

static int dir_rename(struct vnode *odir, const char *oname, size_t olen, struct vnode *ndir,
                      const char *nname, size_t nlen, unsigned flags)
{
    int err = vnode_check_rofs(odir);
    if (err)
        return err;
    if ((flags & RENAME_WHITEOUT) && !tmpfs_like(odir->sb))
        return -EINVAL;
    struct rdirent **oslot = find_slot(RD(odir), oname, olen);
    if (!*oslot)
        return -ENOENT;
    struct vnode *src = (*oslot)->v;
    struct rdirent **nslot = find_slot(RD(ndir), nname, nlen);
    struct rdirent *tgt = *nslot;
    if (ndir->nlink == 0)
        return -ENOENT;
    if (tgt && tgt->v == src)
        return 0;                   /* two names of one file: POSIX says do nothing */
    if (tgt) {
        if (src->type == VDIR && tgt->v->type != VDIR)
            return -ENOTDIR;
        if (src->type != VDIR && tgt->v->type == VDIR)
            return -EISDIR;
        if (tgt->v->type == VDIR && (!dir_is_empty(tgt->v) || (tgt->v->flags & VN_MOUNTPOINT)))
            return tgt->v->flags & VN_MOUNTPOINT ? -EBUSY : -ENOTEMPTY;
    }
    /* allocate before changing anything, so ENOMEM (and a whiteout's
     * ENOSPC) leaves both dirs intact */
    struct vnode *wh = NULL;
    struct rdirent *we = NULL;
    if ((flags & RENAME_WHITEOUT) && (err = node_new(odir, S_IFCHR, 0, &wh)))
        return err;
    if (wh && !(we = entry_new(oname, olen, wh))) {
        vnode_put(wh);
        return -ENOMEM;
    }
    struct rdirent *ne = tgt ? NULL : entry_new(nname, nlen, src);
    if (!tgt && !ne) {
        kfree(we);
        vnode_put(wh);
        return -ENOMEM;
    }

    struct rdirent *oe = *oslot;
    entry_remove(odir, oslot);
    kfree(oe);                      /* src's reference moves to the new name */
    if (tgt) {
        struct vnode *old = tgt->v;
        tgt->v = src;
        if (old->type == VDIR) {
            old->nlink = 0;
            vnode_drop_link(ndir);
        } else {
            name_dropped(old);
        }
        vnode_put(old);
    } else {
        entry_insert(ndir, ne);
    }
    name_moved(src, odir, ndir);
    if (we)
        entry_insert(odir, we);     /* the whiteout takes the old name (and wh's reference) */
    vnode_touch(odir, false, true, true);
    vnode_touch(ndir, false, true, true);
    vnode_touch(src, false, false, true);
    return 0;
}

/* renameat2(RENAME_EXCHANGE): the two names, both existing, swap their
 * files, which may be directories; nothing is allocated or freed. */
static int dir_exchange(struct vnode *odir, const char *oname, size_t olen, struct vnode *ndir,
                        const char *nname, size_t nlen)
{
    int err = vnode_check_rofs(odir);
    if (err)
        return err;
    struct rdirent *oe = *find_slot(RD(odir), oname, olen);
    struct rdirent *ne = *find_slot(RD(ndir), nname, nlen);
    if (!oe || !ne)
        return -ENOENT;
    struct vnode *a = oe->v, *b = ne->v;
    if (a == b)
        return 0;
    oe->v = b;
    ne->v = a;
    name_moved(a, odir, ndir);
    name_moved(b, ndir, odir);
    vnode_touch(odir, false, true, true);
    vnode_touch(ndir, false, true, true);
    vnode_touch(a, false, false, true);
    vnode_touch(b, false, false, true);
    return 0;
}

static ssize_t symlink_readlink(struct vnode *v, char *buf, size_t n)
{
    size_t len = MIN(n, (size_t)v->size);
    memcpy(buf, v->priv, len);
    return (ssize_t)len;
}

static ssize_t symlink_read_kernel(struct vnode *v, uint64_t off, void *kbuf, size_t len)
{
    return -EINVAL;
}

static void symlink_destroy(struct vnode *v)
{
    if (v->blocks)
        ramfs_uncharge_page(v);
    kfree(v->priv);
}

static const struct vnode_ops ramfs_dir_ops = {
    .lookup = dir_lookup,
    .readdir = dir_readdir,
    .create = dir_create,
    .mkdir = dir_mkdir,
    .symlink = dir_symlink,
    .link = dir_link,
    .tmpfile = dir_tmpfile,
    .unlink = dir_unlink,
    .rmdir = dir_rmdir,
    .rename = dir_rename,
    .exchange = dir_exchange,
    .destroy = dir_destroy,
};

static const struct vnode_ops ramfs_symlink_ops = {
    .readlink = symlink_readlink,
    .read_kernel = symlink_read_kernel,
    .destroy = symlink_destroy,
};

static const struct vnode_ops ramfs_special_ops = {0};
