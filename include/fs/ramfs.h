/*
 * ramfs: the in-memory root file system (kernel/fs/ramfs.c for directories,
 * symlinks and special files, ramfs_file.c for regular-file data).  Internal
 * to the fs layer: other subsystems reach it only through the VFS.
 */
#ifndef FS_RAMFS_H
#define FS_RAMFS_H

#include <fs/vfs.h>

/* The largest regular file: 2^18 pages = 1 GiB (EFBIG beyond). */
#define RAMFS_MAX_PAGES (1UL << 18)

extern struct superblock ramfs_sb;

/* A new empty ramfs directory (parent NULL: the caller links it), or NULL. */
struct vnode *ramfs_new_root(void);

/* Regular-file data (ramfs_file.c). */
extern const struct vnode_ops ramfs_file_vops;
extern const struct file_ops ramfs_file_fops;
int ramfs_file_init(struct vnode *v);          /* 0 or -ENOMEM */
/* Append kernel data at the end of a file (initramfs unpacking). */
int ramfs_file_fill(struct vnode *v, const void *data, size_t len);
/* Count one page of data against v's file system (its size= limit and,
 * with `reserve`, the memory kept back from file data: ENOSPC when false),
 * and give it back. */
bool ramfs_charge_page(struct vnode *v, bool reserve);
void ramfs_uncharge_page(struct vnode *v);
/* A symlink target this long or longer takes a page of data, as on
 * Linux's tmpfs (shorter ones live in the inode). */
#define RAMFS_SHORT_SYMLINK 128
/* Pages and bytes in use by all ramfs files (statfs). */
extern uint64_t ramfs_pages_used;

#endif
