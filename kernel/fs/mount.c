/*
 * The mount table, mount(2) and umount2(2), the file-system types, and the
 * /proc files that list them (/proc/mounts, /proc/<pid>/mountinfo,
 * /proc/filesystems).  The concept is described in <fs/mount.h>.
 *
 * Errors follow Linux's order: the strings are copied in first (EFAULT),
 * the target is resolved (ENOENT, ENOTDIR, ELOOP...), then the caller must
 * have CAP_SYS_ADMIN (EPERM), then the type must exist (ENODEV) and its
 * options parse (EINVAL).  umount2 checks its flags (EINVAL) before the
 * path, and the privilege after it.
 */
#include <fs/fsyscall.h>
#include <fs/mount.h>
#include <fs/mqueue.h>
#include <fs/path.h>
#include <fs/ramfs.h>
#include <fs/xattr.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <proc/cred.h>

static struct mnt_ns init_ns = {.refs = 1, .ino = 0xF0000001u};   /* the first name space */
static unsigned next_ns_ino = 0xF0000100u;   /* vfs_ns_lock */
static int next_mount_id = 20;          /* vfs_ns_lock */
static uint32_t next_anon_minor = 32;   /* atomic */

dev_t mount_anon_dev(void)
{
    return MKDEV(0, __atomic_fetch_add(&next_anon_minor, 1, __ATOMIC_RELAXED));
}

/* ---------------------------------------------------------------- alias roots */

/* An alias root forwards the name-space operations to the directory it
 * stands for (priv, referenced).  Its ops table is its own, with a hook
 * only where the real directory has one, so a missing hook gives the
 * VFS's errno as it would for the real one. */
static struct vnode *REAL(struct vnode *a) { return a->priv; }

static int alias_lookup(struct vnode *d, const char *n, size_t l, struct vnode **out)
{
    return REAL(d)->ops->lookup(REAL(d), n, l, out);
}
static int alias_readdir(struct vnode *d, struct dir_ctx *ctx) { return REAL(d)->ops->readdir(REAL(d), ctx); }
static int alias_create(struct vnode *d, const char *n, size_t l, mode_t m, dev_t r, struct vnode **out)
{
    return REAL(d)->ops->create(REAL(d), n, l, m, r, out);
}
static int alias_mkdir(struct vnode *d, const char *n, size_t l, mode_t m, struct vnode **out)
{
    return REAL(d)->ops->mkdir(REAL(d), n, l, m, out);
}
static int alias_symlink(struct vnode *d, const char *n, size_t l, const char *t, struct vnode **out)
{
    return REAL(d)->ops->symlink(REAL(d), n, l, t, out);
}
static int alias_link(struct vnode *d, const char *n, size_t l, struct vnode *t)
{
    return REAL(d)->ops->link(REAL(d), n, l, t);
}
static int alias_unlink(struct vnode *d, const char *n, size_t l) { return REAL(d)->ops->unlink(REAL(d), n, l); }
static int alias_rmdir(struct vnode *d, const char *n, size_t l) { return REAL(d)->ops->rmdir(REAL(d), n, l); }
static int alias_rename(struct vnode *od, const char *on, size_t ol, struct vnode *nd, const char *nn, size_t nl,
                        unsigned fl)
{
    return REAL(od)->ops->rename(REAL(od), on, ol, vfs_real_dir(nd), nn, nl, fl);
}
static void alias_destroy(struct vnode *a)
{
    vnode_put(REAL(a));
    kfree((void *)a->ops);   /* vnode_put frees the vnode itself after this */
}

struct vnode *vfs_real_dir(struct vnode *dir)
{
    return dir->ops && dir->ops->destroy == alias_destroy ? REAL(dir) : dir;
}

static struct vnode *alias_new(struct vnode *real)
{
    const struct vnode_ops *r = real->ops;
    struct vnode_ops *ops = kzalloc(sizeof(*ops));
    struct vnode *a = ops ? vnode_alloc(real->sb, ops, real->mode) : NULL;
    if (!a) {
        kfree(ops);
        return NULL;
    }
    ops->lookup = r->lookup ? alias_lookup : NULL;
    ops->readdir = r->readdir ? alias_readdir : NULL;
    ops->create = r->create ? alias_create : NULL;
    ops->mkdir = r->mkdir ? alias_mkdir : NULL;
    ops->symlink = r->symlink ? alias_symlink : NULL;
    ops->link = r->link ? alias_link : NULL;
    ops->unlink = r->unlink ? alias_unlink : NULL;
    ops->rmdir = r->rmdir ? alias_rmdir : NULL;
    ops->rename = r->rename ? alias_rename : NULL;
    ops->destroy = alias_destroy;
    vnode_get(real);
    a->priv = real;
    a->ino = real->ino;
    a->nlink = real->nlink;
    a->uid = real->uid;
    a->gid = real->gid;
    a->atime_ns = real->atime_ns;
    a->mtime_ns = real->mtime_ns;
    a->ctime_ns = real->ctime_ns;
    return a;
}

/* ---------------------------------------------------------------- the table */

static void detach(struct mount *m);

static struct mnt_ns *ns_of(struct task *t)
{
    return t && t->fs && t->fs->mnt_ns ? t->fs->mnt_ns : &init_ns;
}

/* The caller's name space's mount that covers v (or whose root v is). */
static struct mount *find_in_ns(struct vnode *v, bool root)
{
    list_for_each(n, &ns_of(current)->mounts) {
        struct mount *m = container_of(n, struct mount, node);
        if ((root ? m->root : m->covered) == v)
            return m;
    }
    return NULL;
}

struct mount *mount_on(struct vnode *v) { return v->covered_by ? find_in_ns(v, false) : NULL; }
struct mount *mount_rooted(struct vnode *v) { return v->root_of ? find_in_ns(v, true) : NULL; }

/* The bookkeeping of a mount m becoming an entry of its name space. */
static void link_mount(struct mount *m)
{
    m->root->root_of++;
    __atomic_add_fetch(&m->root->sb->mounts, 1, __ATOMIC_SEQ_CST);
    sb_get(m->root->sb);
    vnode_get(m->root);
    if (m->covered) {
        vnode_get(m->covered);
        m->covered->covered_by++;
        m->covered->flags |= VN_MOUNTPOINT;
    }
    list_push_back(&m->ns->mounts, &m->node);
}

/* Attach `root` (referenced by the caller: the mount takes that reference)
 * on `covered` (the top of its stack; the mount takes a new reference).
 * vfs_ns_lock held. */
static int attach(struct vnode *root, struct vnode *covered, const struct fs_type *type, unsigned long flags,
                  const char *source, const char *where)
{
    struct mount *m = kzalloc(sizeof(*m));
    char *w = strdup_k(where);
    if (!m || !w) {
        kfree(m);
        kfree(w);
        vnode_put(root);
        return -ENOMEM;
    }
    if (mount_rooted(root)) {        /* already the root of a mount: an alias stands in */
        struct vnode *a = alias_new(root);
        vnode_put(root);
        if (!a) {
            kfree(m);
            kfree(w);
            return -ENOMEM;
        }
        root = a;
    }
    m->root = root;
    m->type = type;
    m->flags = flags & MNT_FLAGS_MASK;
    m->id = next_mount_id++;
    m->where = w;
    m->ns = ns_of(current);
    strlcpy(m->source, source ? source : "none", sizeof(m->source));
    m->covered = covered;
    m->parent = covered ? mount_of(covered) : NULL;
    link_mount(m);
    vnode_put(root);                 /* link_mount took the mount's own */
    return 0;
}

struct mount *mount_of(struct vnode *v)
{
    for (struct vnode *cur = v;;) {
        struct mount *m = mount_rooted(cur);
        if (m)
            return m;
        struct vnode *p = cur->parent;
        if (!p || p == cur)
            return NULL;
        cur = p;
    }
}

void mnt_ns_get(struct mnt_ns *ns)
{
    if (ns)
        __atomic_add_fetch(&ns->refs, 1, __ATOMIC_RELAXED);
}

void mnt_ns_put(struct mnt_ns *ns)
{
    if (!ns || ns == &init_ns || __atomic_sub_fetch(&ns->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    vfs_lock();
    while (!list_empty(&ns->mounts))      /* the root mount first: it takes the rest along */
        detach(container_of(ns->mounts.next, struct mount, node));
    vfs_unlock();
    kfree(ns);
}

int mnt_ns_unshare(struct fs_context *fs)
{
    struct mnt_ns *ns = kzalloc(sizeof *ns);
    if (!ns)
        return -ENOMEM;
    ns->refs = 1;
    list_init(&ns->mounts);
    vfs_lock();
    struct mnt_ns *old = fs->mnt_ns ? fs->mnt_ns : &init_ns;
    int err = 0;
    list_for_each(n, &old->mounts) {          /* everything that can fail, first */
        struct mount *m = container_of(n, struct mount, node);
        m->copy = kzalloc(sizeof *m->copy);
        if (m->copy && !(m->copy->where = strdup_k(m->where))) {
            kfree(m->copy);
            m->copy = NULL;
        }
        if (!m->copy)
            err = -ENOMEM;
    }
    list_for_each(n, &old->mounts) {
        struct mount *m = container_of(n, struct mount, node), *c = m->copy;
        if (err) {
            if (c)
                kfree(c->where);
            kfree(c);
        } else {
            c->root = m->root;
            c->covered = m->covered;
            c->ns = ns;
            c->parent = m->parent ? m->parent->copy : NULL;
            c->type = m->type;
            c->flags = m->flags;
            c->id = next_mount_id++;
            memcpy(c->source, m->source, sizeof c->source);
            link_mount(c);
        }
    }
    list_for_each(n, &old->mounts)
        container_of(n, struct mount, node)->copy = NULL;
    if (!err) {
        ns->ino = next_ns_ino++;
        fs->mnt_ns = ns;
    }
    vfs_unlock();
    if (err)
        kfree(ns);
    else
        mnt_ns_put(old);
    return err;
}

unsigned mnt_ns_ino(struct task *t)
{
    struct fs_context *fs = READ_ONCE(t->fs);
    struct mnt_ns *ns = fs ? READ_ONCE(fs->mnt_ns) : NULL;
    return ns ? READ_ONCE(ns->ino) : init_ns.ino;
}

int mnt_ns_of(struct task *t, struct mnt_ns **out)
{
    struct fs_context *fs = READ_ONCE(t->fs);
    struct mnt_ns *ns = fs ? READ_ONCE(fs->mnt_ns) : NULL;
    *out = NULL;
    if (!ns)
        return fs ? 0 : -ESRCH;
    for (int refs = __atomic_load_n(&ns->refs, __ATOMIC_ACQUIRE); refs > 0;)   /* not from 0 */
        if (__atomic_compare_exchange_n(&ns->refs, &refs, refs + 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            *out = ns;
            return 0;
        }
    return -ESRCH;
}

static bool has_children(struct mount *m)
{
    list_for_each(n, &m->ns->mounts)
        if (container_of(n, struct mount, node)->parent == m)
            return true;
    return false;
}

/* Take m (and, for MNT_DETACH, every mount inside it) out of the name
 * space and drop its references.  vfs_ns_lock held. */
static void detach(struct mount *m)
{
    for (bool again = true; again;) {          /* children first */
        again = false;
        list_for_each(n, &m->ns->mounts) {
            struct mount *c = container_of(n, struct mount, node);
            if (c->parent == m) {
                detach(c);
                again = true;
                break;
            }
        }
    }
    list_remove(&m->node);
    if (m->covered) {
        if (!--m->covered->covered_by)
            m->covered->flags &= ~VN_MOUNTPOINT;
        vnode_put(m->covered);
    }
    struct vnode *root = m->root;
    struct superblock *sb = root->sb;
    root->root_of--;
    __atomic_sub_fetch(&sb->mounts, 1, __ATOMIC_SEQ_CST);
    kfree(m->where);
    kfree(m);
    sb_kill_if_unused(sb);     /* a tmpfs nothing uses: its files go now */
    vnode_put(root);
    sb_put(sb);
}

static bool mount_busy(struct mount *m)
{
    if (has_children(m))
        return true;
    if (m->root->ops && m->root->ops->destroy == alias_destroy)
        return READ_ONCE(m->root->refcount) > m->root->root_of;   /* each name space's mount holds one */
    return READ_ONCE(m->root->sb->users) > 0;
}

/* ---------------------------------------------------------------- options */

/* A decimal number with an optional k, m, g (or t) suffix; false if malformed. */
static bool parse_size(const char *s, uint64_t *out, char *suffix)
{
    uint64_t v = 0;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9') {
        if (v > (~0ULL - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s++ - '0');
    }
    *suffix = 0;
    if (*s) {
        *suffix = *s;
        int shift = 0;
        switch (*s) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        case 't': case 'T': shift = 40; break;
        case '%': break;
        default: return false;
        }
        if (s[1] || (shift && v > (~0ULL >> shift)))
            return false;
        v <<= shift;
    }
    *out = v;
    return true;
}

static bool parse_octal(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '7' || v > 07777)
            return false;
        v = v * 8 + (uint32_t)(*s - '0');
    }
    *out = v;
    return true;
}

static bool parse_u32(const char *s, uint32_t *out)
{
    uint64_t v;
    char suffix;
    if (!parse_size(s, &v, &suffix) || suffix || v > 0xffffffffULL)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Next comma-separated option of *cursor (modified in place); NULL at the end. */
static char *next_opt(char **cursor)
{
    while (**cursor == ',')
        (*cursor)++;
    if (!**cursor)
        return NULL;
    char *o = *cursor, *c = strchr(o, ',');
    if (c) {
        *c = '\0';
        *cursor = c + 1;
    } else {
        *cursor = o + strlen(o);
    }
    return o;
}

/* "name=value": the value, or NULL if opt is not that option. */
static const char *opt_val(const char *opt, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(opt, name, n) && opt[n] == '=' ? opt + n + 1 : NULL;
}

/* ---------------------------------------------------------------- tmpfs and ramfs */

struct tmpfs_opts {
    uint64_t pages, inodes;
    uint32_t mode, uid, gid;
    bool have_pages, have_inodes, have_mode, have_uid, have_gid;
};

static uint64_t tmpfs_default_pages(void) { return pmm_total_pages() / 2; }

static int tmpfs_parse(char *opts, struct tmpfs_opts *o)
{
    char *cur = opts, *opt;
    const char *v;
    while ((opt = next_opt(&cur))) {
        uint64_t n;
        char suffix;
        if ((v = opt_val(opt, "size"))) {
            if (!parse_size(v, &n, &suffix))
                return -EINVAL;
            if (suffix == '%')
                n = pmm_total_pages() * n / 100 * PAGE_SIZE;
            o->pages = (n + PAGE_SIZE - 1) / PAGE_SIZE;
            o->have_pages = true;
        } else if ((v = opt_val(opt, "nr_blocks"))) {
            if (!parse_size(v, &n, &suffix) || suffix == '%')
                return -EINVAL;
            o->pages = n;
            o->have_pages = true;
        } else if ((v = opt_val(opt, "nr_inodes"))) {
            if (!parse_size(v, &n, &suffix) || suffix == '%')
                return -EINVAL;
            o->inodes = n;
            o->have_inodes = true;
        } else if ((v = opt_val(opt, "mode"))) {
            if (!parse_octal(v, &o->mode))
                return -EINVAL;
            o->have_mode = true;
        } else if ((v = opt_val(opt, "uid"))) {
            if (!parse_u32(v, &o->uid))
                return -EINVAL;
            o->have_uid = true;
        } else if ((v = opt_val(opt, "gid"))) {
            if (!parse_u32(v, &o->gid))
                return -EINVAL;
            o->have_gid = true;
        } else {
            return -EINVAL;
        }
    }
    return 0;
}

static int tmpfs_mount(unsigned long sb_flags, char *opts, struct vnode **root)
{
    struct tmpfs_opts o = {0};
    int err = tmpfs_parse(opts, &o);
    if (err)
        return err;
    struct vnode *r = ramfs_new_instance("tmpfs", TMPFS_MAGIC, o.have_mode ? o.mode : 01777, o.uid, o.gid, true);
    if (!r)
        return -ENOMEM;
    /* Linux's defaults: half of RAM, and as many inodes as half of RAM has pages */
    r->sb->max_pages = o.have_pages ? o.pages : tmpfs_default_pages();
    r->sb->max_inodes = o.have_inodes ? o.inodes : pmm_total_pages() / 2;
    r->sb->xattrs = SB_XATTR_STORE;      /* a ramfs mount keeps none, as on Linux */
    *root = r;
    return 0;
}

static int tmpfs_remount(struct superblock *sb, char *opts)
{
    struct tmpfs_opts o = {0};
    int err = tmpfs_parse(opts, &o);
    if (err)
        return err;
    /* as Linux: a limit cannot drop below what is in use, and cannot be
     * added to an instance that had none */
    if (o.have_pages && (o.pages < READ_ONCE(sb->pages_used) || (o.pages && !sb->max_pages)))
        return -EINVAL;
    if (o.have_inodes && (o.inodes < READ_ONCE(sb->inodes_used) || (o.inodes && !sb->max_inodes)))
        return -EINVAL;
    if (o.have_pages)
        sb->max_pages = o.pages;
    if (o.have_inodes)
        sb->max_inodes = o.inodes;
    return 0;
}

static void tmpfs_show(struct superblock *sb, struct seqbuf *s)
{
    if (sb->max_pages != tmpfs_default_pages())
        seq_printf(s, ",size=%luk", (unsigned long)(sb->max_pages * (PAGE_SIZE / 1024)));
    if (sb->max_inodes != pmm_total_pages() / 2)
        seq_printf(s, ",nr_inodes=%lu", (unsigned long)sb->max_inodes);
    struct vnode *root = sb->priv;
    if (root) {
        if ((root->mode & 07777) != 01777)
            seq_printf(s, ",mode=%03o", (unsigned)(root->mode & 07777));
        if (root->uid)
            seq_printf(s, ",uid=%u", (unsigned)root->uid);
        if (root->gid)
            seq_printf(s, ",gid=%u", (unsigned)root->gid);
    }
}

static int ramfs_mount(unsigned long sb_flags, char *opts, struct vnode **root)
{
    struct tmpfs_opts o = {0};
    char *cur = opts, *opt;
    while ((opt = next_opt(&cur))) {      /* ramfs knows mode= and ignores the rest */
        const char *v = opt_val(opt, "mode");
        if (v && !parse_octal(v, &o.mode))
            return -EINVAL;
        o.have_mode |= v != NULL;
    }
    struct vnode *r = ramfs_new_instance("ramfs", RAMFS_MAGIC, o.have_mode ? o.mode : 0755, 0, 0, true);
    if (!r)
        return -ENOMEM;
    *root = r;
    return 0;
}

static void ramfs_show(struct superblock *sb, struct seqbuf *s)
{
    struct vnode *root = sb->priv;
    if (root && (root->mode & 07777) != 0755)
        seq_printf(s, ",mode=%03o", (unsigned)(root->mode & 07777));
}

/* ---------------------------------------------------------------- single instances */

/* proc knows hidepid=, gid= and subset=: accepted, without effect. */
static int proc_mount(unsigned long sb_flags, char *opts, struct vnode **root)
{
    char *cur = opts, *opt;
    while ((opt = next_opt(&cur)))
        if (!opt_val(opt, "hidepid") && !opt_val(opt, "gid") && !opt_val(opt, "subset"))
            return -EINVAL;
    *root = procfs_root();
    vnode_get(*root);
    return 0;
}

static int sysfs_mount(unsigned long sb_flags, char *opts, struct vnode **root)
{
    *root = sysfs_root();
    vnode_get(*root);
    return 0;
}

/* devtmpfs passes its options to its tmpfs instance, created at boot:
 * checked, not applied, as Linux does once the instance exists. */
static int devtmpfs_mount(unsigned long sb_flags, char *opts, struct vnode **root)
{
    struct tmpfs_opts o = {0};
    int err = tmpfs_parse(opts, &o);
    if (err)
        return err;
    *root = devfs_root();
    vnode_get(*root);
    return 0;
}

/* mqueue: the single instance (kernel/fs/mqueue.c); it takes no options. */
static int mqueue_mount(unsigned long sb_flags, char *opts, struct vnode **root)
{
    if (*opts)
        return -EINVAL;
    *root = mqueue_root();
    vnode_get(*root);
    return 0;
}

static const struct fs_type fs_types[] = {
    { .name = "sysfs", .nodev = true, .mount = sysfs_mount },
    { .name = "tmpfs", .nodev = true, .mount = tmpfs_mount, .remount = tmpfs_remount, .show = tmpfs_show },
    { .name = "proc", .nodev = true, .mount = proc_mount },
    { .name = "devtmpfs", .nodev = true, .mount = devtmpfs_mount, .show = tmpfs_show },
    { .name = "ramfs", .nodev = true, .mount = ramfs_mount, .show = ramfs_show },
    { .name = "devpts", .nodev = true, .mount = devpts_mount, .remount = devpts_remount, .show = devpts_show },
    { .name = "mqueue", .nodev = true, .mount = mqueue_mount },
};

static const struct fs_type *find_type(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(fs_types); i++)
        if (!strcmp(fs_types[i].name, name))
            return &fs_types[i];
    return NULL;
}

/* The type of an existing mount's file system, for /proc/mounts. */
static const char *type_name(const struct mount *m)
{
    return m->type ? m->type->name : m->root->sb->name;
}

/* ---------------------------------------------------------------- mounting */

/* Splits the generic flags out of an option string ("ro", "rw", "nosuid"...,
 * as Linux's fs_context parser does) into *flags; the rest stays in opts. */
static void generic_opts(char *opts, unsigned long *flags)
{
    static const struct { const char *name; unsigned long set, clear; } generic[] = {
        { "ro", MS_RDONLY, 0 }, { "rw", 0, MS_RDONLY }, { "sync", MS_SYNCHRONOUS, 0 },
        { "async", 0, MS_SYNCHRONOUS }, { "dirsync", MS_DIRSYNC, 0 }, { "lazytime", MS_LAZYTIME, 0 },
        { "nolazytime", 0, MS_LAZYTIME }, { "mand", MS_MANDLOCK, 0 }, { "nomand", 0, MS_MANDLOCK },
    };
    char *out = opts, *cur = opts, *opt;
    bool first = true;
    while ((opt = next_opt(&cur))) {
        size_t i;
        for (i = 0; i < ARRAY_SIZE(generic); i++)
            if (!strcmp(opt, generic[i].name))
                break;
        if (i < ARRAY_SIZE(generic)) {
            *flags = (*flags | generic[i].set) & ~generic[i].clear;
            continue;
        }
        size_t n = strlen(opt);
        if (!first)
            *out++ = ',';
        memmove(out, opt, n);
        out += n;
        first = false;
    }
    *out = '\0';
}

/* A new mount of `type` on the directory `dir` (referenced by the caller),
 * whose path is `where`.  Takes vfs_ns_lock. */
static int do_new_mount(const struct fs_type *type, struct vnode *dir, const char *where, unsigned long flags,
                        const char *source, char *opts)
{
    unsigned long sb_flags = flags & MS_RDONLY;
    generic_opts(opts, &sb_flags);
    struct vnode *root;
    int err = type->mount(sb_flags, opts, &root);
    if (err) {
        vnode_put(dir);
        return err;
    }
    struct superblock *sb = root->sb;
    sb_get(sb);                          /* past the root's reference, for the end */
    vfs_lock();
    dir = cross_mounts(dir);             /* someone mounted here meanwhile: stack on top */
    if (dir->type != VDIR)
        err = -ENOTDIR;
    else if (dir->nlink == 0)
        err = -ENOENT;
    if (!err) {
        /* read-only is the superblock's: a new instance takes the flag, a
         * shared one keeps its own unless this is its first mount */
        if (root->sb->release || !root->sb->mounts)
            root->sb->flags = (root->sb->flags & ~SB_RDONLY) | (sb_flags & MS_RDONLY ? SB_RDONLY : 0);
        err = attach(root, dir, type, flags, source, where);
    } else {
        vnode_put(root);
    }
    sb_kill_if_unused(sb);               /* a new tmpfs that was not mounted after all */
    vfs_unlock();
    sb_put(sb);
    vnode_put(dir);
    return err;
}

/* MS_REMOUNT: new flags for the mount whose root `dir` is, new options for
 * its file system.  MS_BIND with it changes the mount's flags only. */
static int do_remount(struct vnode *dir, unsigned long flags, char *opts)
{
    vfs_lock();
    struct mount *m = mount_rooted(dir);
    int err = 0;
    if (!m || !m->covered)
        err = -EINVAL;
    unsigned long sb_flags = flags & MS_RDONLY;
    if (!err && !(flags & MS_BIND)) {
        generic_opts(opts, &sb_flags);
        /* as Linux: not read-only while a file there is open for writing */
        if ((sb_flags & MS_RDONLY) && !(m->root->sb->flags & SB_RDONLY) &&
            READ_ONCE(m->root->sb->writers) > 0)
            err = -EBUSY;
        else if (m->type && m->type->remount)
            err = m->type->remount(m->root->sb, opts);
        if (!err)
            m->root->sb->flags = (m->root->sb->flags & ~SB_RDONLY) | (sb_flags & MS_RDONLY ? SB_RDONLY : 0);
    }
    if (!err)
        m->flags = flags & MNT_FLAGS_MASK;
    vfs_unlock();
    vnode_put(dir);
    return err;
}

/* A path of the kernel's (from mount(2)'s arguments) from the cwd. */
static int resolve_kernel(const char *path, struct vnode **out)
{
    struct vnode *start;
    int err = path[0] ? at_start(AT_FDCWD, path, &start) : -ENOENT;
    if (err)
        return err;
    vfs_lock();
    err = walk_path(start, path, WALK_FOLLOW, out);
    vfs_unlock();
    vnode_put(start);
    return err;
}

/* The source of MS_BIND or MS_MOVE resolved into *src, and the target
 * *dir (referenced by the caller) moved to the top of its stack, with
 * vfs_ns_lock taken; on an error *dir is dropped and the lock not taken. */
static int resolve_source(const char *srcpath, struct vnode **src, struct vnode **dir)
{
    int err = resolve_kernel(srcpath, src);
    if (err) {
        vnode_put(*dir);
        return err;
    }
    vfs_lock();
    *dir = cross_mounts(*dir);
    return 0;
}

/* MS_BIND: the directory `src` mounted on `dir`, through an alias root. */
static int do_bind(struct vnode *dir, const char *where, const char *srcpath, unsigned long flags)
{
    struct vnode *src;
    int err = resolve_source(srcpath, &src, &dir);
    if (err)
        return err;
    if (src->type != VDIR || dir->type != VDIR) {
        err = -ENOTDIR;      /* binding files is not provided */
    } else {
        struct vnode *a = alias_new(vfs_real_dir(src));
        err = a ? attach(a, dir, mount_of(src) ? mount_of(src)->type : NULL, flags, srcpath, where) : -ENOMEM;
    }
    vfs_unlock();
    vnode_put(src);
    vnode_put(dir);
    return err;
}

/* Rewrites the mount points of m and of every mount inside it, whose
 * paths begin with `from`, to begin with `to` instead.  vfs_ns_lock held. */
static int rename_where(struct mount *m, const char *from, const char *to)
{
    size_t fl = strlen(from);
    list_for_each(n, &m->ns->mounts) {
        struct mount *c = container_of(n, struct mount, node);
        struct mount *p = c;
        while (p && p != m)
            p = p->parent;
        if (!p || strncmp(c->where, from, fl))
            continue;
        size_t tl = strlen(to) - (!strcmp(to, "/") && c->where[fl]);   /* no "//x" */
        char *w = kmalloc(tl + strlen(c->where + fl) + 1);
        if (!w)
            return -ENOMEM;
        memcpy(w, to, tl);
        memcpy(w + tl, c->where + fl, strlen(c->where + fl) + 1);
        kfree(c->where);
        c->where = w;
    }
    return 0;
}

/* MS_MOVE: the mount whose root `srcpath` names, with everything mounted
 * inside it, taken off its mount point and put on `dir` (referenced by the
 * caller), as Linux checks it: the source must be the root of a mount
 * other than "/" (EINVAL), of the directory kind the target is (ENOTDIR),
 * and the target must not lie inside the tree that moves (ELOOP). */
static int do_move(struct vnode *dir, const char *where, const char *srcpath)
{
    struct vnode *src;
    int err = resolve_source(srcpath, &src, &dir);
    if (err)
        return err;
    struct mount *m = mount_rooted(src);
    if (!m || !m->covered)
        err = -EINVAL;
    else if ((dir->type == VDIR) != (src->type == VDIR))
        err = -ENOTDIR;
    else if (dir->nlink == 0)
        err = -ENOENT;
    for (struct mount *p = err ? NULL : mount_of(dir); p; p = p->parent)
        if (p == m)
            err = -ELOOP;
    char *from = err ? NULL : strdup_k(m->where);
    if (!err && !from)
        err = -ENOMEM;
    if (!err)
        err = rename_where(m, from, where);
    if (!err) {
        struct vnode *old = m->covered;
        if (!--old->covered_by)
            old->flags &= ~VN_MOUNTPOINT;
        vnode_get(dir);
        m->covered = dir;
        m->parent = mount_of(dir);
        dir->covered_by++;
        dir->flags |= VN_MOUNTPOINT;
        vnode_put(old);
    }
    kfree(from);
    vfs_unlock();
    vnode_put(src);
    vnode_put(dir);
    return err;
}

static long sys_mount(const char __user *usource, const char __user *utarget, const char __user *utype,
                      unsigned long flags, const void __user *udata)
{
    char *type = NULL, *source = NULL, *opts = kzalloc(PAGE_SIZE);
    long err = opts ? 0 : -ENOMEM;
    if (!err && utype) {
        type = kmalloc(PATH_MAX);
        err = !type ? -ENOMEM : strncpy_from_user(type, utype, PATH_MAX) < 0 ? -EFAULT : 0;
    }
    if (!err && usource) {
        source = kmalloc(PATH_MAX);
        err = !source ? -ENOMEM : strncpy_from_user(source, usource, PATH_MAX) < 0 ? -EFAULT : 0;
    }
    if (!err && udata) {
        long n = strncpy_from_user(opts, udata, PAGE_SIZE);
        if (n == -EFAULT)
            err = -EFAULT;
        opts[PAGE_SIZE - 1] = '\0';
    }
    struct vnode *dir = NULL;
    if (!err)
        err = at_resolve(AT_FDCWD, utarget, 0, &dir);
    if (!err) {
        char *where = NULL;
        if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
            flags &= ~MS_MGC_MSK;
        if (flags & MS_NOUSER)
            err = -EINVAL;
        else if (!capable(CAP_SYS_ADMIN))
            err = -EPERM;
        else if (!(where = kmalloc(PATH_MAX)))
            err = -ENOMEM;
        else if ((err = vfs_path_of(dir, where, PATH_MAX)) > 0)
            err = 0;
        if (err) {
            vnode_put(dir);
        } else if (flags & MS_REMOUNT) {
            err = do_remount(dir, flags, opts);
        } else if (flags & MS_BIND) {
            err = source ? do_bind(dir, where, source, flags) : (vnode_put(dir), -EFAULT);
        } else if (flags & (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)) {
            /* one name space, nothing to propagate to: the propagation type is accepted */
            vnode_put(dir);
        } else if (flags & MS_MOVE) {
            err = source && source[0] ? do_move(dir, where, source) : (vnode_put(dir), -EINVAL);
        } else {
            const struct fs_type *t = type ? find_type(type) : NULL;
            if (!type)
                err = -EINVAL;
            else if (!t)
                err = -ENODEV;
            if (err)
                vnode_put(dir);
            else
                err = do_new_mount(t, dir, where, flags, source ? source : "none", opts);
        }
        kfree(where);
    }
    kfree(type);
    kfree(source);
    kfree(opts);
    return err;
}
SYSCALL_DEFINE(165, mount);

static long sys_umount2(const char __user *utarget, long flags)
{
    if (flags & ~(long)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return -EINVAL;
    struct vnode *dir;
    int err = at_resolve(AT_FDCWD, utarget, flags & UMOUNT_NOFOLLOW ? AT_SYMLINK_NOFOLLOW : 0, &dir);
    if (err)
        return err;
    if (!capable(CAP_SYS_ADMIN)) {
        vnode_put(dir);
        return -EPERM;
    }
    vfs_lock();
    struct mount *m = mount_rooted(dir);
    if (!m || !m->covered)
        err = m ? -EBUSY : -EINVAL;       /* not a mount point; the root is always busy */
    else if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
        err = -EINVAL;
    vnode_put(dir);                        /* the walk's reference: not a use of the mount */
    if (!err && (flags & MNT_EXPIRE)) {
        if (mount_busy(m))
            err = -EBUSY;
        else if (!m->expiring) {
            m->expiring = true;
            err = -EAGAIN;
        }
    }
    if (!err && !(flags & MNT_DETACH) && mount_busy(m))
        err = -EBUSY;                      /* MNT_FORCE: nothing to abort in memory */
    if (!err)
        detach(m);
    vfs_unlock();
    return err;
}
SYSCALL_DEFINE(166, umount2);

/* The kernel's mounts at boot: the directory is made (0755) when missing. */
int vfs_mount_kernel(const char *typename, const char *path)
{
    const struct fs_type *type = find_type(typename);
    if (!type)
        return -ENODEV;
    struct vnode *dir;
    vfs_lock();
    int err = walk_path(vfs_root(), path, WALK_FOLLOW, &dir);
    if (err == -ENOENT) {
        struct vnode *parent;
        const char *name;
        size_t len;
        bool trailing;
        err = walk_parent(vfs_root(), path, &parent, &name, &len, &trailing);
        if (!err) {
            err = !name ? -EBUSY : parent->ops && parent->ops->mkdir ? parent->ops->mkdir(parent, name, len, 0755, &dir)
                                                                     : -EROFS;
            vnode_put(parent);
        }
    }
    vfs_unlock();
    if (err)
        return err;
    char *opts = kzalloc(PAGE_SIZE);
    if (!opts) {
        vnode_put(dir);
        return -ENOMEM;
    }
    err = do_new_mount(type, dir, path, 0, typename, opts);
    kfree(opts);
    if (!err)
        kprintf("vfs: mounted %s on %s\n", typename, path);
    return err;
}

void mount_init(struct vnode *root)
{
    list_init(&init_ns.mounts);
    vnode_get(root);
    vfs_lock();
    int err = attach(root, NULL, NULL, 0, "rootfs", "/");
    vfs_unlock();
    if (err)
        panic("vfs: cannot make the root mount (%d)", err);
}

/* ---------------------------------------------------------------- /proc */

static void show_flags(struct seqbuf *s, const struct mount *m)
{
    seq_printf(s, "%s", READ_ONCE(m->root->sb->flags) & SB_RDONLY ? "ro" : "rw");
    if (m->flags & MS_NOSUID)
        seq_printf(s, ",nosuid");
    if (m->flags & MS_NODEV)
        seq_printf(s, ",nodev");
    if (m->flags & MS_NOEXEC)
        seq_printf(s, ",noexec");
    if (m->flags & MS_NOATIME)
        seq_printf(s, ",noatime");
    if (m->flags & MS_NODIRATIME)
        seq_printf(s, ",nodiratime");
    if (!(m->flags & (MS_NOATIME | MS_STRICTATIME)) && m->covered)
        seq_printf(s, ",relatime");         /* the default of mount(2) */
    if (m->flags & MS_NOSYMFOLLOW)
        seq_printf(s, ",nosymfollow");
}

/* Spaces, tabs, newlines and backslashes as octal escapes, as Linux does. */
static void show_escaped(struct seqbuf *s, const char *str)
{
    for (; *str; str++) {
        if (*str == ' ' || *str == '\t' || *str == '\n' || *str == '\\')
            seq_printf(s, "\\%03o", (unsigned)(unsigned char)*str);
        else
            seq_putc(s, *str);
    }
}

int mount_show_mounts(struct seqbuf *s, struct mnt_ns *ns)
{
    vfs_lock();
    list_for_each(n, &(ns ? ns : &init_ns)->mounts) {
        struct mount *m = container_of(n, struct mount, node);
        show_escaped(s, m->source);
        seq_putc(s, ' ');
        show_escaped(s, m->where);
        seq_printf(s, " %s ", type_name(m));
        show_flags(s, m);
        if (m->type && m->type->show)
            m->type->show(m->root->sb, s);
        seq_printf(s, " 0 0\n");
    }
    vfs_unlock();
    return 0;
}

int mount_show_mountinfo(struct seqbuf *s, struct mnt_ns *ns)
{
    vfs_lock();
    list_for_each(n, &(ns ? ns : &init_ns)->mounts) {
        struct mount *m = container_of(n, struct mount, node);
        struct superblock *sb = m->root->sb;
        seq_printf(s, "%d %d %u:%u / ", m->id, m->parent ? m->parent->id : m->id, dev_major(sb->dev),
                   dev_minor(sb->dev));
        show_escaped(s, m->where);
        seq_putc(s, ' ');
        show_flags(s, m);
        seq_printf(s, " - %s ", type_name(m));
        show_escaped(s, m->source);
        seq_printf(s, " %s", sb->flags & SB_RDONLY ? "ro" : "rw");
        if (m->type && m->type->show)
            m->type->show(sb, s);
        seq_putc(s, '\n');
    }
    vfs_unlock();
    return 0;
}

int mount_show_filesystems(struct seqbuf *s)
{
    for (size_t i = 0; i < ARRAY_SIZE(fs_types); i++)
        seq_printf(s, "%s\t%s\n", fs_types[i].nodev ? "nodev" : "", fs_types[i].name);
    return 0;
}
