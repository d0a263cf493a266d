/*
 * Path resolution inside the fs layer (kernel/fs/namei.c), used by the file
 * syscalls.  Every function here expects vfs_ns_lock to be held by the
 * caller (vfs_lock()/vfs_unlock()), so a resolution and the operation that
 * follows it see one consistent name space.
 */
#ifndef FS_NAMEI_H
#define FS_NAMEI_H

#include <fs/vfs.h>
#include <kernel/mutex.h>

extern struct mutex vfs_ns_lock;
static inline void vfs_lock(void) { mutex_lock(&vfs_ns_lock); }
static inline void vfs_unlock(void) { mutex_unlock(&vfs_ns_lock); }

#define WALK_FOLLOW    0x1   /* follow a symlink in the last component */
#define WALK_DIRECTORY 0x2   /* the result must be a directory */

/* Resolve `path` starting at `start` (used for relative paths; not consumed).
 * *out is referenced.  Errors: ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, ENOMEM. */
int walk_path(struct vnode *start, const char *path, unsigned flags, struct vnode **out);

/* Resolve all but the last component.  *dir is referenced.  *name and *len are
 * the last component (pointing into path) or NULL/0 when the path has none
 * ("/"); *trailing tells whether the path ends in '/'.  The last component
 * may be "." or "..": callers decide what that means for them. */
int walk_parent(struct vnode *start, const char *path, struct vnode **dir, const char **name,
                size_t *len, bool *trailing);

/* Follow one symlink vnode `link` found in directory `dir`: resolve its
 * target relative to dir.  *links_left is decremented (ELOOP at zero). */
int walk_follow(struct vnode *dir, struct vnode *link, unsigned flags, int *links_left,
                struct vnode **out);

/* One lookup step in `dir` (handles ".", "..", mount points): *out referenced. */
int walk_step(struct vnode *dir, const char *name, size_t len, struct vnode **out);

/* From a directory to the root of the top mount on it, if any: v's
 * reference moves to the result. */
struct vnode *cross_mounts(struct vnode *v);

/* The ".." of dir (for readdir): not referenced. */
struct vnode *vfs_parent_of(struct vnode *dir);

/* True if `a` is `b` or an ancestor of it (rename loop check). */
bool vfs_is_ancestor(struct vnode *a, struct vnode *b);



/* The open(2) logic (O_CREAT/O_EXCL/O_TRUNC/O_DIRECTORY/O_NOFOLLOW, create
 * through a dangling symlink, device open hooks).  Takes vfs_ns_lock
 * itself: call WITHOUT it.  `start` is the directory for a relative path.
 * *out is a new file with refcount 1.  mode is already masked by umask. */
int vfs_openat(struct vnode *start, const char *path, int flags, mode_t mode, struct file **out);

/* A file on an existing vnode (takes its own vnode reference), running the
 * fops open hook.  Used by vfs_openat. */
int vfs_open_vnode(struct vnode *v, int flags, struct file **out);
#endif
