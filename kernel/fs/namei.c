/*
 * Path walking: from the root or a start directory, component by component
 * (path.c cuts the string), through mount points, "." and "..", following
 * symlinks up to SYMLOOP_MAX in one resolution (ELOOP after that), with the
 * POSIX rules for trailing slashes (the object must be a directory; a
 * symlink before the slash is followed) and for names (ENAMETOOLONG,
 * ENOTDIR when a middle component is not a directory, ENOENT when absent).
 * Mounts are crossed as <fs/mount.h> describes.  Also here: vfs_init, exec
 * lookup and getcwd's path.
 */
#include <fs/mount.h>
#include <fs/mqueue.h>
#include <fs/namei.h>
#include <fs/path.h>
#include <fs/ramfs.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <proc/cred.h>

struct mutex vfs_ns_lock;
static struct vnode *root_vnode;

struct vnode *vfs_root(void) { return root_vnode; }

struct vnode *vfs_parent_of(struct vnode *dir)
{
    struct mount *m;
    while ((m = mount_rooted(dir)) && m->covered)   /* the root of a mount: step out first */
        dir = m->covered;
    if (dir == root_vnode)
        return dir;
    return dir->parent ? dir->parent : dir;
}

struct vnode *cross_mounts(struct vnode *v)
{
    for (struct mount *on; (on = mount_on(v));) {
        struct vnode *m = on->root;
        vnode_get(m);
        vnode_put(v);
        v = m;
    }
    return v;
}

bool vfs_is_ancestor(struct vnode *a, struct vnode *b)
{
    for (struct vnode *v = b;;) {
        if (v == a)
            return true;
        struct vnode *p = vfs_parent_of(v);
        if (p == v)
            return false;
        v = p;
    }
}

int walk_step(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    if (dir->type != VDIR)
        return -ENOTDIR;
    int denied = vnode_permission(dir, MAY_EXEC);      /* search permission on every directory */
    if (denied)
        return denied;
    int dots = path_dot_kind(name, len);
    struct vnode *next;
    if (dots == 1) {
        next = dir;
        vnode_get(next);
    } else if (dots == 2) {
        next = vfs_parent_of(dir);
        vnode_get(next);
    } else {
        if (!dir->ops || !dir->ops->lookup)
            return -ENOTDIR;
        if (len > NAME_MAX)
            return -ENAMETOOLONG;
        int err = dir->ops->lookup(dir, name, len, &next);
        if (err)
            return err;
    }
    *out = cross_mounts(next);
    return 0;
}

static int walk_rec(struct vnode *start, const char *path, unsigned flags, int *links_left,
                    bool want_parent, struct vnode **out, const char **lname, size_t *llen);

int walk_follow(struct vnode *dir, struct vnode *link, unsigned flags, int *links_left,
                struct vnode **out)
{
    if (--*links_left < 0)
        return -ELOOP;
    if (link->ops && link->ops->get_link)
        return link->ops->get_link(link, out);
    if (!link->ops || !link->ops->readlink)
        return -EINVAL;
    char *target = kmalloc(PATH_MAX);
    if (!target)
        return -ENOMEM;
    ssize_t n = link->ops->readlink(link, target, PATH_MAX - 1);
    int err = n < 0 ? (int)n : 0;
    if (!err) {
        target[n] = '\0';
        err = path_check(target);
    }
    if (!err)
        err = walk_rec(dir, target, flags | WALK_FOLLOW, links_left, false, out, NULL, NULL);
    kfree(target);
    return err;
}

/* The walker.  `start` is not consumed.  With want_parent it stops before
 * the last component and returns it in lname/llen. */
static int walk_rec(struct vnode *start, const char *path, unsigned flags, int *links_left,
                    bool want_parent, struct vnode **out, const char **lname, size_t *llen)
{
    int err = path_check(path);
    if (err)
        return err;
    bool trailing = path_trailing_slash(path);
    struct vnode *cur = path[0] == '/' ? root_vnode : start;
    vnode_get(cur);
    if (path[0] == '/')
        cur = cross_mounts(cur);     /* something mounted on "/" itself */

    const char *cursor = path, *name;
    size_t len;
    bool last;
    while (path_next(&cursor, &name, &len, &last)) {
        if (last && want_parent) {
            if (cur->type != VDIR) {
                vnode_put(cur);
                return -ENOTDIR;
            }
            *lname = name;
            *llen = len;
            *out = cur;
            return 0;
        }
        struct vnode *next;
        if ((err = walk_step(cur, name, len, &next)) < 0)
            break;
        if (next->type == VLNK && (!last || (flags & WALK_FOLLOW) || trailing)) {
            struct vnode *res;
            err = walk_follow(cur, next, flags, links_left, &res);
            vnode_put(next);
            if (err)
                break;
            next = res;
        }
        vnode_put(cur);
        cur = next;
    }
    if (err) {
        vnode_put(cur);
        return err;
    }
    if (want_parent) {          /* no components at all: "/" */
        *lname = NULL;
        *llen = 0;
        *out = cur;
        return 0;
    }
    if ((trailing || (flags & WALK_DIRECTORY)) && cur->type != VDIR) {
        vnode_put(cur);
        return -ENOTDIR;
    }
    *out = cur;
    return 0;
}

int walk_path(struct vnode *start, const char *path, unsigned flags, struct vnode **out)
{
    int links = SYMLOOP_MAX;
    return walk_rec(start, path, flags, &links, false, out, NULL, NULL);
}

int walk_parent(struct vnode *start, const char *path, struct vnode **dir, const char **name,
                size_t *len, bool *trailing)
{
    int links = SYMLOOP_MAX;
    *trailing = path_trailing_slash(path);
    return walk_rec(start, path, 0, &links, true, dir, name, len);
}


int vfs_exec_permission(struct vnode *v)
{
    return v->type != VREG || vnode_permission(v, MAY_EXEC) ? -EACCES : 0;
}

int vfs_lookup_exec_at(struct vnode *start, const char *kpath, bool follow, struct vnode **out)
{
    struct vnode *v;
    vfs_lock();
    int err = walk_path(start, kpath, follow ? WALK_FOLLOW : 0, &v);
    vfs_unlock();
    if (err)
        return err;
    err = v->type == VLNK ? -ELOOP : vfs_exec_permission(v);
    if (err) {
        vnode_put(v);
        return err;
    }
    *out = v;
    return 0;
}

int vfs_lookup_exec(const char *kpath, struct vnode **out)
{
    struct vnode *cwd = task_cwd(current);
    int err = vfs_lookup_exec_at(cwd, kpath, true, out);
    vnode_put(cwd);
    return err;
}

/* readdir actor that looks for an inode number and copies its name. */
struct name_search {
    uint64_t ino;
    char *name;
    size_t len;
    bool found;
};

static bool find_ino_actor(struct dir_ctx *ctx, const char *name, size_t len, uint64_t ino,
                           unsigned dtype, uint64_t next_pos)
{
    struct name_search *s = ctx->arg;
    if (ino != s->ino)
        return true;
    memcpy(s->name, name, len);
    s->len = len;
    s->found = true;
    return false;   /* stop */
}

int vfs_path_of(struct vnode *v, char *buf, size_t n)
{
    char *tmp = kmalloc(PATH_MAX), *name = kmalloc(NAME_MAX + 1);
    int err = 0;
    if (!tmp || !name) {
        err = -ENOMEM;
        goto out;
    }
    size_t pos = PATH_MAX - 1;
    tmp[pos] = '\0';
    vfs_lock();
    for (struct vnode *cur = v; cur != root_vnode;) {
        for (struct mount *m; (m = mount_rooted(cur)) && m->covered;)
            cur = m->covered;
        if (cur == root_vnode)
            break;
        struct vnode *parent = cur->parent;
        if (!parent || (cur->type == VDIR && cur->nlink == 0)) {
            err = -ENOENT;      /* removed or detached */
            break;
        }
        struct name_search s = {.ino = cur->ino, .name = name};
        struct dir_ctx ctx = {.pos = 2, .actor = find_ino_actor, .arg = &s};
        if (parent->ops && parent->ops->readdir)
            parent->ops->readdir(parent, &ctx);
        if (!s.found) {
            err = -ENOENT;
            break;
        }
        if (s.len + 1 > pos) {
            err = -ENAMETOOLONG;
            break;
        }
        pos -= s.len;
        memcpy(tmp + pos, name, s.len);
        tmp[--pos] = '/';
        cur = parent;
    }
    vfs_unlock();
    if (!err) {
        if (pos == PATH_MAX - 1)
            tmp[--pos] = '/';
        size_t len = PATH_MAX - 1 - pos;
        if (len + 1 > n)
            err = -ERANGE;
        else {
            memcpy(buf, tmp + pos, len + 1);
            err = (int)len;
        }
    }
out:
    kfree(tmp);
    kfree(name);
    return err;
}

void vfs_init(void)
{
    mutex_init(&vfs_ns_lock, "vfs-namespace");
    root_vnode = ramfs_new_root();
    if (!root_vnode)
        panic("vfs: cannot allocate the root directory");
    /* the root is its own parent for "..": vfs_parent_of handles it */
    mount_init(root_vnode);
    devfs_init();
    mqueue_init();
    kprintf("vfs: ramfs root ready\n");
}
