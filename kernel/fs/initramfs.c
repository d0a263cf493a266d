/*
 * Unpacking the initramfs (cpio newc, parsed by cpio.c) into the ramfs root:
 * directories, regular files, symlinks and FIFOs, with their permission bits,
 * owners and modification times.  Directories that already exist (/dev) are
 * merged; an existing non-directory is replaced.  Device nodes are skipped:
 * devfs provides /dev.  Hard links are unpacked as separate copies.  Any
 * malformed entry stops the unpacking with -EINVAL and a log line naming
 * the offset; what was unpacked before it stays.
 */
#include <fs/cpio.h>
#include <fs/namei.h>
#include <fs/path.h>
#include <fs/ramfs.h>
#include <lib/string.h>
#include <mm/kheap.h>

static int unpack_one(const struct cpio_entry *e, char *pathbuf)
{
    const char *name = e->name;
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (name[0] == '/')
        name++;
    if (!name[0] || strcmp(name, ".") == 0)
        return 0;                          /* the archive's root itself */
    if (path_check(name) < 0)
        return -EINVAL;

    struct vnode *dir, *v = NULL;
    const char *last;
    size_t len;
    bool trailing;
    int err = walk_parent(vfs_root(), name, &dir, &last, &len, &trailing);
    if (err)
        return err;
    if (!last || path_dot_kind(last, len)) {
        vnode_put(dir);
        return -EINVAL;
    }
    mode_t perm = e->mode & S_IALLUGO;
    switch (e->mode & S_IFMT) {
    case S_IFDIR:
        err = dir->ops->mkdir(dir, last, len, perm, &v);
        if (err == -EEXIST && walk_step(dir, last, len, &v) == 0) {
            if (v->type == VDIR) {
                err = 0;
                v->mode = S_IFDIR | perm;
            } else {
                vnode_put(v);
                v = NULL;
            }
        }
        break;
    case S_IFREG:
    case S_IFIFO:
        if (dir->ops->unlink)
            dir->ops->unlink(dir, last, len);   /* replace an earlier copy */
        err = dir->ops->create(dir, last, len, (e->mode & S_IFMT) | perm, 0, &v);
        if (!err && e->size && (e->mode & S_IFMT) == S_IFREG)
            err = ramfs_file_fill(v, e->data, e->size);
        break;
    case S_IFLNK:
        if (e->size == 0 || e->size >= PATH_MAX || strnlen(e->data, e->size) != e->size) {
            err = -EINVAL;
            break;
        }
        memcpy(pathbuf, e->data, e->size);
        pathbuf[e->size] = '\0';
        if (dir->ops->unlink)
            dir->ops->unlink(dir, last, len);
        err = dir->ops->symlink(dir, last, len, pathbuf, &v);
        break;
    case S_IFCHR:
    case S_IFBLK:
    case S_IFSOCK:
        break;                                 /* devfs provides devices */
    default:
        err = -EINVAL;
    }
    if (v) {
        v->uid = e->uid;
        v->gid = e->gid;
        v->mtime_ns = v->ctime_ns = (uint64_t)e->mtime * 1000000000ULL;
        vnode_put(v);
    }
    vnode_put(dir);
    return err;
}

int initramfs_unpack(const void *cpio, size_t len)
{
    char *pathbuf = kmalloc(PATH_MAX);
    if (!pathbuf)
        return -ENOMEM;
    size_t off = 0, files = 0, bytes = 0;
    int r, err = 0;
    vfs_lock();
    for (;;) {
        size_t at = off;
        struct cpio_entry e;
        r = cpio_next(cpio, len, &off, &e);
        if (r == 0)
            break;
        if (r < 0) {
            kprintf(KERN_ERR "initramfs: corrupt archive at offset %zu\n", at);
            err = r;
            break;
        }
        if ((err = unpack_one(&e, pathbuf)) < 0) {
            kprintf(KERN_ERR "initramfs: cannot unpack '%s' (error %d)\n", e.name, -err);
            break;
        }
        files++;
        bytes += e.size;
    }
    vfs_unlock();
    kfree(pathbuf);
    if (!err)
        kprintf("initramfs: %zu entries, %zu KiB\n", files, bytes / 1024);
    return err;
}
