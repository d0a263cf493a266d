/*
 * Extended attributes (kernel/fs/xattr.c): Linux's name spaces and their
 * rules, and the store of the in-memory file systems that keep them.
 *
 * Which file systems keep attributes is their superblock's `xattrs`
 * (SB_XATTR_*): the root ramfs, every tmpfs and devtmpfs store them, like
 * Linux's tmpfs; proc, devpts, pipes and sockets keep none (EOPNOTSUPP where
 * Linux says so); sysfs has none to read (ENODATA) and takes none
 * (EOPNOTSUPP).  The vfs_*xattr calls apply the name-space rules first
 * (Linux's xattr_permission and the capability checks of security.*), so a
 * file system that keeps none still answers as Linux does for names it
 * would refuse anyway (user.* on a FIFO is EPERM to set, ENODATA to read).
 *
 * Locking: a vnode's attributes (vnode->xattrs) are under vfs_ns_lock,
 * which the vfs_*xattr calls take; they never touch user memory.
 */
#ifndef FS_XATTR_H
#define FS_XATTR_H

#include <fs/vfs.h>

#define XATTR_CREATE 0x1        /* setxattr: fail with EEXIST if it exists */
#define XATTR_REPLACE 0x2       /* setxattr: fail with ENODATA unless it exists */
#define XATTR_NAME_MAX 255      /* longest name (ERANGE beyond) */
#define XATTR_SIZE_MAX 65536    /* largest value (E2BIG beyond) */
#define XATTR_LIST_MAX 65536    /* largest list listxattr returns */

/* What a tmpfs with nr_inodes counts every inode and attribute against:
 * nr_inodes * XATTR_INODE_SPACE bytes, of which each inode takes this much
 * and each attribute xattr_space() (Linux's BOGO_INODE_SIZE and
 * simple_xattr_space), so attributes fill the inode limit as on Linux. */
#define XATTR_INODE_SPACE 1024

/* superblock->xattrs */
enum {
    SB_XATTR_NONE = 0,          /* none kept: EOPNOTSUPP (proc, devpts, pipefs, ramfs mounts) */
    SB_XATTR_STORE,             /* kept in memory with the vnode (root ramfs, tmpfs, devtmpfs) */
    SB_XATTR_EMPTY,             /* none to read (ENODATA), none taken (EOPNOTSUPP): sysfs */
};

/* The inode space a tmpfs with an inode limit has left (bytes; see
 * XATTR_INODE_SPACE); an unlimited one has UINT64_MAX.  A hard link
 * takes XATTR_INODE_SPACE of it too, as on Linux's tmpfs. */
uint64_t sb_free_ispace(const struct superblock *sb);
/* Takes `need` bytes of it beyond the vnodes' own (an attribute, a hard
 * link): false if there is not that much left.  vfs_ns_lock held. */
bool sb_ispace_charge(struct superblock *sb, uint64_t need);
void sb_ispace_uncharge(struct superblock *sb, uint64_t n);

/* getxattr: the value of `name` (NUL-terminated, checked by the caller:
 * 1..XATTR_NAME_MAX bytes) into buf (size bytes; 0 asks only its length).
 * Its length, or -ENODATA, -ERANGE (buf too small), -EOPNOTSUPP,
 * -EINVAL (a name-space prefix alone), -EACCES. */
ssize_t vfs_getxattr(struct vnode *v, const char *name, void *buf, size_t size);
/* setxattr (value non-NULL, size <= XATTR_SIZE_MAX) or removexattr (value
 * NULL): 0 or -EROFS, -EPERM, -EACCES, -EOPNOTSUPP, -EINVAL, -EEXIST
 * (XATTR_CREATE), -ENODATA (XATTR_REPLACE, or removing an absent one),
 * -ENOSPC (a tmpfs's inode space), -ENOMEM. */
int vfs_setxattr(struct vnode *v, const char *name, const void *value, size_t size, int flags);
/* listxattr: the names, each NUL-terminated, into buf (size bytes; 0 asks
 * only the length); trusted.* only for CAP_SYS_ADMIN.  The length, or
 * -ERANGE. */
ssize_t vfs_listxattr(struct vnode *v, char *buf, size_t size);
/* Frees v's attributes and gives their space back (its last reference is
 * gone: no lock needed). */
void xattr_free_all(struct vnode *v);

#endif
