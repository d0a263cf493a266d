/*
 * Linux x86-64 open(2), fcntl(2) and the *at(2) calls: flag values (asm-generic/fcntl.h and
 * linux/fcntl.h).  Guarded with #ifndef so host tests that also pull in the C
 * library's headers see one definition.
 */
#ifndef UAPI_FCNTL_H
#define UAPI_FCNTL_H

#ifndef O_ACCMODE
#define O_ACCMODE   00000003
#define O_RDONLY    00000000
#define O_WRONLY    00000001
#define O_RDWR      00000002
#define O_CREAT     00000100
#define O_EXCL      00000200
#define O_NOCTTY    00000400
#define O_TRUNC     00001000
#define O_APPEND    00002000
#define O_NONBLOCK  00004000
#define O_DSYNC     00010000
#define O_ASYNC     00020000
#define O_DIRECT    00040000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW  00400000
#define O_NOATIME   01000000
#define O_CLOEXEC   02000000
#define O_SYNC      04010000
#define O_PATH      010000000
#define O_TMPFILE   020200000
#endif
#ifndef __O_TMPFILE
#define __O_TMPFILE 020000000   /* O_TMPFILE without its O_DIRECTORY */
#endif
#ifndef O_NDELAY
#define O_NDELAY O_NONBLOCK
#endif

#ifndef AT_FDCWD
#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_EACCESS          0x200   /* faccessat: same bit, different call */
#define AT_SYMLINK_FOLLOW   0x400
#define AT_NO_AUTOMOUNT     0x800
#define AT_EMPTY_PATH       0x1000
#endif

#ifndef F_DUPFD
#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_GETLK         5
#define F_SETLK         6
#define F_SETLKW        7
#define F_SETOWN        8
#define F_GETOWN        9
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ    1031
#define F_GETPIPE_SZ    1032
#define FD_CLOEXEC      1
#endif
#ifndef F_SETSIG
#define F_SETSIG        10
#define F_GETSIG        11
#define F_SETOWN_EX     15
#define F_GETOWN_EX     16
#define F_OWNER_TID     0
#define F_OWNER_PID     1
#define F_OWNER_PGRP    2
#endif
#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE      0x01
#define FALLOC_FL_PUNCH_HOLE     0x02
#define FALLOC_FL_NO_HIDE_STALE  0x04
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE     0x10
#define FALLOC_FL_INSERT_RANGE   0x20
#define FALLOC_FL_UNSHARE_RANGE  0x40
#endif
#ifndef F_OFD_GETLK
#define F_OFD_GETLK     36
#define F_OFD_SETLK     37
#define F_OFD_SETLKW    38
#endif

/* Record locks (fcntl F_GETLK/F_SETLK/F_SETLKW and the F_OFD_ forms) */
#ifndef F_RDLCK
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#endif

/* flock(2) operations */
#ifndef LOCK_SH
#define LOCK_SH   1
#define LOCK_EX   2
#define LOCK_NB   4
#define LOCK_UN   8
#endif
#ifndef LOCK_MAND
#define LOCK_MAND 32      /* no longer supported: such a request is ignored */
#endif

/* struct flock as x86-64 Linux lays it out (also struct flock64). */
struct linux_flock {
    short l_type;         /* F_RDLCK, F_WRLCK, F_UNLCK */
    short l_whence;       /* SEEK_SET, SEEK_CUR, SEEK_END */
    long long l_start;
    long long l_len;      /* 0: to end of file; negative: the bytes before l_start */
    int l_pid;
};
_Static_assert(sizeof(struct linux_flock) == 32, "struct flock");
_Static_assert(__builtin_offsetof(struct linux_flock, l_start) == 8, "flock l_start");
_Static_assert(__builtin_offsetof(struct linux_flock, l_pid) == 24, "flock l_pid");

#ifndef SEEK_SET
#define SEEK_SET  0
#define SEEK_CUR  1
#define SEEK_END  2
#endif
#ifndef SEEK_DATA
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif

/* access(2)/faccessat(2) mode bits */
#ifndef F_OK
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4
#endif

/* utimensat(2) */
#ifndef UTIME_NOW
#define UTIME_NOW  ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)
#endif

/* renameat2(2) */
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE  (1 << 1)
#define RENAME_WHITEOUT  (1 << 2)
#endif

#endif
