/*
 * devfs: /dev is a devtmpfs, an instance of the in-memory file system made
 * at boot and mounted on /dev by the kernel (as Linux's
 * CONFIG_DEVTMPFS_MOUNT does); `mount -t devtmpfs` elsewhere shows the same
 * instance.  Its character-device vnodes carry the file_ops of a driver.  devfs_register() is the whole driver
 * interface: it creates /dev/<name> with the driver's fops and private data,
 * and open() installs them in the new file.  The memory devices /dev/null,
 * /dev/zero and /dev/full live here too.  Device numbers follow Linux
 * (mem major 1) so `ls -l /dev` looks familiar, and /dev/fd, /dev/stdin,
 * /dev/stdout and /dev/stderr are the links into /proc/self/fd that Linux
 * systems have.
 */
#include <fs/mount.h>
#include <fs/namei.h>
#include <fs/xattr.h>
#include <kernel/random.h>
#include <lib/string.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>

static struct vnode *dev_dir;   /* the devtmpfs root, referenced for the kernel's lifetime */

struct vnode *devfs_root(void) { return dev_dir; }

int devfs_register_dev(const char *name, mode_t mode, dev_t rdev, const struct file_ops *fops,
                       void *priv)
{
    size_t len = strlen(name);
    if (!dev_dir) {
        kprintf(KERN_ERR "devfs: register %s before vfs_init\n", name);
        return -ENODEV;
    }
    if (len == 0 || len > NAME_MAX || strchr(name, '/'))
        return -EINVAL;
    struct vnode *v;
    vfs_lock();
    int err = dev_dir->ops->create(dev_dir, name, len, S_IFCHR | (mode & S_IALLUGO), rdev, &v);
    if (err == 0) {
        /* set before the name can be opened: we still hold vfs_ns_lock */
        v->fops = fops;
        v->fops_priv = priv;
        vnode_put(v);
    }
    vfs_unlock();
    return err;
}

int devfs_register(const char *name, mode_t mode, const struct file_ops *fops, void *priv)
{
    return devfs_register_dev(name, mode, 0, fops, priv);
}

static ssize_t null_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off) { return 0; }

static ssize_t sink_write(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    return (ssize_t)len;
}

static ssize_t zero_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    return iob_clear(buf, 0, len) ? -EFAULT : (ssize_t)len;
}

static ssize_t full_write(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    return len ? -ENOSPC : 0;
}

/* Both read the kernel's generator and never block (Linux's /dev/random
 * stopped blocking once seeded); writes are taken and ignored. */
static ssize_t random_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    if (!buf.is_kernel)
        return random_to_user(buf.user, len);
    random_bytes(buf.kernel, len);
    return (ssize_t)len;
}

static const struct file_ops random_fops = {.read = random_read, .write = sink_write, .lseek = noop_lseek};
static const struct file_ops null_fops = {.read = null_read, .write = sink_write, .lseek = noop_lseek};
static const struct file_ops zero_fops = {.read = zero_read, .write = sink_write, .lseek = noop_lseek};
static const struct file_ops full_fops = {.read = zero_read, .write = full_write, .lseek = noop_lseek};

void devfs_init(void)
{
    dev_dir = ramfs_new_instance("devtmpfs", TMPFS_MAGIC, 0755, 0, 0, false);
    if (!dev_dir)
        panic("devfs: cannot create /dev");
    /* the limits a tmpfs has by default, so that only mode= shows */
    dev_dir->sb->max_pages = dev_dir->sb->max_inodes = pmm_total_pages() / 2;
    dev_dir->sb->xattrs = SB_XATTR_STORE;
    int err = vfs_mount_kernel("devtmpfs", "/dev");
    if (err)
        panic("devfs: cannot mount /dev (%d)", err);
    devfs_register_dev("null", 0666, MKDEV(1, 3), &null_fops, NULL);
    devfs_register_dev("zero", 0666, MKDEV(1, 5), &zero_fops, NULL);
    devfs_register_dev("full", 0666, MKDEV(1, 7), &full_fops, NULL);
    devfs_register_dev("random", 0666, MKDEV(1, 8), &random_fops, NULL);
    devfs_register_dev("urandom", 0666, MKDEV(1, 9), &random_fops, NULL);
    /* POSIX shared memory (shm_open) lives in /dev/shm: a sticky,
     * world-writable in-memory directory, as on Linux */
    struct vnode *shm;
    vfs_lock();
    err = dev_dir->ops->mkdir(dev_dir, "shm", 3, 01777, &shm);
    vfs_unlock();
    if (err)
        panic("devfs: cannot create /dev/shm (%d)", err);
    vnode_put(shm);
    /* the links a Linux system's /dev has (bash's <(...) opens /dev/fd/N) */
    static const char *const links[][2] = {
        {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
        {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        struct vnode *v;
        vfs_lock();
        err = dev_dir->ops->symlink(dev_dir, links[i][0], strlen(links[i][0]), links[i][1], &v);
        vfs_unlock();
        if (err)
            panic("devfs: cannot create /dev/%s (%d)", links[i][0], err);
        vnode_put(v);
    }
}
