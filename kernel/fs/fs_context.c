/*
 * The working directory and umask of a task, shared by the threads created
 * with CLONE_FS (glibc and musl create every thread so): a chdir or umask in
 * one is seen by all.  A process created without CLONE_FS gets a copy.
 *
 * Locking: fs->lock guards the cwd pointer.  Path walks hold a reference
 * taken under it (task_cwd), so a chdir in another thread, which drops the
 * context's reference to the old directory, never frees a directory a walk
 * is using.
 */
#include <fs/mount.h>
#include <fs/vfs.h>
#include <kernel/task.h>
#include <mm/kheap.h>

struct fs_context *fs_context_new(struct vnode *cwd, mode_t umask)
{
    struct fs_context *fs = kzalloc(sizeof *fs);
    if (!fs)
        return NULL;
    fs->refs = 1;
    spin_init(&fs->lock, "fs");
    fs->cwd = cwd;
    if (cwd)
        vnode_use(cwd);         /* a working directory keeps its mount busy */
    fs->umask = umask;
    return fs;
}

struct fs_context *fs_context_copy(struct fs_context *src)
{
    spin_lock(&src->lock);
    struct vnode *cwd = src->cwd;
    if (cwd)
        vnode_get(cwd);
    spin_unlock(&src->lock);
    struct fs_context *fs = fs_context_new(cwd, READ_ONCE(src->umask));
    vnode_put(cwd);
    if (fs) {
        fs->mnt_ns = src->mnt_ns;   /* the caller's own: no one changes it meanwhile */
        mnt_ns_get(fs->mnt_ns);
    }
    return fs;
}

void fs_context_get(struct fs_context *fs) { __atomic_add_fetch(&fs->refs, 1, __ATOMIC_RELAXED); }

void fs_context_put(struct fs_context *fs)
{
    if (!fs || __atomic_sub_fetch(&fs->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    vnode_unuse(fs->cwd);
    mnt_ns_put(fs->mnt_ns);
    kfree(fs);
}

struct vnode *task_cwd(struct task *t)
{
    struct fs_context *fs = t ? t->fs : NULL;
    struct vnode *v = NULL;
    if (fs) {
        spin_lock(&fs->lock);
        v = fs->cwd;
        if (v)
            vnode_get(v);
        spin_unlock(&fs->lock);
    }
    if (!v) {
        v = vfs_root();
        vnode_get(v);
    }
    return v;
}

void task_set_cwd(struct task *t, struct vnode *v)
{
    struct fs_context *fs = t->fs;
    __atomic_add_fetch(&v->sb->users, 1, __ATOMIC_RELAXED);   /* the reference becomes a use */
    spin_lock(&fs->lock);
    struct vnode *old = fs->cwd;
    fs->cwd = v;
    spin_unlock(&fs->lock);
    vnode_unuse(old);
}

mode_t task_umask(struct task *t) { return t->fs ? READ_ONCE(t->fs->umask) : 022; }
