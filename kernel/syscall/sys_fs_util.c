/*
 * Shared plumbing of the file syscalls (see <fs/fsyscall.h>): user paths,
 * *at() start directories, and the access checks in front of file_ops
 * read/write.
 */
#include <fs/fsyscall.h>
#include <fs/path.h>
#include <kernel/task.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>

int path_from_user(const char __user *upath, char **out)
{
    *out = NULL;
    char *p = kmalloc(PATH_MAX);
    if (!p)
        return -ENOMEM;
    long n = strncpy_from_user(p, upath, PATH_MAX);
    if (n < 0) {
        kfree(p);
        return (int)n;
    }
    *out = p;
    return 0;
}

int at_start(int dirfd, const char *path, struct vnode **start)
{
    if (path[0] == '/') {
        *start = vfs_root();
        vnode_get(*start);
        return 0;
    }
    if (dirfd == AT_FDCWD) {
        *start = task_cwd(current);
        return 0;
    }
    struct file *f = fd_get(dirfd);
    if (!f)
        return -EBADF;
    int err = 0;
    if (f->vnode->type != VDIR && path[0])
        err = -ENOTDIR;
    else {
        *start = f->vnode;
        vnode_get(*start);
    }
    file_put(f);
    return err;
}

int at_resolve(int dirfd, const char __user *upath, int atflags, struct vnode **out)
{
    char *path = NULL;
    int err = path_from_user(upath, &path);
    if (err)
        return err;
    if (!path[0]) {
        kfree(path);
        if (!(atflags & AT_EMPTY_PATH))
            return -ENOENT;
        if (dirfd == AT_FDCWD) {
            *out = task_cwd(current);
            return 0;
        }
        struct file *f = fd_get(dirfd);
        if (!f)
            return -EBADF;
        *out = f->vnode;
        vnode_get(*out);
        file_put(f);
        return 0;
    }
    struct vnode *start;
    if ((err = at_start(dirfd, path, &start)) == 0) {
        vfs_lock();
        err = walk_path(start, path, (atflags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, out);
        vfs_unlock();
        vnode_put(start);
    }
    kfree(path);
    return err;
}

ssize_t vfs_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    if ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_PATH))
        return -EBADF;
    if (f->vnode->type == VDIR)
        return -EISDIR;
    if (!f->ops->read)
        return -EINVAL;
    return f->ops->read(f, buf, MIN(len, (size_t)MAX_RW_COUNT), off);
}

ssize_t vfs_write(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
        return -EBADF;
    if (f->vnode->type == VDIR)
        return -EISDIR;
    if (!f->ops->write)
        return -EINVAL;
    return f->ops->write(f, buf, MIN(len, (size_t)MAX_RW_COUNT), off);
}
