/*
 * The mount table (kernel/fs/mount.c).
 *
 * Concept
 *  - A *mount* attaches the root directory of a file system to a directory
 *    of the name space, which it then hides: mount_on(covered) is the
 *    mount, mount_rooted(root) is the mount too.  Path walking (kernel/fs/namei.c)
 *    crosses from a directory to the root mounted on it, and ".." from a
 *    mounted root steps back to the covered directory first.  Nothing else
 *    is special: /proc, /sys and /dev are ordinary mounts that boot makes
 *    (vfs_mount_kernel), and mount(2)/umount2(2) add and remove the same
 *    kind of entry.
 *  - Mounting on a directory that already has a mount puts the new mount on
 *    the top one's root (that is the directory the path names), so in a
 *    name space every vnode carries at most one mount, and umount takes
 *    the top one off.
 *  - In a name space a vnode is the root of at most one mount, so that
 *    ".." has one answer.
 *    A file system whose root is already mounted (/proc mounted a second
 *    time, a second devtmpfs, a bind mount) gets a fresh *alias* root: a
 *    directory vnode that forwards every name-space operation to the real
 *    one.  What is found through it is the real file system's, so ".." from
 *    a subdirectory of such a mount leads to the original's parent.
 *  - The root ramfs is mount 1 and covers nothing; it cannot be unmounted.
 *  - File-system types (struct fs_type) make the root of a new mount: tmpfs
 *    and ramfs a new instance with its own superblock each time, whose files
 *    go once it is mounted nowhere and used by nothing (struct superblock's
 *    `kill`); proc, sysfs and devtmpfs their single instance; devpts a new
 *    instance at each mount but the first (kernel/fs/pty.c).
 *  - Busy: umount refuses (EBUSY) while another mount sits inside, or while
 *    the superblock has users (open files, working directories, file
 *    mappings: vnode_use); for a superblock mounted more than once only uses
 *    of the mount's root itself count.
 *
 * Locking: the mount lists, every mount's fields, the vnodes' `covered_by`
 * and `root_of` counts and the fs contexts' mnt_ns pointers are protected
 * by vfs_ns_lock (kernel/fs/namei.c).
 */
#ifndef FS_MOUNT_H
#define FS_MOUNT_H

#include <fs/seqfile.h>
#include <fs/vfs.h>
#include <lib/list.h>

/* mount(2) flags (Linux's values) */
#define MS_RDONLY 0x1
#define MS_NOSUID 0x2
#define MS_NODEV 0x4
#define MS_NOEXEC 0x8
#define MS_SYNCHRONOUS 0x10
#define MS_REMOUNT 0x20
#define MS_MANDLOCK 0x40
#define MS_DIRSYNC 0x80
#define MS_NOSYMFOLLOW 0x100
#define MS_NOATIME 0x400
#define MS_NODIRATIME 0x800
#define MS_BIND 0x1000
#define MS_MOVE 0x2000
#define MS_REC 0x4000
#define MS_SILENT 0x8000
#define MS_UNBINDABLE (1 << 17)
#define MS_PRIVATE (1 << 18)
#define MS_SLAVE (1 << 19)
#define MS_SHARED (1 << 20)
#define MS_RELATIME (1 << 21)
#define MS_STRICTATIME (1 << 24)
#define MS_LAZYTIME (1 << 25)
#define MS_NOUSER (1UL << 31)
#define MS_MGC_VAL 0xC0ED0000UL
#define MS_MGC_MSK 0xffff0000UL

/* umount2(2) flags */
#define MNT_FORCE 0x1
#define MNT_DETACH 0x2
#define MNT_EXPIRE 0x4
#define UMOUNT_NOFOLLOW 0x8

/* The per-mount flags kept in struct mount (the rest belong to the superblock). */
#define MNT_FLAGS_MASK (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | \
                        MS_NOSYMFOLLOW)

struct fs_type {
    const char *name;
    bool nodev;                 /* needs no device ("nodev" in /proc/filesystems) */
    /* The root of a new mount, referenced: a new instance or the single
     * one.  `opts` is the option string less the generic flags (writable,
     * NUL-terminated, may be empty).  -EINVAL for a bad option. */
    int (*mount)(unsigned long sb_flags, char *opts, struct vnode **root);
    /* MS_REMOUNT of an instance: new options (NULL hook: options ignored). */
    int (*remount)(struct superblock *sb, char *opts);
    /* The instance's options after the generic ones in /proc/mounts
     * (",size=64k,mode=755"), each with its leading comma. */
    void (*show)(struct superblock *sb, struct seqbuf *s);
};

/* A mount name space: the mount table one or more processes see
 * (struct fs_context's mnt_ns).  unshare(CLONE_NEWNS) and clone(CLONE_NEWNS)
 * give a copy of the caller's: the same file systems on the same
 * directories, as new mounts.  Mounts and unmounts are the name space's
 * own afterwards: no propagation between name spaces is provided, so
 * MS_SHARED, MS_SLAVE, MS_PRIVATE and MS_UNBINDABLE are accepted and every
 * mount behaves as private.  The last user's going takes every mount of
 * the name space down (a tmpfs mounted nowhere else gives its memory back). */
struct mnt_ns {
    int refs;                   /* fs contexts using it, atomic; the first one is never freed */
    unsigned ino;               /* /proc/<pid>/ns/mnt's number, never reused */
    struct list_node mounts;    /* its mounts, in mount order; vfs_ns_lock */
};

struct mount {
    struct vnode *root;         /* referenced; mount_rooted(root) == this in its name space */
    struct vnode *covered;      /* referenced; mount_on(covered) == this in its name space;
                                 * NULL for "/" */
    struct mnt_ns *ns;          /* the name space it belongs to (not referenced) */
    struct mount *copy;         /* while a name space is copied: the new mount */
    struct mount *parent;       /* the mount `covered` belongs to; NULL for "/" */
    const struct fs_type *type;
    unsigned long flags;        /* MNT_FLAGS_MASK bits */
    int id;                     /* /proc/<pid>/mountinfo's numbers */
    bool expiring;              /* MNT_EXPIRE asked once */
    char source[64];            /* the device argument of mount(2) */
    char *where;                /* absolute path of the mount point, as mounted */
    struct list_node node;      /* in the mount list, in mount order */
};

/* In the caller's mount name space: the mount on directory v, the mount
 * whose root v is; NULL if none.  vfs_ns_lock held. */
struct mount *mount_on(struct vnode *v);
struct mount *mount_rooted(struct vnode *v);
/* A reference to the name space; a reference dropped (the last one
 * unmounts everything in it; may sleep).  NULL is the first name space. */
void mnt_ns_get(struct mnt_ns *ns);
void mnt_ns_put(struct mnt_ns *ns);
/* unshare(CLONE_NEWNS) and clone(CLONE_NEWNS): fs (not shared with
 * another task) gets a copy of its name space.  0 or -ENOMEM. */
int mnt_ns_unshare(struct fs_context *fs);
/* t's name space, referenced, in *ns (NULL: the first one); -ESRCH if t
 * is going and its name space with it.  Does not sleep (tasks_lock held). */
int mnt_ns_of(struct task *t, struct mnt_ns **ns);
/* The number of t's name space (/proc/<pid>/ns/mnt).  tasks_lock held. */
unsigned mnt_ns_ino(struct task *t);

/* The directory an alias root stands for (dir itself if it is none). */
struct vnode *vfs_real_dir(struct vnode *dir);
/* Boot: /dev (kernel/fs/devfs.c), a devtmpfs instance mounted by the kernel. */
void devfs_init(void);
/* Boot: registers the types and makes the root ramfs mount 1. */
void mount_init(struct vnode *root);
/* The mount a vnode belongs to as far as the name space says (the mount of
 * the nearest mounted root above it); NULL for a detached vnode.
 * vfs_ns_lock held. */
struct mount *mount_of(struct vnode *v);

/* /proc/<pid>/mounts and /proc/<pid>/mountinfo: the mounts of name space
 * ns (NULL: the first one). */
int mount_show_mounts(struct seqbuf *s, struct mnt_ns *ns);
int mount_show_mountinfo(struct seqbuf *s, struct mnt_ns *ns);
/* /proc/filesystems */
int mount_show_filesystems(struct seqbuf *s);

/* The single instances' roots, for their fs_type (procfs.c, sysfs.c,
 * devfs.c, pty.c): the root directory vnode (not referenced). */
struct vnode *procfs_root(void);
struct vnode *sysfs_root(void);
struct vnode *devfs_root(void);
/* devpts (kernel/fs/pty.c): the first mount is the initial instance (the
 * kernel's /dev/pts, /dev/ptmx's), each later one a new instance; its
 * options (mode=, ptmxmode=, uid=, gid=) at mount and remount, and its
 * /proc/mounts text. */
int devpts_mount(unsigned long sb_flags, char *opts, struct vnode **root);
int devpts_remount(struct superblock *sb, char *opts);
void devpts_show(struct superblock *sb, struct seqbuf *s);

/* A new ramfs instance for tmpfs/ramfs mounts and devtmpfs: a dynamic
 * superblock named `name` with its root directory (mode and owner given),
 * referenced, or NULL.  A disposable one (tmpfs, ramfs) drops its files
 * once it is mounted nowhere and used by nothing (struct superblock's
 * `kill`); devtmpfs's is kept by the kernel. */
struct vnode *ramfs_new_instance(const char *name, uint64_t magic, mode_t mode, uid_t uid, gid_t gid,
                                 bool disposable);

/* A fresh anonymous device number for a new superblock (Linux's major 0). */
dev_t mount_anon_dev(void);

#endif
