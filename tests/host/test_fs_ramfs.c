/*
 * Host tests of the VFS and ramfs running together (namei, vnode, ramfs,
 * ramfs_file, file, fdtable, devfs, cpio, initramfs, seqfile), with the
 * kernel services shimmed (fs_shims.h).  They check Linux's observable
 * behaviour: an initramfs unpacks into the tree; path walking handles ".",
 * "..", repeated and trailing slashes and relative/absolute symlinks, with
 * ELOOP for a loop; open's O_CREAT/O_EXCL/O_TRUNC/O_DIRECTORY/O_NOFOLLOW;
 * sparse files read zeros and truncation frees frames; an unlinked open file
 * stays readable and its frames go at the last close; rename over files and
 * across directories, rmdir's ENOTEMPTY; readdir never skips an entry while
 * entries are deleted under it; a write that runs out of frames is short or
 * ENOSPC without corrupting the file; getcwd's path; seqfile regeneration;
 * a tmpfs unmounted with a tree inside, or whose last open file closes after
 * it went, frees all it held.
 */
#include <check.h>

#include "check_main.h"

#include "fs_shims.h"

#include "../../kernel/fs/path.c"
#include "../../kernel/fs/vnode.c"
#include "../../kernel/fs/namei.c"
#include "../../kernel/fs/ramfs.c"
#include "../../kernel/fs/ramfs_file.c"
#include "../../kernel/fs/file.c"
#include "../../kernel/fs/fdtable.c"
#include "../../kernel/fs/devfs.c"
#include "../../kernel/fs/cpio.c"
#include "../../kernel/fs/initramfs.c"
#include "../../kernel/fs/seqfile.c"
#include "../../kernel/lib/cpuset.c"
#include "../../kernel/fs/fs_context.c"
#include "../../kernel/fs/mount.c"
#include "../../kernel/fs/xattr.c"

static char arc[8192];
static size_t arclen;

static void entry(const char *name, unsigned mode, const char *data)
{
    char hdr[111];
    size_t size = strlen(data);
    snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1u, mode, 0u, 0u, 1u,
             1600000000u, (unsigned)size, 0u, 0u, 0u, 0u, (unsigned)strlen(name) + 1, 0u);
    memcpy(arc + arclen, hdr, 110);
    arclen += 110;
    memcpy(arc + arclen, name, strlen(name) + 1);
    arclen += strlen(name) + 1;
    while (arclen % 4)
        arc[arclen++] = 0;
    memcpy(arc + arclen, data, size);
    arclen += size;
    while (arclen % 4)
        arc[arclen++] = 0;
}

static void setup(void)
{
    vfs_init();
    fake_task.fs = fs_context_new(vfs_root(), 022);
    fake_task.files = fdtable_new();
    arclen = 0;
    entry(".", 040755, "");
    entry("bin", 040755, "");
    entry("bin/busybox", 0100755, "#!busybox");
    entry("bin/sh", 0120777, "busybox");
    entry("bin/abs", 0120777, "/bin/busybox");
    entry("etc", 040755, "");
    entry("etc/motd", 0100644, "hello\n");
    entry("etc/loop1", 0120777, "loop2");
    entry("etc/loop2", 0120777, "loop1");
    entry("etc/up", 0120777, "../bin");
    entry("etc/dangling", 0120777, "newfile");
    entry("dev", 040755, "");                 /* merges with devfs's /dev */
    entry("TRAILER!!!", 0, "");
    ck_assert_int_eq(initramfs_unpack(arc, arclen), 0);
}

static int lookup(const char *path, unsigned flags, struct vnode **out)
{
    vfs_lock();
    int r = walk_path(fake_task.fs->cwd, path, flags, out);
    vfs_unlock();
    return r;
}

static int exists(const char *path, unsigned flags)
{
    struct vnode *v;
    int r = lookup(path, flags, &v);
    if (r == 0)
        vnode_put(v);
    return r;
}

static ssize_t readall(const char *path, char *buf, size_t n)
{
    struct file *f;
    int r = vfs_openat(fake_task.fs->cwd, path, O_RDONLY, 0, &f);
    if (r)
        return r;
    ssize_t got = f->ops->read(f, iob_kernel(buf), n, &f->offset);
    file_put(f);
    return got;
}

START_TEST(unpacked_tree_and_walk)
{
    char buf[64] = {0};
    ck_assert_int_eq(readall("/etc/motd", buf, sizeof(buf)), 6);
    ck_assert_str_eq(buf, "hello\n");
    struct vnode *a, *b;
    ck_assert_int_eq(lookup("/bin/sh", WALK_FOLLOW, &a), 0);
    ck_assert_int_eq(lookup("//bin/./../bin///busybox", 0, &b), 0);
    ck_assert_ptr_eq(a, b);
    ck_assert_uint_eq(a->mode, 0100755);
    ck_assert_uint_eq(a->mtime_ns, 1600000000ULL * 1000000000ULL);
    vnode_put(a);
    vnode_put(b);
    ck_assert_int_eq(lookup("/bin/sh", 0, &a), 0);          /* lstat: the link itself */
    ck_assert_int_eq(a->type, VLNK);
    vnode_put(a);
    ck_assert_int_eq(exists("/bin/abs", WALK_FOLLOW), 0);
    ck_assert_int_eq(exists("/etc/up/busybox", 0), 0);      /* relative link with ".." */
    ck_assert_int_eq(exists("/etc/up/", 0), 0);             /* trailing slash follows it */
    ck_assert_int_eq(exists("/../../etc/motd", 0), 0);      /* ".." at the root stays */
    ck_assert_int_eq(exists("/etc/loop1", WALK_FOLLOW), -ELOOP);
    ck_assert_int_eq(exists("/etc/loop1/x", 0), -ELOOP);
    ck_assert_int_eq(exists("/etc/loop1", 0), 0);           /* not followed */
    ck_assert_int_eq(exists("/etc/motd/", 0), -ENOTDIR);
    ck_assert_int_eq(exists("/etc/motd/x", 0), -ENOTDIR);
    ck_assert_int_eq(exists("/etc/nothing", 0), -ENOENT);
    ck_assert_int_eq(exists("/etc/dangling", WALK_FOLLOW), -ENOENT);
    ck_assert_int_eq(exists("", 0), -ENOENT);
    ck_assert_int_eq(exists("/dev/null", 0), 0);            /* devfs survived the merge */
    ck_assert_int_eq(exists("etc/motd", 0), 0);             /* relative to cwd */
    struct vnode *x;
    ck_assert_int_eq(vfs_lookup_exec("/bin/sh", &x), 0);
    vnode_put(x);
    ck_assert_int_eq(vfs_lookup_exec("/etc/motd", &x), -EACCES);
    ck_assert_int_eq(vfs_lookup_exec("/etc", &x), -EACCES);
    ck_assert_int_eq(vfs_lookup_exec("/etc/motd/", &x), -ENOTDIR);
}
END_TEST

START_TEST(open_flags)
{
    struct file *f;
    struct vnode *r = vfs_root();
    ck_assert_int_eq(vfs_openat(r, "/etc/new", O_WRONLY | O_CREAT | O_EXCL, 0644, &f), 0);
    ck_assert_int_eq(f->ops->write(f, iob_kernel("abc"), 3, &f->offset), 3);
    file_put(f);
    ck_assert_int_eq(vfs_openat(r, "/etc/new", O_WRONLY | O_CREAT | O_EXCL, 0644, &f), -EEXIST);
    ck_assert_int_eq(vfs_openat(r, "/etc/new", O_RDONLY | O_DIRECTORY, 0, &f), -ENOTDIR);
    ck_assert_int_eq(vfs_openat(r, "/etc", O_WRONLY, 0, &f), -EISDIR);
    ck_assert_int_eq(vfs_openat(r, "/bin/sh", O_RDONLY | O_NOFOLLOW, 0, &f), -ELOOP);
    ck_assert_int_eq(vfs_openat(r, "/etc/newdir/", O_WRONLY | O_CREAT, 0644, &f), -EISDIR);
    ck_assert_int_eq(vfs_openat(r, "/nodir/x", O_WRONLY | O_CREAT, 0644, &f), -ENOENT);
    /* O_CREAT through a dangling symlink creates its target */
    ck_assert_int_eq(vfs_openat(r, "/etc/dangling", O_WRONLY | O_CREAT, 0600, &f), 0);
    file_put(f);
    ck_assert_int_eq(exists("/etc/newfile", 0), 0);
    /* O_TRUNC empties; O_APPEND writes at the end */
    ck_assert_int_eq(vfs_openat(r, "/etc/new", O_WRONLY | O_TRUNC | O_APPEND, 0, &f), 0);
    ck_assert_uint_eq(f->vnode->size, 0);
    f->ops->write(f, iob_kernel("12"), 2, &f->offset);
    f->offset = 0;
    f->ops->write(f, iob_kernel("34"), 2, &f->offset);
    file_put(f);
    char buf[8] = {0};
    ck_assert_int_eq(readall("/etc/new", buf, 8), 4);
    ck_assert_str_eq(buf, "1234");
    /* /dev/zero through the device fops */
    ck_assert_int_eq(vfs_openat(r, "/dev/zero", O_RDONLY, 0, &f), 0);
    memset(buf, 'x', 8);
    ck_assert_int_eq(f->ops->read(f, iob_kernel(buf), 8, &f->offset), 8);
    ck_assert_int_eq(buf[7], 0);
    file_put(f);
}
END_TEST

START_TEST(sparse_truncate_and_unlink_open)
{
    struct file *f;
    long base = frames_live;
    ck_assert_int_eq(vfs_openat(vfs_root(), "/big", O_RDWR | O_CREAT, 0644, &f), 0);
    uint64_t off = 10 * PAGE_SIZE - 2;                       /* a write straddling pages 9 and 10 */
    ck_assert_int_eq(f->ops->write(f, iob_kernel("WXYZ"), 4, &off), 4);
    ck_assert_uint_eq(f->vnode->size, 10 * PAGE_SIZE + 2);
    ck_assert_int_eq(frames_live - base, 2);                 /* holes cost nothing */
    char buf[PAGE_SIZE];
    memset(buf, 1, sizeof(buf));
    off = 3 * PAGE_SIZE;
    ck_assert_int_eq(f->ops->read(f, iob_kernel(buf), PAGE_SIZE, &off), PAGE_SIZE);
    for (size_t i = 0; i < PAGE_SIZE; i++)
        ck_assert_int_eq(buf[i], 0);
    char k[4];
    ck_assert_int_eq(vnode_read_kernel(f->vnode, 10 * PAGE_SIZE - 2, k, 4), 4);
    ck_assert(memcmp(k, "WXYZ", 4) == 0);
    ck_assert_uint_eq(vnode_get_page(f->vnode, 3), 0);       /* a hole */
    phys_t p = vnode_get_page(f->vnode, 9);
    ck_assert_uint_ne(p, 0);
    pmm_put(p);
    /* shrink into page 9: page 10 freed, the tail of page 9 zeroed */
    ck_assert_int_eq(f->vnode->ops->truncate(f->vnode, 10 * PAGE_SIZE - 1), 0);
    ck_assert_int_eq(frames_live - base, 1);
    ck_assert_int_eq(f->vnode->ops->truncate(f->vnode, 10 * PAGE_SIZE + 2), 0);
    ck_assert_int_eq(vnode_read_kernel(f->vnode, 10 * PAGE_SIZE - 2, k, 4), 4);
    ck_assert(memcmp(k, "W\0\0\0", 4) == 0);                 /* no stale "XYZ" */
    /* unlink while open: still readable, frames go at the last close */
    vfs_lock();
    ck_assert_int_eq(vfs_root()->ops->unlink(vfs_root(), "big", 3), 0);
    vfs_unlock();
    ck_assert_int_eq(exists("/big", 0), -ENOENT);
    ck_assert_uint_eq(f->vnode->nlink, 0);
    off = 10 * PAGE_SIZE - 2;
    ck_assert_int_eq(f->ops->read(f, iob_kernel(k), 4, &off), 4);
    ck_assert_int_eq(k[0], 'W');
    file_put(f);
    ck_assert_int_eq(frames_live, base);
}
END_TEST

/* fallocate: frames that count but are holes to SEEK_DATA until written;
 * punching frees whole pages and clears partial ones; every frame is back
 * at the last close. */
START_TEST(fallocate_and_seek)
{
    struct file *f;
    long base = frames_live;
    ck_assert_int_eq(vfs_openat(vfs_root(), "/fa", O_RDWR | O_CREAT, 0644, &f), 0);
    struct vnode *v = f->vnode;
    ck_assert_int_eq(vfs_fallocate(f, 0, PAGE_SIZE, 2 * PAGE_SIZE), 0);
    ck_assert_uint_eq(v->size, 3 * PAGE_SIZE);
    ck_assert_int_eq(frames_live - base, 2);
    ck_assert_uint_eq(v->blocks, 2 * PAGE_SIZE / 512);
    ck_assert_int_eq(f->ops->lseek(f, 0, SEEK_DATA), -ENXIO);      /* allocated, unwritten */
    ck_assert_int_eq(vfs_fallocate(f, FALLOC_FL_KEEP_SIZE, 3 * PAGE_SIZE, 1), 0);
    ck_assert_uint_eq(v->size, 3 * PAGE_SIZE);
    ck_assert_int_eq(frames_live - base, 3);
    uint64_t off = 2 * PAGE_SIZE + 10;
    ck_assert_int_eq(f->ops->write(f, iob_kernel("data"), 4, &off), 4);
    ck_assert_int_eq(frames_live - base, 3);                        /* the allocated frame is used */
    ck_assert_int_eq(f->ops->lseek(f, 0, SEEK_DATA), 2 * PAGE_SIZE);
    ck_assert_int_eq(f->ops->lseek(f, 2 * PAGE_SIZE, SEEK_HOLE), 3 * PAGE_SIZE);
    ck_assert_int_eq(f->ops->lseek(f, 3 * PAGE_SIZE, SEEK_HOLE), -ENXIO);
    /* punch the middle of page 2, then pages 1 and 2 whole */
    ck_assert_int_eq(vfs_fallocate(f, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 2 * PAGE_SIZE + 11, 2), 0);
    char k[4];
    ck_assert_int_eq(vnode_read_kernel(v, 2 * PAGE_SIZE + 10, k, 4), 4);
    ck_assert(memcmp(k, "d\0\0a", 4) == 0);
    ck_assert_int_eq(vfs_fallocate(f, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, PAGE_SIZE, 2 * PAGE_SIZE), 0);
    ck_assert_int_eq(frames_live - base, 1);                        /* the one past the end stays */
    ck_assert_uint_eq(v->size, 3 * PAGE_SIZE);
    /* the checks before the file system's */
    ck_assert_int_eq(vfs_fallocate(f, FALLOC_FL_PUNCH_HOLE, 0, 1), -EOPNOTSUPP);
    ck_assert_int_eq(vfs_fallocate(f, FALLOC_FL_ZERO_RANGE, 0, 1), -EOPNOTSUPP);
    ck_assert_int_eq(vfs_fallocate(f, 0, -1, 1), -EINVAL);
    ck_assert_int_eq(vfs_fallocate(f, 0, 1, INT64_MAX), -EFBIG);
    file_put(f);
    vfs_lock();
    ck_assert_int_eq(vfs_root()->ops->unlink(vfs_root(), "fa", 2), 0);
    vfs_unlock();
    ck_assert_int_eq(frames_live, base);
}
END_TEST

START_TEST(out_of_frames)
{
    struct file *f;
    ck_assert_int_eq(vfs_openat(vfs_root(), "/f", O_RDWR | O_CREAT, 0644, &f), 0);
    static char data[3 * PAGE_SIZE];
    memset(data, 'a', sizeof(data));
    frame_fail_after = 2;
    ck_assert_int_eq(f->ops->write(f, iob_kernel(data), sizeof(data), &f->offset), 2 * PAGE_SIZE);   /* short */
    ck_assert_int_eq(f->ops->write(f, iob_kernel(data), 10, &f->offset), -ENOSPC);
    ck_assert_uint_eq(f->vnode->size, 2 * PAGE_SIZE);        /* nothing half-written */
    frame_fail_after = -1;
    ck_assert_int_eq(f->ops->write(f, iob_kernel(data), 10, &f->offset), 10);
    file_put(f);
}
END_TEST

static int mk(const char *parent, const char *name)
{
    struct vnode *d, *v;
    int r = lookup(parent, WALK_FOLLOW, &d);
    if (r)
        return r;
    vfs_lock();
    r = d->ops->mkdir(d, name, strlen(name), 0755, &v);
    vfs_unlock();
    if (!r)
        vnode_put(v);
    vnode_put(d);
    return r;
}

static int ren(const char *od, const char *on, const char *nd, const char *nn)
{
    struct vnode *a, *b;
    lookup(od, 0, &a);
    lookup(nd, 0, &b);
    vfs_lock();
    int r = a->ops->rename(a, on, strlen(on), b, nn, strlen(nn), 0);
    vfs_unlock();
    vnode_put(a);
    vnode_put(b);
    return r;
}

START_TEST(rename_rmdir_and_links)
{
    ck_assert_int_eq(mk("/", "a"), 0);
    ck_assert_int_eq(mk("/a", "b"), 0);
    ck_assert_int_eq(mk("/a", "b"), -EEXIST);
    struct vnode *a, *b;
    lookup("/a", 0, &a);
    lookup("/a/b", 0, &b);
    ck_assert_uint_eq(a->nlink, 3);                           /* name, ".", b's ".." */
    ck_assert(vfs_is_ancestor(a, b));
    ck_assert(!vfs_is_ancestor(b, a));
    vfs_lock();
    ck_assert_int_eq(vfs_root()->ops->rmdir(vfs_root(), "a", 1), -ENOTEMPTY);
    vfs_unlock();
    /* rename a file over another: the old target goes, its inode count drops */
    ck_assert_int_eq(ren("/etc", "motd", "/a", "m"), 0);
    ck_assert_int_eq(exists("/etc/motd", 0), -ENOENT);
    ck_assert_int_eq(ren("/bin", "busybox", "/a", "m"), 0);
    char buf[16] = {0};
    ck_assert_int_eq(readall("/a/m", buf, 16), 9);
    ck_assert_int_eq(ren("/a", "m", "/a", "b"), -EISDIR);     /* file over a directory */
    ck_assert_int_eq(ren("/a", "b", "/", "b2"), 0);           /* directory across parents */
    ck_assert_uint_eq(a->nlink, 2);
    ck_assert_ptr_eq(b->parent, vfs_root());
    ck_assert_int_eq(exists("/b2/..//a/m", 0), 0);
    char path[64];
    ck_assert_int_eq(vfs_path_of(b, path, sizeof(path)), 3);
    ck_assert_str_eq(path, "/b2");
    ck_assert_int_eq(vfs_path_of(b, path, 3), -ERANGE);
    ck_assert_int_eq(vfs_path_of(vfs_root(), path, sizeof(path)), 1);
    ck_assert_str_eq(path, "/");
    /* hard link: two names, one inode */
    struct vnode *m;
    lookup("/a/m", 0, &m);
    vfs_lock();
    ck_assert_int_eq(a->ops->link(a, "m2", 2, m), 0);
    ck_assert_int_eq(a->ops->link(a, "d", 1, b), -EPERM);
    vfs_unlock();
    ck_assert_uint_eq(m->nlink, 2);
    ck_assert_int_eq(ren("/a", "m", "/a", "m2"), 0);          /* same inode: no-op */
    ck_assert_int_eq(exists("/a/m", 0), 0);
    vnode_put(m);
    /* removing the cwd: getcwd reports ENOENT */
    vfs_lock();
    ck_assert_int_eq(vfs_root()->ops->rmdir(vfs_root(), "b2", 2), 0);
    vfs_unlock();
    ck_assert_int_eq(vfs_path_of(b, path, sizeof(path)), -ENOENT);
    vfs_lock();
    struct vnode *tmp;
    ck_assert_int_eq(b->ops->mkdir(b, "z", 1, 0755, &tmp), -ENOENT);   /* no creation in a removed dir */
    vfs_unlock();
    vnode_put(a);
    vnode_put(b);
}
END_TEST

/* readdir actor collecting names. */
struct names { char all[4096]; int n; int limit; };
static bool collect(struct dir_ctx *ctx, const char *name, size_t len, uint64_t ino, unsigned t, uint64_t np)
{
    struct names *s = ctx->arg;
    if (s->n == s->limit)
        return false;
    strncat(s->all, name, len);
    strcat(s->all, " ");
    s->n++;
    return true;
}

START_TEST(readdir_stable_under_deletion)
{
    ck_assert_int_eq(mk("/", "d"), 0);
    struct vnode *d;
    lookup("/d", 0, &d);
    char name[16];
    vfs_lock();
    for (int i = 0; i < 100; i++) {                         /* enough to rehash several times */
        struct vnode *v;
        snprintf(name, sizeof(name), "f%02d", i);
        ck_assert_int_eq(d->ops->create(d, name, strlen(name), S_IFREG | 0644, 0, &v), 0);
        vnode_put(v);
    }
    /* rm -r pattern: read a batch of 7, delete it, continue from the cookie */
    uint64_t pos = 2;
    int seen = 0;
    for (;;) {
        struct names s = {.limit = 7};
        struct dir_ctx ctx = {.pos = pos, .actor = collect, .arg = &s};
        d->ops->readdir(d, &ctx);
        if (s.n == 0)
            break;
        pos = ctx.pos;
        char *save, *tok = strtok_r(s.all, " ", &save);
        for (; tok; tok = strtok_r(NULL, " ", &save)) {
            snprintf(name, sizeof(name), "f%02d", seen);
            ck_assert_str_eq(tok, name);                     /* in order, none skipped */
            ck_assert_int_eq(d->ops->unlink(d, tok, strlen(tok)), 0);
            seen++;
        }
    }
    ck_assert_int_eq(seen, 100);
    ck_assert_int_eq(vfs_root()->ops->rmdir(vfs_root(), "d", 1), 0);
    vfs_unlock();
    vnode_put(d);
}
END_TEST

/* A tmpfs that is mounted nowhere and used by nothing frees everything it
 * held: its superblock is released once (counted here), its frames go. */
static int instances_released;
static void count_release(struct superblock *sb)
{
    instances_released++;
    kfree(sb);
}

static void write_at(const char *path, size_t len)
{
    static char data[2 * PAGE_SIZE];
    struct file *f;
    ck_assert_int_eq(vfs_openat(vfs_root(), path, O_WRONLY | O_CREAT, 0644, &f), 0);
    ck_assert_int_eq(f->ops->write(f, iob_kernel(data), len, &f->offset), (ssize_t)len);
    file_put(f);
}

START_TEST(tmpfs_unmounted_with_a_tree)
{
    long base = frames_live;
    instances_released = 0;
    ck_assert_int_eq(vfs_mount_kernel("tmpfs", "/t"), 0);
    struct vnode *root;
    ck_assert_int_eq(lookup("/t", 0, &root), 0);           /* the tmpfs's root */
    root->sb->release = count_release;
    ck_assert_int_eq(mk("/t", "a"), 0);
    ck_assert_int_eq(mk("/t/a", "b"), 0);
    write_at("/t/a/b/f", 2 * PAGE_SIZE);
    write_at("/t/g", 10);
    vfs_lock();
    struct vnode *b;
    ck_assert_int_eq(walk_path(vfs_root(), "/t/a/b", 0, &b), 0);
    struct vnode *f, *l;
    ck_assert_int_eq(walk_path(vfs_root(), "/t/a/b/f", 0, &f), 0);
    ck_assert_int_eq(root->ops->link(root, "hard", 4, f), 0);
    ck_assert_int_eq(root->ops->symlink(root, "l", 1, "a/b/f", &l), 0);
    vnode_put(f);
    vnode_put(l);
    ck_assert_int_eq(dir_rename(b, "f", 1, root, "moved", 5, 0), 0);   /* its directory changes */
    vnode_put(b);
    struct mount *m = mount_rooted(root);
    vnode_put(root);
    ck_assert_int_eq(instances_released, 0);
    detach(m);                                              /* umount */
    vfs_unlock();
    ck_assert_int_eq(instances_released, 1);
    ck_assert_int_eq(frames_live, base);
    ck_assert_int_eq(exists("/t/a", 0), -ENOENT);
}
END_TEST

/* Never mounted, as a tmpfs after MNT_DETACH: an open file keeps it whole,
 * however deep its tree; the file's last close frees it all. */
START_TEST(tmpfs_freed_at_last_use)
{
    long base = frames_live;
    instances_released = 0;
    struct vnode *root = ramfs_new_instance("tmpfs", TMPFS_MAGIC, 01777, 0, 0, true);
    ck_assert_ptr_nonnull(root);
    struct superblock *sb = root->sb;
    sb->release = count_release;
    vfs_lock();
    struct vnode *dir = root, *v;
    vnode_get(dir);
    for (int i = 0; i < 1000; i++) {
        char name[16];
        snprintf(name, sizeof(name), "d%d", i % 3);
        struct vnode *x;
        ck_assert_int_eq(dir->ops->mkdir(dir, name, strlen(name), 0755, &v), 0);
        ck_assert_int_eq(dir->ops->create(dir, "x", 1, S_IFREG | 0644, 0, &x), 0);
        vnode_put(x);
        vnode_put(dir);
        dir = v;
    }
    ck_assert_int_eq(dir->ops->create(dir, "open", 4, S_IFREG | 0644, 0, &v), 0);
    vnode_put(dir);
    vfs_unlock();
    struct file *f;
    ck_assert_int_eq(vfs_open_vnode(v, O_RDWR, &f), 0);
    vnode_put(v);
    ck_assert_int_eq(f->ops->write(f, iob_kernel("data"), 4, &f->offset), 4);
    vfs_lock();
    sb_kill_if_unused(sb);                                  /* in use: kept */
    vnode_put(root);                                        /* what the mount held */
    vfs_unlock();
    ck_assert(!sb->killed);
    char buf[4];
    uint64_t off = 0;
    ck_assert_int_eq(f->ops->read(f, iob_kernel(buf), 4, &off), 4);
    ck_assert_int_eq(instances_released, 0);
    file_put(f);                                            /* the last use */
    ck_assert_int_eq(instances_released, 1);
    ck_assert_int_eq(frames_live, base);
}
END_TEST

static int show_count(struct seqbuf *s, void *arg)
{
    int n = *(int *)arg;
    for (int i = 0; i < n; i++)
        seq_printf(s, "line %d\n", i);
    return 0;
}

START_TEST(seqfile_grows)
{
    int n = 2000;                                           /* ~20 KB: several regenerations */
    struct file f = {0};
    ck_assert_int_eq(seqfile_open(&f, show_count, &n), 0);
    char buf[32];
    uint64_t off = 0;
    ck_assert_int_eq(seqfile_read(&f, iob_kernel(buf), 7, &off), 7);
    ck_assert(memcmp(buf, "line 0\n", 7) == 0);
    ck_assert_int_eq(seqfile_lseek(&f, -10, SEEK_END), 18880);
    off = f.offset;
    ck_assert_int_eq(seqfile_read(&f, iob_kernel(buf), 32, &off), 10);
    ck_assert(memcmp(buf, "line 1999\n", 10) == 0);
    ck_assert_int_eq(seqfile_read(&f, iob_kernel(buf), 32, &off), 0);
    seqfile_release(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fs_ramfs");
    TCase *tc = tcase_create("vfs");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, unpacked_tree_and_walk);
    tcase_add_test(tc, open_flags);
    tcase_add_test(tc, sparse_truncate_and_unlink_open);
    tcase_add_test(tc, fallocate_and_seek);
    tcase_add_test(tc, out_of_frames);
    tcase_add_test(tc, rename_rmdir_and_links);
    tcase_add_test(tc, readdir_stable_under_deletion);
    tcase_add_test(tc, seqfile_grows);
    tcase_add_test(tc, tmpfs_unmounted_with_a_tree);
    tcase_add_test(tc, tmpfs_freed_at_last_use);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(suite()); }
