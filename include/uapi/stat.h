/*
 * Linux x86-64 file-status structures: struct stat (asm/stat.h, 144 bytes,
 * st_nlink *before* st_mode), struct statfs (64-bit asm-generic, 120 bytes),
 * struct linux_dirent64 (getdents64) and the S_IF* / DT_* constants.
 *
 * The structures carry a linux_ prefix so host unit tests can include this
 * header next to the C library's <sys/stat.h> without a clash.
 */
#ifndef UAPI_STAT_H
#define UAPI_STAT_H

#include <stddef.h>
#include <stdint.h>

#ifndef S_IFMT
#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISUID  0004000
#define S_ISGID  0002000
#define S_ISVTX  0001000
#define S_IRWXU  00700
#define S_IRUSR  00400
#define S_IWUSR  00200
#define S_IXUSR  00100
#define S_IRWXG  00070
#define S_IRGRP  00040
#define S_IWGRP  00020
#define S_IXGRP  00010
#define S_IRWXO  00007
#define S_IROTH  00004
#define S_IWOTH  00002
#define S_IXOTH  00001
#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)
#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)
#endif
#define S_IALLUGO 07777   /* every permission bit chmod may set */

/* getdents64 d_type values */
#ifndef DT_UNKNOWN
#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12
#endif

struct linux_stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t __pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks;          /* 512-byte units */
    uint64_t st_atime_sec, st_atime_nsec;
    uint64_t st_mtime_sec, st_mtime_nsec;
    uint64_t st_ctime_sec, st_ctime_nsec;
    int64_t __unused4[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "struct stat is 144 bytes");
_Static_assert(offsetof(struct linux_stat, st_nlink) == 16, "st_nlink");
_Static_assert(offsetof(struct linux_stat, st_mode) == 24, "st_mode");
_Static_assert(offsetof(struct linux_stat, st_uid) == 28, "st_uid");
_Static_assert(offsetof(struct linux_stat, st_rdev) == 40, "st_rdev");
_Static_assert(offsetof(struct linux_stat, st_size) == 48, "st_size");
_Static_assert(offsetof(struct linux_stat, st_blocks) == 64, "st_blocks");
_Static_assert(offsetof(struct linux_stat, st_atime_sec) == 72, "st_atime");
_Static_assert(offsetof(struct linux_stat, st_mtime_sec) == 88, "st_mtime");
_Static_assert(offsetof(struct linux_stat, st_ctime_sec) == 104, "st_ctime");

struct linux_statfs {
    int64_t f_type;
    int64_t f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail;
    uint64_t f_files, f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen;
    int64_t f_frsize;
    int64_t f_flags;
    int64_t f_spare[4];
};
_Static_assert(sizeof(struct linux_statfs) == 120, "struct statfs is 120 bytes");
_Static_assert(offsetof(struct linux_statfs, f_fsid) == 56, "f_fsid");
_Static_assert(offsetof(struct linux_statfs, f_flags) == 80, "f_flags");

#define RAMFS_MAGIC  0x858458f6
#define TMPFS_MAGIC  0x01021994
#define DEVPTS_SUPER_MAGIC 0x1cd1
#define PROC_SUPER_MAGIC 0x9fa0
#define DEVFS_MAGIC  0x1373         /* Linux's DEVFS_SUPER_MAGIC */

/* getdents64 record: header of 19 bytes, then the NUL-terminated name;
 * d_reclen is rounded up to 8. */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
} __attribute__((packed));
#define LINUX_DIRENT64_HDR 19
_Static_assert(offsetof(struct linux_dirent64, d_name) == LINUX_DIRENT64_HDR, "d_name");

struct linux_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

#endif
