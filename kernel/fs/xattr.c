/*
 * Extended attributes: the name-space rules every file system shares, and
 * the store of the in-memory file systems (include/fs/xattr.h).
 *
 * A call goes through the steps Linux's goes through, in its order, so the
 * first refusal is the same one:
 *   1. a change on a read-only file system is EROFS;
 *   2. the name space's own rule (xattr_permission): trusted.* needs
 *      CAP_SYS_ADMIN (EPERM to change, ENODATA to read: it is invisible);
 *      user.* exists only on regular files and directories (EPERM,
 *      ENODATA), and in a sticky directory only its owner may change them;
 *      security.* and system.* have no rule here; then the file's mode bits
 *      (EACCES), except for security.* and system.*;
 *   3. changing or removing a security.* attribute needs CAP_SYS_ADMIN
 *      (Linux's capability module);
 *   4. the file system: one that keeps none is EOPNOTSUPP, so is a name
 *      outside user., trusted. and security. (system.* is only the POSIX
 *      ACLs on Linux, and there are no ACLs here), and a prefix alone is
 *      EINVAL;
 *   5. the store: a list of the vnode's attributes, each one allocation
 *      holding its name and value.  A replaced value keeps its place.
 *
 * Space: each attribute costs xattr_space(name, size) of its superblock's
 * inode space, as on Linux's tmpfs, which a tmpfs with nr_inodes checks
 * (ENOSPC).  A replacement is charged in full before the old value is
 * given back, as Linux does.
 */
#include <fs/namei.h>
#include <fs/xattr.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <proc/cred.h>

struct xattr {
    struct xattr *next;
    size_t size;                /* of the value */
    size_t nlen;                /* of the name, without its NUL */
    char data[];                /* name, NUL, value */
};

static const char *xattr_value(const struct xattr *x) { return x->data + x->nlen + 1; }

static bool has_prefix(const char *name, const char *prefix)
{
    return strncmp(name, prefix, strlen(prefix)) == 0;
}

/* Linux's simple_xattr_space: a fixed 40 bytes, the value and the name. */
static uint64_t xattr_space(const char *name, size_t size) { return 40 + size + strlen(name); }

uint64_t sb_free_ispace(const struct superblock *sb)
{
    if (!sb->max_inodes)
        return UINT64_MAX;
    uint64_t total = sb->max_inodes * XATTR_INODE_SPACE;
    uint64_t used = READ_ONCE(sb->inodes_used) * XATTR_INODE_SPACE + READ_ONCE(sb->ispace_extra);
    return total > used ? total - used : 0;
}

/* Step 2: the name space's rule, then the mode bits.  mask: MAY_READ or
 * MAY_WRITE. */
static int xattr_permission(struct vnode *v, const char *name, int mask)
{
    bool write = mask & MAY_WRITE;
    if (has_prefix(name, "security.") || has_prefix(name, "system."))
        return 0;
    if (has_prefix(name, "trusted.")) {
        if (!capable(CAP_SYS_ADMIN))
            return write ? -EPERM : -ENODATA;
    } else if (has_prefix(name, "user.")) {
        if (v->type != VREG && v->type != VDIR)
            return write ? -EPERM : -ENODATA;
        if (write && v->type == VDIR && (v->mode & S_ISVTX) && !owner_or_capable(v))
            return -EPERM;
    }
    return vnode_permission(v, mask);
}

/* Step 4: 0 if v's file system takes `name` at all. */
static int xattr_supported(struct vnode *v, const char *name)
{
    static const char *const spaces[] = {"user.", "trusted.", "security."};
    if (v->sb->xattrs == SB_XATTR_NONE)
        return -EOPNOTSUPP;
    for (size_t i = 0; i < ARRAY_SIZE(spaces); i++)
        if (has_prefix(name, spaces[i]))
            return name[strlen(spaces[i])] ? 0 : -EINVAL;
    return -EOPNOTSUPP;
}

static struct xattr **xattr_find(struct vnode *v, const char *name)
{
    size_t len = strlen(name);
    struct xattr **pp = &v->xattrs;
    for (; *pp; pp = &(*pp)->next)
        if ((*pp)->nlen == len && memcmp((*pp)->data, name, len) == 0)
            break;
    return pp;
}

ssize_t vfs_getxattr(struct vnode *v, const char *name, void *buf, size_t size)
{
    vfs_lock();
    ssize_t r = xattr_permission(v, name, MAY_READ);
    if (!r)
        r = xattr_supported(v, name);
    if (!r) {
        struct xattr *x = v->sb->xattrs == SB_XATTR_STORE ? *xattr_find(v, name) : NULL;
        if (!x)
            r = -ENODATA;
        else if (size && x->size > size)
            r = -ERANGE;
        else {
            if (size)
                memcpy(buf, xattr_value(x), x->size);
            r = (ssize_t)x->size;
        }
    }
    vfs_unlock();
    return r;
}

bool sb_ispace_charge(struct superblock *sb, uint64_t need)
{
    if (sb_free_ispace(sb) < need)
        return false;
    __atomic_add_fetch(&sb->ispace_extra, need, __ATOMIC_RELAXED);
    return true;
}

void sb_ispace_uncharge(struct superblock *sb, uint64_t n)
{
    __atomic_sub_fetch(&sb->ispace_extra, n, __ATOMIC_RELAXED);
}

static void xattr_release(struct superblock *sb, struct xattr *x)
{
    sb_ispace_uncharge(sb, xattr_space(x->data, x->size));
    kfree(x);
}

/* Step 5 of a change.  vfs_ns_lock held. */
static int xattr_store(struct vnode *v, const char *name, const void *value, size_t size, int flags)
{
    struct xattr **slot = xattr_find(v, name), *old = *slot;
    if (old && (flags & XATTR_CREATE))
        return -EEXIST;
    if (!old && ((flags & XATTR_REPLACE) || !value))
        return -ENODATA;
    if (!value) {
        *slot = old->next;
        xattr_release(v->sb, old);
        return 0;
    }
    size_t nlen = strlen(name);
    struct xattr *x = kmalloc(sizeof(*x) + nlen + 1 + size);
    if (!x)
        return -ENOMEM;
    if (!sb_ispace_charge(v->sb, xattr_space(name, size))) {
        kfree(x);
        return -ENOSPC;
    }
    x->size = size;
    x->nlen = nlen;
    memcpy(x->data, name, nlen + 1);
    memcpy(x->data + nlen + 1, value, size);
    x->next = old ? old->next : NULL;
    *slot = x;
    if (old)
        xattr_release(v->sb, old);
    return 0;
}

int vfs_setxattr(struct vnode *v, const char *name, const void *value, size_t size, int flags)
{
    vfs_lock();
    int r = vnode_check_rofs(v);
    if (!r)
        r = xattr_permission(v, name, MAY_WRITE);
    if (!r && has_prefix(name, "security.") && !capable(CAP_SYS_ADMIN))
        r = -EPERM;
    if (!r)
        r = xattr_supported(v, name);
    if (!r && v->sb->xattrs != SB_XATTR_STORE)       /* sysfs: none taken, none to remove */
        r = value || has_prefix(name, "user.") ? -EOPNOTSUPP : -ENODATA;
    if (!r)
        r = xattr_store(v, name, value, size, flags);
    if (!r)
        vnode_touch(v, false, false, true);
    vfs_unlock();
    return r;
}

ssize_t vfs_listxattr(struct vnode *v, char *buf, size_t size)
{
    bool trusted = capable(CAP_SYS_ADMIN);
    size_t used = 0;
    ssize_t r = 0;
    vfs_lock();
    for (struct xattr *x = v->xattrs; x; x = x->next) {
        if (!trusted && has_prefix(x->data, "trusted."))
            continue;
        if (size && used + x->nlen + 1 > size) {
            r = -ERANGE;
            break;
        }
        if (size)
            memcpy(buf + used, x->data, x->nlen + 1);
        used += x->nlen + 1;
    }
    vfs_unlock();
    return r ? r : (ssize_t)used;
}

void xattr_free_all(struct vnode *v)
{
    while (v->xattrs) {
        struct xattr *x = v->xattrs;
        v->xattrs = x->next;
        xattr_release(v->sb, x);
    }
}
