/*
 * The virtual file system: vnodes (in-memory inodes), open files, the
 * per-process descriptor table, and the hooks other subsystems build on.
 *
 * Concepts
 *  - A *vnode* is one file-system object (regular file, directory, symlink,
 *    character device, FIFO).  Its `ops` (struct vnode_ops) are the name-space
 *    operations a file system implements (lookup, create, unlink, readdir...);
 *    its `fops` (struct file_ops) are installed into every struct file opened
 *    on it (read, write, ioctl, poll...).  Directories need no fops: the VFS
 *    serves getdents64 from vnode_ops->readdir.
 *  - A *file* is one open-file description: offset, status flags and a
 *    reference to its vnode.  dup() and fork() share it (refcounted).
 *  - An *fdtable* maps small integers to files, with a per-descriptor
 *    FD_CLOEXEC bit and lowest-free allocation.
 *
 * Buffers: file_ops->read/write take a `struct iobuf` (include/mm/uaccess.h):
 * user memory for read(2) and write(2), a kernel buffer for sendfile, splice
 * and copy_file_range, and copy with the iob_* helpers themselves, so data
 * moves exactly once (user <-> page frame, user <-> pipe ring, user <-> tty
 * queue).  Kernel code
 * that wants file data (exec, the page-fault handler) uses vnode_read_kernel()
 * and vnode_get_page(), which never sleep.
 *
 * Locking
 *  - The name space (every directory's entries, mounts, link counts and
 *    renames) is protected by one sleeping lock, vfs_ns_lock, taken by the
 *    VFS around each vnode_ops name-space call.  File systems therefore never
 *    see two name-space operations at once.  vnode_ops hooks may sleep and
 *    allocate; they may not call back into path walking.
 *  - File data (size, pages) has a per-vnode spinlock `lock`, so the fault
 *    path (which holds a spinlock) can read pages; writers of one vnode are
 *    serialised by the fs with a sleeping lock of its own.
 *  - Reference counts are atomic.  A vnode is destroyed when its last
 *    reference goes and it has no names left (nlink == 0), or, for VN_TRANSIENT
 *    vnodes (procfs), as soon as the last reference goes.
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <lib/list.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>

struct vnode;
struct file;
struct poll_table;   /* defined in <fs/poll.h> */
struct dir_ctx;
struct pipe;
struct unix_sock;
struct file_lock_ctx;
struct xattr;

typedef uint64_t dev_t;
#define MKDEV(ma, mi) ((dev_t)(((uint64_t)(ma) << 8) | ((mi) & 0xff) | (((uint64_t)(mi) & ~0xffULL) << 12)))
/* The two halves of a dev_t again (glibc's gnu_dev_major/gnu_dev_minor). */
static inline uint32_t dev_major(dev_t d) { return (uint32_t)(((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffULL)); }
static inline uint32_t dev_minor(dev_t d) { return (uint32_t)((d & 0xff) | ((d >> 12) & ~0xffULL)); }

#define NAME_MAX 255
#define PATH_MAX 4096
#define SYMLOOP_MAX 40        /* symlinks followed in one walk before ELOOP */
#define NR_OPEN_MAX 1024      /* RLIMIT_NOFILE: descriptors per process */

enum vtype { VNON = 0, VREG, VDIR, VLNK, VCHR, VFIFO, VSOCK, VBLK };

/*
 * One per file-system instance (the root ramfs, /proc, each tmpfs mount...).
 * Static ones (ramfs_sb, proc_sb...) live for ever; a dynamic one (a tmpfs
 * made by mount(2)) has `release` and is freed when its last vnode and its
 * last mount are gone (`refs`).
 *
 * A tmpfs or ramfs of mount(2) also has `kill`: its directories hold their
 * files and every vnode holds its directory, so the tree would keep itself
 * alive.  Once the instance is mounted nowhere and used by nothing (`mounts`
 * and `users` both 0: after umount, or after MNT_DETACH when the last open
 * file or working directory inside lets go), nothing can reach its names any
 * more and sb_kill_if_unused drops them, as Linux drops a tmpfs's contents
 * when its superblock dies.  Whichever of the two counts reaches 0 last
 * does it: umount2 under vfs_ns_lock, vnode_unuse by taking it.
 */
struct superblock {
    const char *name;          /* "ramfs", "proc", "devtmpfs" */
    uint64_t magic;            /* statfs f_type */
    dev_t dev;                 /* st_dev of every vnode on it */
    uint64_t next_ino;         /* allocator for vnode_alloc(); atomic */
    unsigned long flags;       /* SB_RDONLY; changed under vfs_ns_lock, read racily */
    /* Limits of a tmpfs (0: none, the root ramfs) and what is in use; the
     * counts are atomic, a creation checks max_inodes under vfs_ns_lock. */
    uint64_t max_pages, pages_used;     /* frames of file data */
    uint64_t max_inodes, inodes_used;   /* vnodes alive, its root included */
    uint64_t ispace_extra;     /* atomic: the inode space (<fs/xattr.h>) taken beyond
                                * each vnode's own: extended attributes, and the names
                                * of files past their first; taken under vfs_ns_lock,
                                * given back without it when a vnode dies */
    int xattrs;                /* SB_XATTR_* (<fs/xattr.h>): does it keep extended
                                * attributes; set before it is mounted */
    int writers;               /* atomic: regular files open for writing on it
                                * (remount,ro: EBUSY); vnode_get_write_access */
    int users;                 /* atomic: open files, working directories and file
                                * mappings on its vnodes (umount's EBUSY) */
    int mounts;                /* mounts of it; changed under vfs_ns_lock, atomic for
                                * vnode_unuse's unlocked look */
    int refs;                  /* dynamic only, atomic: its vnodes + 1 while mounted */
    void (*release)(struct superblock *sb);   /* dynamic only: frees it */
    /* Drops the instance's names once it is unmounted and unused (see
     * above); NULL for one that keeps them (the static ones, devtmpfs,
     * whose single instance the kernel keeps).  vfs_ns_lock held. */
    void (*kill)(struct superblock *sb);
    bool killed;               /* `kill` ran; vfs_ns_lock */
    void *priv;                /* file-system private */
};

#define SB_RDONLY 0x1          /* Linux's value: writes give EROFS */

/* A dynamic superblock's references (vnode_alloc takes one per vnode, a
 * mount one); no-ops on a static one. */
void sb_get(struct superblock *sb);
void sb_put(struct superblock *sb);
/* Runs sb->kill once, if sb has one and is mounted nowhere and used by
 * nothing.  vfs_ns_lock held. */
void sb_kill_if_unused(struct superblock *sb);

/*
 * Name-space operations.  All are optional; a missing hook gives the errno a
 * read-only or unsupported file system gives (EROFS for changes, ENOTDIR for
 * lookup).  Names are NOT NUL-terminated: (name, len), 1 <= len <= NAME_MAX,
 * never "." or "..", never containing '/'.  Hooks run with vfs_ns_lock held.
 */
struct vnode_ops {
    /* Find `name` in directory `dir`; on success *out is a new reference.
     * -ENOENT if absent. */
    int (*lookup)(struct vnode *dir, const char *name, size_t len, struct vnode **out);
    /* Emit entries starting at ctx->pos (positions 0 and 1 are "." and "..",
     * emitted by the VFS; a file system sees pos >= 2 and chooses its own
     * stable cookies above that).  Stop when dir_emit() returns false. */
    int (*readdir)(struct vnode *dir, struct dir_ctx *ctx);
    /* Create a non-directory (mode has S_IFREG, S_IFIFO, S_IFCHR, S_IFBLK
     * or S_IFSOCK; rdev is the device number of the last two);
     * *out is a new reference.  -EEXIST if the name exists. */
    int (*create)(struct vnode *dir, const char *name, size_t len, mode_t mode, dev_t rdev,
                  struct vnode **out);
    int (*mkdir)(struct vnode *dir, const char *name, size_t len, mode_t mode, struct vnode **out);
    int (*symlink)(struct vnode *dir, const char *name, size_t len, const char *target,
                   struct vnode **out);
    /* New name for an existing non-directory vnode (same file system); one
     * without a name only if VN_LINKABLE (then -ENOENT; it clears it). */
    int (*link)(struct vnode *dir, const char *name, size_t len, struct vnode *target);
    /* O_TMPFILE: a new regular file (mode has S_IFREG) with no name (nlink
     * 0) on dir's file system, owned as a file created in dir would be;
     * *out is a new reference. */
    int (*tmpfile)(struct vnode *dir, mode_t mode, struct vnode **out);
    /* Remove a non-directory entry (-EISDIR for a directory) / an empty
     * directory (-ENOTDIR, -ENOTEMPTY). */
    int (*unlink)(struct vnode *dir, const char *name, size_t len);
    int (*rmdir)(struct vnode *dir, const char *name, size_t len);
    /* POSIX rename: replaces an existing target of a compatible type;
     * the VFS has already refused moving a directory into itself and
     * renaming a file onto itself.  flags: 0 or RENAME_WHITEOUT (leave a
     * whiteout, a 0:0 character device of mode 0, at the old name; all or
     * nothing), which a file system without whiteouts refuses (EINVAL). */
    int (*rename)(struct vnode *odir, const char *oname, size_t olen, struct vnode *ndir,
                  const char *nname, size_t nlen, unsigned flags);
    /* renameat2(RENAME_EXCHANGE): swap the files of two existing names;
     * the VFS has already refused a directory under itself.  Without it
     * the flag is EINVAL. */
    int (*exchange)(struct vnode *odir, const char *oname, size_t olen, struct vnode *ndir,
                    const char *nname, size_t nlen);
    /* Symlink target into a kernel buffer (not terminated); its length. */
    ssize_t (*readlink)(struct vnode *v, char *buf, size_t n);
    /* A link that stands for a vnode rather than for a path (Linux's
     * "magic" links, /proc/<pid>/fd/N): following it gives that vnode,
     * referenced, even when it has no name (a pipe) or lost it.  Called with
     * vfs_ns_lock held.  Links without it are followed through readlink. */
    int (*get_link)(struct vnode *v, struct vnode **out);
    /* Change the size of a regular file (zero-filling growth). */
    int (*truncate)(struct vnode *v, uint64_t size);
    /* Kernel read of file data; may be called with spinlocks held: never
     * sleeps.  Returns bytes read (0 at EOF) or -errno. */
    ssize_t (*read_kernel)(struct vnode *v, uint64_t off, void *kbuf, size_t len);
    /* The frame holding page `index`, with a reference taken for the caller
     * (pmm_put it), or 0 if the page is a hole / past EOF.  Never sleeps. */
    phys_t (*get_page)(struct vnode *v, uint64_t index);
    /* For a MAP_SHARED mapping: the frame of page `index`, a hole filled
     * with a new zeroed frame, referenced for the caller.  -ENXIO past EOF,
     * -ENOMEM.  May sleep (no spinlock held). */
    int (*get_page_shared)(struct vnode *v, uint64_t index, phys_t *out);
    /* fallocate(2) on a regular file, the range checked by vfs_fallocate
     * (off + len does not overflow) and mode one it lets through.  May sleep. */
    int (*fallocate)(struct vnode *v, int mode, uint64_t off, uint64_t len);
    /* Free file-system private state; the VFS frees the vnode itself. */
    void (*destroy)(struct vnode *v);
};

/* One segment of a vector (struct iovec: readv, writev, sendmsg). */
struct iovec_k {
    uint64_t base;
    uint64_t len;
};

/*
 * Operations of an open file.  The VFS copies vnode->fops into file->ops at
 * open (and calls ops->open); anonymous files (pipes) get theirs from
 * file_alloc().  All hooks are optional:
 *   read/write NULL -> -EINVAL;  lseek NULL -> -ESPIPE (so are pread/pwrite);
 *   ioctl NULL -> -ENOTTY;  poll NULL -> POLLIN|POLLOUT (always ready).
 * `off` is the position to use and advance: &file->offset for read/write,
 * a local copy for pread/pwrite; stream-like files ignore it.  Blocking
 * files honour O_NONBLOCK in file->flags (-EAGAIN) and return -ERESTARTSYS
 * when a signal interrupts a sleep before anything was transferred.
 */
struct iobuf;       /* include/mm/uaccess.h */

struct file_ops {
    /* Called once when a vnode carrying these fops is opened; file->ops and
     * file->private_data (= the vnode's fops_priv) are already set.  A
     * negative return fails the open (the file is dropped without release). */
    int (*open)(struct vnode *v, struct file *f);
    /* The buffer is user memory or, for sendfile, splice and
     * copy_file_range, a kernel one: move data with the iob_* helpers
     * (include/mm/uaccess.h) only. */
    ssize_t (*read)(struct file *f, struct iobuf buf, size_t len, uint64_t *off);
    ssize_t (*write)(struct file *f, struct iobuf buf, size_t len, uint64_t *off);
    /* Returns the new offset (and sets f->offset) or -errno. */
    off_t (*lseek)(struct file *f, off_t off, int whence);
    long (*ioctl)(struct file *f, unsigned int cmd, unsigned long arg);
    /* Returns the ready mask (POLLIN|POLLOUT|POLLHUP|...), registering on the
     * file's wait queues with poll_wait(pt, wq) when pt is non-NULL. */
    unsigned int (*poll)(struct file *f, struct poll_table *pt);
    /* Last reference to the open file dropped. */
    void (*release)(struct file *f);
    /* A vectored transfer as one request (a socket sends one datagram for
     * all the segments).  Without them readv/writev call read/write once
     * per segment.  Segments are checked; their total is at most
     * MAX_RW_COUNT. */
    ssize_t (*read_iov)(struct file *f, const struct iovec_k *iov, int cnt);
    ssize_t (*write_iov)(struct file *f, const struct iovec_k *iov, int cnt);
    /* A descriptor of this file was closed (close, dup2 over it, exit,
     * exec); the reference it held is dropped right after. */
    void (*flush)(struct file *f);
    /* O_ASYNC turned on (reached through descriptor fd) or off (fd -1 at
     * the last close): the object's fasync lists (include/fs/fasync.h).
     * 0 or -errno.  Without it O_ASYNC is only kept, as Linux. */
    int (*fasync)(struct file *f, int fd, bool on);
};

#define VN_TRANSIENT 0x1   /* freed at last put whatever nlink says (procfs) */
#define VN_MOUNTPOINT 0x2  /* `mounted` is set: a directory something is mounted on */
#define VN_LINKABLE 0x4    /* an O_TMPFILE file (without O_EXCL): linkat may name it though it
                            * has no name (set at creation, cleared when named, under vfs_ns_lock) */

struct mount;              /* <fs/mount.h> */

struct vnode {
    /* --- immutable after creation --- */
    enum vtype type;
    uint64_t ino;
    dev_t rdev;                     /* VCHR, VBLK: device number (st_rdev) */
    struct superblock *sb;
    const struct vnode_ops *ops;
    const struct file_ops *fops;    /* installed in files opened on it (NULL: dirs) */
    void *fops_priv;                /* copied to file->private_data at open */
    void *priv;                     /* file-system private */
    uint32_t flags;                 /* VN_* */

    int refcount;                   /* atomic; vnode_get/vnode_put */
    int writecount;                 /* atomic: open for writing by this many files (> 0), or
                                     * run by this many address spaces (< 0): the other is
                                     * ETXTBSY (vnode_get_write_access, vnode_deny_write_access) */

    /* --- attributes: protected by lock (nlink also by vfs_ns_lock) --- */
    struct spinlock lock;
    mode_t mode;                    /* S_IFMT type bits | permission bits */
    uint32_t nlink;
    uint32_t uid, gid;
    uint64_t size;                  /* bytes (VREG, VLNK), entries hint (VDIR) */
    uint64_t blocks;                /* 512-byte units actually allocated */
    uint64_t atime_ns, mtime_ns, ctime_ns;   /* time_realtime_ns() clock */

    /* --- tree: protected by vfs_ns_lock --- */
    struct vnode *parent;           /* containing directory (referenced), NULL at a root: a
                                     * directory's "..", a file's directory of its first name
                                     * (ramfs; kept across rename), for vfs_path_of */
    int covered_by;                 /* mounts on this directory, over all mount name spaces
                                     * (VN_MOUNTPOINT while > 0); which one a walk crosses
                                     * to is the walker's name space's (mount_on) */
    int root_of;                    /* mounts whose root this is, over all name spaces (at
                                     * most one in each: see <fs/mount.h>; mount_rooted) */

    /* --- what a FIFO or socket node leads to while in use --- */
    struct pipe *fifo;              /* VFIFO: its pipe while open (kernel/fs/pipe.c, under fifo_lock) */
    struct unix_sock *sock;         /* VSOCK: the socket bound to it (kernel/net/unix.c, under its
                                     * name lock; cleared when the socket closes) */

    /* --- advisory locks (include/fs/locks.h), under the file_locks lock --- */
    struct file_lock_ctx *flctx;    /* NULL while nobody holds or waits for a lock on it */

    /* --- extended attributes (kernel/fs/xattr.c), under vfs_ns_lock --- */
    struct xattr *xattrs;           /* on a file system that keeps them; freed with it */
};

/* -EROFS if v's file system is mounted read-only, else 0. */
static inline int vnode_check_rofs(const struct vnode *v)
{
    return v->sb && (READ_ONCE(v->sb->flags) & SB_RDONLY) ? -EROFS : 0;
}

/* Writing and running a regular file exclude each other (ETXTBSY), as on
 * Linux: a file opened for writing takes write access (counted in its
 * superblock's `writers` too), an address space running the file denies it
 * (struct mm's exe_file).  Each returns 0 or -ETXTBSY; the put/allow
 * undo them. */
int vnode_get_write_access(struct vnode *v);
void vnode_put_write_access(struct vnode *v);
int vnode_deny_write_access(struct vnode *v);
void vnode_allow_write_access(struct vnode *v);

/* A lasting use of v that makes its file system busy for umount (an open
 * file, a working directory, a file mapping): a reference plus a count in
 * its superblock's `users`.  vnode_unuse drops both; the last use of an
 * unmounted tmpfs then takes vfs_ns_lock (unless the caller holds it) to
 * drop the instance's names, so it is called with no spinlock held. */
void vnode_use(struct vnode *v);
void vnode_unuse(struct vnode *v);             /* NULL is a no-op */

struct file {
    int refcount;                   /* atomic; file_get/file_put */
    struct vnode *vnode;            /* referenced; never NULL */
    uint64_t offset;                /* file position (directories: readdir cookie) */
    int flags;                      /* O_ACCMODE | O_APPEND | O_NONBLOCK | ... (no O_CLOEXEC) */
    const struct file_ops *ops;
    void *private_data;
    bool writer;                    /* holds write access to its vnode (vnode_get_write_access) */
    unsigned long version;          /* a FIFO's reader: the writers' open count it saw (POLLHUP) */
    /* fcntl F_SETOWN/F_SETOWN_EX, F_SETSIG: whom O_ASYNC signals, and
     * with what (include/fs/fasync.h); the owner as F_OWNER_* << 32 | pid,
     * read and written atomically */
    uint64_t owner;
    int owner_sig;                  /* atomic */
    uid_t owner_uid, owner_euid;    /* who set the owner: whom it may signal */
    struct list_node ep_links;      /* epoll items watching it (kernel/fs/eventpoll.c, under its
                                     * lock); next == NULL until the first */
};

/* Accumulates getdents64 records; file systems call dir_emit(). */
struct dir_ctx {
    uint64_t pos;                   /* cookie of the next entry to emit */
    /* VFS-internal: where records go */
    bool (*actor)(struct dir_ctx *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype,
                  uint64_t next_pos);
    void *arg;
};

/* Emit one entry; `next_pos` is the cookie that resumes *after* it.  Returns
 * false when the caller's buffer is full (the entry was not emitted and
 * ctx->pos is unchanged); on success ctx->pos = next_pos. */
static inline bool dir_emit(struct dir_ctx *ctx, const char *name, size_t len, uint64_t ino,
                            unsigned dtype, uint64_t next_pos)
{
    if (!ctx->actor(ctx, name, len, ino, dtype, next_pos))
        return false;
    ctx->pos = next_pos;
    return true;
}

static inline unsigned vtype_to_dtype(enum vtype t)
{
    static const unsigned char map[] = {DT_UNKNOWN, DT_REG, DT_DIR, DT_LNK, DT_CHR, DT_FIFO, DT_SOCK, DT_BLK};
    return (unsigned)t < sizeof(map) ? map[t] : DT_UNKNOWN;
}

/* ------------------------------------------------------------------ core */

struct mnt_ns;
/* What CLONE_FS threads share: the working directory, the umask and the
 * mount name space (kernel/fs/fs_context.c).  cwd changes under lock;
 * users take a reference (task_cwd), since another thread may chdir
 * meanwhile. */
struct fs_context {
    int refs;                   /* atomic */
    struct spinlock lock;       /* protects cwd */
    struct vnode *cwd;          /* referenced */
    mode_t umask;               /* read and swapped atomically */
    struct mnt_ns *mnt_ns;      /* referenced; NULL: the first one (<fs/mount.h>); set
                                 * before the context is shared, changed under vfs_ns_lock */
};

/* A new context with its own reference to cwd; NULL when out of memory. */
struct fs_context *fs_context_new(struct vnode *cwd, mode_t umask);
struct fs_context *fs_context_copy(struct fs_context *src);   /* fork without CLONE_FS */
void fs_context_get(struct fs_context *fs);
void fs_context_put(struct fs_context *fs);                   /* NULL is a no-op */
struct task;
/* t's working directory, referenced (the root if t has none). */
struct vnode *task_cwd(struct task *t);
/* Makes v (whose reference the call takes over) t's working directory. */
void task_set_cwd(struct task *t, struct vnode *v);
mode_t task_umask(struct task *t);

void vfs_init(void);                          /* ramfs root, /dev, /proc mount point */
struct vnode *vfs_root(void);                 /* not referenced: the root never goes away */
int initramfs_unpack(const void *cpio, size_t len);   /* 0 or -errno (EINVAL on corruption) */

/* New vnode with refcount 1, nlink 1, the given mode (S_IFMT included: it
 * sets type), a fresh ino from sb, times = now.  NULL when out of memory. */
struct vnode *vnode_alloc(struct superblock *sb, const struct vnode_ops *ops, mode_t mode);
void vnode_get(struct vnode *v);
void vnode_put(struct vnode *v);              /* NULL is a no-op */
/* A pseudo file system's vnode made for one lookup (procfs, sysfs): it is
 * freed at its last reference, and holds one on its directory for "..". */
void vnode_set_transient(struct vnode *v, struct vnode *parent);
/* Drop one name (nlink--) / add one; caller holds vfs_ns_lock. */
void vnode_drop_link(struct vnode *v);
void vnode_add_link(struct vnode *v);
void vnode_touch(struct vnode *v, bool atime, bool mtime, bool ctime);   /* set to now */

ssize_t vnode_read_kernel(struct vnode *v, uint64_t off, void *kbuf, size_t len);
phys_t vnode_get_page(struct vnode *v, uint64_t index);
int vnode_get_page_shared(struct vnode *v, uint64_t index, phys_t *out);   /* -ENODEV if unsupported */
/* An unnamed in-memory file of `size` bytes (MAP_SHARED|MAP_ANONYMOUS,
 * memfd_create), referenced; NULL when out of memory. */
struct vnode *vfs_anon_file(uint64_t size);
void vnode_stat(struct vnode *v, struct linux_stat *st);

/* Resolve an absolute path for exec: follows symlinks; requires a regular
 * file with an x bit.  *out is referenced.  -ENOENT, -ENOTDIR, -EACCES,
 * -ELOOP, -ENAMETOOLONG. */
int vfs_lookup_exec(const char *kpath, struct vnode **out);
/* The same from `start` (a relative path), following a final symlink only
 * with `follow` (else -ELOOP: execveat's AT_SYMLINK_NOFOLLOW). */
int vfs_lookup_exec_at(struct vnode *start, const char *kpath, bool follow, struct vnode **out);
/* May the current task execute v (a regular file with its x bit for it)?
 * 0 or -EACCES. */
int vfs_exec_permission(struct vnode *v);
/* Absolute path of a directory (or file reachable by a parent chain), for
 * getcwd.  Returns the length (without NUL) or -ERANGE / -ENOENT (removed). */
int vfs_path_of(struct vnode *v, char *buf, size_t n);
/* open(2) for kernel callers (path relative to the current task's cwd, or
 * to the root when there is no current task).  *out is referenced. */
int vfs_open_kernel(const char *path, int flags, struct file **out);
/* open(O_TMPFILE): an unnamed file in the directory `path` names (from
 * start), opened with flags (O_EXCL: never to be linked).  -ENOENT,
 * -ENOTDIR, -EACCES, -EOPNOTSUPP where the file system has none. */
int vfs_open_tmpfile(struct vnode *start, const char *path, int flags, mode_t mode, struct file **out);

/* The kernel's own mount of the file system type `type` (proc, sysfs,
 * devtmpfs...) on the directory `path`, created if missing: what boot uses
 * before init runs.  0 or -errno. */
int vfs_mount_kernel(const char *type, const char *path);

/* ------------------------------------------------------------------ files */

/* An open file on an anonymous object (pipe, ...): a transient S_IFIFO|0600
 * vnode is created to carry it so fstat works.  flags: O_ACCMODE|O_NONBLOCK.
 * Refcount 1; NULL when out of memory. */
struct file *file_alloc(const struct file_ops *ops, void *priv, int flags);
/* The same with an explicit mode (S_IFIFO, S_IFCHR, S_IFSOCK... | perms). */
struct file *file_alloc_mode(const struct file_ops *ops, void *priv, int flags, mode_t mode);
/* The same on a superblock of the caller's: an anonymous kind of file
 * (eventfd, epoll...) names one after itself, so /proc/<pid>/fd/N reads
 * anon_inode:[name] as on Linux (ANON_SUPERBLOCK). */
struct file *file_alloc_sb(struct superblock *sb, const struct file_ops *ops, void *priv, int flags, mode_t mode);
/* An anonymous file (mode 0600, open O_RDWR, O_NONBLOCK as `flags` say) of
 * sb's kind with ops and priv, installed at the lowest free descriptor
 * (O_CLOEXEC as `flags` say): the descriptor, or -ENOMEM/-EMFILE.  On
 * failure priv is freed: with kfree if no file was made, else by the
 * file's release. */
int anon_fd_install(struct superblock *sb, const struct file_ops *ops, void *priv, int flags);
#define ANON_INODE_FS_MAGIC 0x09041934
#define ANON_SUPERBLOCK(kind) { .name = (kind), .magic = ANON_INODE_FS_MAGIC, .dev = 14, .next_ino = 0 }
void file_get(struct file *f);
void file_put(struct file *f);                /* NULL is a no-op; calls release at zero */
/* lseek for files with a size (regular files): SEEK_SET/CUR/END/DATA/HOLE
 * against vnode->size; -EINVAL for a negative result. */
off_t generic_file_lseek(struct file *f, off_t off, int whence);
/* fallocate(2) with Linux's checks (EINVAL, EOPNOTSUPP, EBADF for a file
 * not open for writing, ESPIPE, EISDIR, ENODEV, EFBIG) before the file
 * system's own (vnode_ops->fallocate; EOPNOTSUPP without one). */
int vfs_fallocate(struct file *f, int mode, int64_t off, int64_t len);
/* lseek that succeeds and leaves the offset at 0 (/dev/null, /dev/zero). */
off_t noop_lseek(struct file *f, off_t off, int whence);

/* ------------------------------------------------------------------ fd table */

struct fdtable;
struct fdtable *fdtable_new(void);                     /* NULL on exhaustion */
struct fdtable *fdtable_clone(struct fdtable *t);      /* fork: new table sharing the files */
void fdtable_get(struct fdtable *t);                   /* CLONE_FILES: one more task uses t */
bool fdtable_shared(struct fdtable *t);                /* used by more than one task? */
void fdtable_put(struct fdtable *t);                   /* exit: closes everything */
void fdtable_exec(struct fdtable *t);                  /* close FD_CLOEXEC descriptors */

/* Install f at the lowest free descriptor of the current task.  flags may
 * hold O_CLOEXEC.  On success the table owns the caller's reference and the
 * fd is returned; on failure (-EMFILE, -ENOMEM) the caller still owns it. */
int fd_install(struct file *f, int flags);
/* The file at fd with a new reference (file_put it), or NULL (EBADF). */
struct file *fd_get(int fd);
/* The same, but NULL (EBADF) for an O_PATH descriptor too: what the calls
 * that use an open file's contents or attributes take (Linux's fdget, where
 * fd_get is its fdget_raw: fstat, fchdir, fcntl, dup, close, *at dirfds). */
struct file *fd_get_io(int fd);
/* One more than the highest descriptor the current task may open: its
 * RLIMIT_NOFILE, within the table's bound NR_OPEN_MAX. */
int fd_limit(void);
int fd_close(int fd);                                  /* 0 or -EBADF */

/* ------------------------------------------------------------------ devfs */

/* Creates /dev with null, zero, full and shm (vfs_init, once the root exists). */
void devfs_init(void);

/* Create /dev/<name> as a character device (mode: permission bits; S_IFCHR
 * is implied).  Opening it installs `fops` with file->private_data = priv,
 * then calls fops->open.  0 or -EEXIST/-ENOMEM. */
int devfs_register(const char *name, mode_t mode, const struct file_ops *fops, void *priv);
/* The same with a device number for st_rdev (e.g. MKDEV(5, 1) for console). */
int devfs_register_dev(const char *name, mode_t mode, dev_t rdev, const struct file_ops *fops,
                       void *priv);

#endif
