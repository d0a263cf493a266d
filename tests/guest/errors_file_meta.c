/* File metadata calls, error by error as their man pages list them:
 * stat/lstat/fstat/newfstatat/statx, access/faccessat/faccessat2,
 * chmod/fchmod/fchmodat, chown/fchown/lchown/fchownat, truncate/ftruncate,
 * utimensat, statfs/fstatfs, fsync/fdatasync, creat and sync.  Bad
 * pointers (EFAULT), bad descriptors (EBADF), bad flags (EINVAL), overlong
 * names and paths (ENAMETOOLONG), missing files (ENOENT), a file used as a
 * directory (ENOTDIR), symlink loops (ELOOP), directories where files are
 * wanted (EISDIR), and as the user nobody EACCES and EPERM. */
#include "gt_errors.h"
#include <sys/statfs.h>

/* musl's headers here have no struct statx: a buffer of its size will do. */
struct statx { char bytes[256]; };
#ifndef STATX_BASIC_STATS
#define STATX_BASIC_STATS 0x7ffu
#endif
#ifndef AT_STATX_FORCE_SYNC
#define AT_STATX_FORCE_SYNC 0x2000
#define AT_STATX_DONT_SYNC 0x4000
#endif

static void as_nobody(void)
{
    struct stat st;
    struct statx sx;
    E(syscall(SYS_stat, "priv/f", &st), EACCES);
    E(syscall(SYS_statx, AT_FDCWD, "priv/f", 0, STATX_BASIC_STATS, &sx), EACCES);
    E(syscall(SYS_access, "priv", R_OK), EACCES);
    E(syscall(SYS_access, "f", W_OK), EACCES);
    E(syscall(SYS_faccessat2, AT_FDCWD, "f", W_OK, AT_EACCESS), EACCES);
    OK(syscall(SYS_access, "f", R_OK));
    E(syscall(SYS_chmod, "f", 0600), EPERM);
    int fd = open("f", O_RDONLY);
    E(syscall(SYS_fchmod, fd, 0600), EPERM);
    E(syscall(SYS_fchown, fd, 65534, 65534), EPERM);
    E(syscall(SYS_fchownat, AT_FDCWD, "f", 65534, -1, 0), EPERM);
    E(syscall(SYS_lchown, "sl", 65534, 65534), EPERM);
    E(syscall(SYS_utimensat, fd, NULL, NULL, 0), EACCES);
    E(syscall(SYS_utimensat, AT_FDCWD, "f", NULL, 0), EACCES);
    E(syscall(SYS_truncate, "f", 0), EACCES);
    E(syscall(SYS_ftruncate, fd, 0), EINVAL);
    close(fd);
    E(syscall(SYS_creat, "priv/new", 0644), EACCES);
    E(syscall(SYS_creat, "f", 0644), EACCES);
    E(open("f", O_RDONLY | O_TRUNC), EACCES);
    E(open("f", O_RDWR), EACCES);
    E(open("priv", O_RDONLY | O_DIRECTORY), EACCES);
    E(open("priv/f", O_RDONLY), EACCES);
    E(syscall(SYS_faccessat2, AT_FDCWD, "priv/f", F_OK, 0), EACCES);
    /* a file of its own, in a world-writable directory */
    int mine = open("pub/mine", O_CREAT | O_RDWR, 0644);
    OK(mine);
    E(syscall(SYS_fchown, mine, -1, 0), EPERM);
    E(syscall(SYS_fchown, mine, 0, -1), EPERM);
    OK(syscall(SYS_fchown, mine, -1, 65534));
    OK(syscall(SYS_fchown, mine, 65534, -1));
    OK(syscall(SYS_fchmod, mine, 02755));
    fstat(mine, &st);
    say("its own set-group-id file keeps the bit: %s\n", st.st_mode & 02000 ? "yes" : "no");
    struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };
    OK(syscall(SYS_utimensat, mine, NULL, ts, 0));
    close(mine);
    E(syscall(SYS_utimensat, AT_FDCWD, "pub/rootfile", ts, 0), EPERM);
    OK(syscall(SYS_utimensat, AT_FDCWD, "pub/rootfile", NULL, 0));
    E(syscall(SYS_chmod, "pub/rootfile", 0666), EPERM);
    E(syscall(SYS_truncate, "pub/rootro", 0), EACCES);
    OK(syscall(SYS_truncate, "pub/rootfile", 0));
}

int main(void)
{
    gt_errors_init();
    umask(022);
    int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "data", 4);
    mkdir("d", 0755);
    mkdir("priv", 0700);
    close(open("priv/f", O_CREAT | O_WRONLY, 0644));
    mkdir("pub", 0755);
    chmod("pub", 0777);
    close(open("pub/rootfile", O_CREAT | O_WRONLY, 0644));
    chmod("pub/rootfile", 0666);
    close(open("pub/rootro", O_CREAT | O_WRONLY, 0644));
    symlink("loop", "loop");
    symlink("f", "sl");
    symlink("nowhere", "dangling");
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    int pfd[2];
    pipe(pfd);
    struct stat st;
    struct statx sx;
    struct statfs sfs;

    say("-- stat, lstat, fstat, newfstatat\n");
    E(syscall(SYS_stat, "", &st), ENOENT);
    E(syscall(SYS_stat, "missing", &st), ENOENT);
    E(syscall(SYS_stat, "dangling", &st), ENOENT);
    E(syscall(SYS_stat, "f/x", &st), ENOTDIR);
    E(syscall(SYS_stat, "f/", &st), ENOTDIR);
    E(syscall(SYS_stat, LONGNAME, &st), ENAMETOOLONG);
    E(syscall(SYS_stat, LONGPATH, &st), ENAMETOOLONG);
    E(syscall(SYS_stat, "loop", &st), ELOOP);
    E(syscall(SYS_stat, "loop/x", &st), ELOOP);
    E(syscall(SYS_stat, BAD_PTR, &st), EFAULT);
    E(syscall(SYS_stat, "f", BAD_PTR), EFAULT);
    OK(syscall(SYS_lstat, "loop", &st));
    OK(syscall(SYS_lstat, "dangling", &st));
    E(syscall(SYS_lstat, "missing", &st), ENOENT);
    E(syscall(SYS_lstat, "f", UNMAPPED), EFAULT);
    E(syscall(SYS_fstat, -1, &st), EBADF);
    E(syscall(SYS_fstat, 999, &st), EBADF);
    E(syscall(SYS_fstat, fd, BAD_PTR), EFAULT);
    E(syscall(SYS_newfstatat, 999, "f", &st, 0), EBADF);
    OK(syscall(SYS_newfstatat, 999, "/", &st, 0));
    E(syscall(SYS_newfstatat, fd, "x", &st, 0), ENOTDIR);
    E(syscall(SYS_newfstatat, AT_FDCWD, "f", &st, 0x1), EINVAL);
    E(syscall(SYS_newfstatat, AT_FDCWD, "f", &st, 0x10000), EINVAL);
    E(syscall(SYS_newfstatat, fd, "", &st, 0), ENOENT);
    OK(syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH));
    E(syscall(SYS_newfstatat, 999, "", &st, AT_EMPTY_PATH), EBADF);
    E(syscall(SYS_newfstatat, AT_FDCWD, "loop", &st, 0), ELOOP);
    OK(syscall(SYS_newfstatat, AT_FDCWD, "loop", &st, AT_SYMLINK_NOFOLLOW));
    E(syscall(SYS_newfstatat, dfd, "missing", &st, 0), ENOENT);

    say("-- statx\n");
    E(syscall(SYS_statx, AT_FDCWD, "f", 0, 0x80000000u, &sx), EINVAL);
    E(syscall(SYS_statx, AT_FDCWD, "f", 0x1, STATX_BASIC_STATS, &sx), EINVAL);
    E(syscall(SYS_statx, AT_FDCWD, "f", AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, STATX_BASIC_STATS, &sx), EINVAL);
    E(syscall(SYS_statx, 999, "f", 0, STATX_BASIC_STATS, &sx), EBADF);
    E(syscall(SYS_statx, fd, "f", 0, STATX_BASIC_STATS, &sx), ENOTDIR);
    E(syscall(SYS_statx, AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &sx), ENOENT);
    E(syscall(SYS_statx, AT_FDCWD, LONGNAME, 0, STATX_BASIC_STATS, &sx), ENAMETOOLONG);
    E(syscall(SYS_statx, AT_FDCWD, "loop", 0, STATX_BASIC_STATS, &sx), ELOOP);
    E(syscall(SYS_statx, AT_FDCWD, BAD_PTR, 0, STATX_BASIC_STATS, &sx), EFAULT);
    E(syscall(SYS_statx, AT_FDCWD, "f", 0, STATX_BASIC_STATS, BAD_PTR), EFAULT);
    OK(syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx));

    say("-- access, faccessat, faccessat2\n");
    E(syscall(SYS_access, "f", 8), EINVAL);
    E(syscall(SYS_access, "f", -1), EINVAL);
    E(syscall(SYS_access, "missing", F_OK), ENOENT);
    E(syscall(SYS_access, "f/x", F_OK), ENOTDIR);
    E(syscall(SYS_access, "loop", F_OK), ELOOP);
    E(syscall(SYS_access, LONGNAME, F_OK), ENAMETOOLONG);
    E(syscall(SYS_access, BAD_PTR, F_OK), EFAULT);
    E(syscall(SYS_access, "f", X_OK), EACCES);
    OK(syscall(SYS_access, "f", R_OK | W_OK));
    E(syscall(SYS_faccessat, 999, "f", F_OK), EBADF);
    E(syscall(SYS_faccessat, fd, "f", F_OK), ENOTDIR);
    E(syscall(SYS_faccessat, AT_FDCWD, "f", 8), EINVAL);
    OK(syscall(SYS_faccessat, dfd, "..", F_OK));
    E(syscall(SYS_faccessat2, AT_FDCWD, "f", F_OK, 0x1), EINVAL);
    E(syscall(SYS_faccessat2, AT_FDCWD, "f", 8, 0), EINVAL);
    E(syscall(SYS_faccessat2, 999, "f", F_OK, 0), EBADF);
    E(syscall(SYS_faccessat2, AT_FDCWD, "loop", F_OK, 0), ELOOP);
    OK(syscall(SYS_faccessat2, AT_FDCWD, "loop", F_OK, AT_SYMLINK_NOFOLLOW));
    OK(syscall(SYS_faccessat2, fd, "", R_OK, AT_EMPTY_PATH));
    OK(syscall(SYS_faccessat2, AT_FDCWD, "f", R_OK, AT_EACCESS));

    say("-- chmod, fchmod, fchmodat\n");
    E(syscall(SYS_chmod, "missing", 0644), ENOENT);
    E(syscall(SYS_chmod, "f/x", 0644), ENOTDIR);
    E(syscall(SYS_chmod, "loop", 0644), ELOOP);
    E(syscall(SYS_chmod, LONGPATH, 0644), ENAMETOOLONG);
    E(syscall(SYS_chmod, BAD_PTR, 0644), EFAULT);
    E(syscall(SYS_fchmod, 999, 0644), EBADF);
    E(syscall(SYS_fchmod, -1, 0644), EBADF);
    E(syscall(SYS_fchmodat, 999, "f", 0644), EBADF);
    E(syscall(SYS_fchmodat, fd, "x", 0644), ENOTDIR);
    E(syscall(SYS_fchmodat, dfd, "missing", 0644), ENOENT);
    OK(syscall(SYS_fchmodat, AT_FDCWD, "f", 0644));

    say("-- chown, fchown, lchown, fchownat\n");
    E(syscall(SYS_chown, "missing", 0, 0), ENOENT);
    E(syscall(SYS_chown, "loop", 0, 0), ELOOP);
    E(syscall(SYS_chown, BAD_PTR, 0, 0), EFAULT);
    E(syscall(SYS_lchown, "missing", 0, 0), ENOENT);
    OK(syscall(SYS_lchown, "loop", 0, 0));
    E(syscall(SYS_lchown, "f/x", 0, 0), ENOTDIR);
    E(syscall(SYS_fchown, 999, 0, 0), EBADF);
    E(syscall(SYS_fchownat, AT_FDCWD, "f", 0, 0, 0x1), EINVAL);
    E(syscall(SYS_fchownat, 999, "f", 0, 0, 0), EBADF);
    E(syscall(SYS_fchownat, fd, "x", 0, 0, 0), ENOTDIR);
    E(syscall(SYS_fchownat, fd, "", 0, 0, 0), ENOENT);
    OK(syscall(SYS_fchownat, fd, "", -1, -1, AT_EMPTY_PATH));
    OK(syscall(SYS_fchownat, AT_FDCWD, "loop", -1, -1, AT_SYMLINK_NOFOLLOW));

    say("-- truncate, ftruncate\n");
    E(syscall(SYS_truncate, "d", 0), EISDIR);
    E(syscall(SYS_truncate, "f", -1L), EINVAL);
    E(syscall(SYS_truncate, "missing", 0), ENOENT);
    E(syscall(SYS_truncate, "f/x", 0), ENOTDIR);
    E(syscall(SYS_truncate, "loop", 0), ELOOP);
    E(syscall(SYS_truncate, LONGNAME, 0), ENAMETOOLONG);
    E(syscall(SYS_truncate, BAD_PTR, 0), EFAULT);
    E(syscall(SYS_ftruncate, 999, 0), EBADF);
    E(syscall(SYS_ftruncate, fd, -1L), EINVAL);
    E(syscall(SYS_ftruncate, dfd, 0), EINVAL);
    E(syscall(SYS_ftruncate, pfd[1], 0), EINVAL);
    int rfd = open("f", O_RDONLY);
    E(syscall(SYS_ftruncate, rfd, 0), EINVAL);
    close(rfd);
    OK(syscall(SYS_ftruncate, fd, 4));

    say("-- utimensat\n");
    struct timespec bad_ns[2] = { { 0, 1000000000 }, { 0, 0 } };
    struct timespec neg_ns[2] = { { 0, 0 }, { 0, -1 } };
    struct timespec omit[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
    E(syscall(SYS_utimensat, AT_FDCWD, "f", bad_ns, 0), EINVAL);
    E(syscall(SYS_utimensat, AT_FDCWD, "f", neg_ns, 0), EINVAL);
    E(syscall(SYS_utimensat, AT_FDCWD, "f", NULL, 0x1), EINVAL);
    E(syscall(SYS_utimensat, 999, "f", NULL, 0), EBADF);
    E(syscall(SYS_utimensat, 999, NULL, NULL, 0), EBADF);
    E(syscall(SYS_utimensat, fd, "x", NULL, 0), ENOTDIR);
    E(syscall(SYS_utimensat, AT_FDCWD, "missing", NULL, 0), ENOENT);
    E(syscall(SYS_utimensat, AT_FDCWD, "loop", NULL, 0), ELOOP);
    E(syscall(SYS_utimensat, AT_FDCWD, LONGNAME, NULL, 0), ENAMETOOLONG);
    E(syscall(SYS_utimensat, AT_FDCWD, "f", BAD_PTR, 0), EFAULT);
    OK(syscall(SYS_utimensat, AT_FDCWD, "f", omit, 0));
    OK(syscall(SYS_utimensat, fd, NULL, NULL, 0));
    struct timespec omit2[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
    int pathf = open("f", O_PATH);
    E(syscall(SYS_utimensat, AT_FDCWD, NULL, NULL, 0), EFAULT);
    OK(syscall(SYS_utimensat, AT_FDCWD, "missing", omit2, 0));
    OK(syscall(SYS_utimensat, 999, NULL, omit2, 0));
    E(syscall(SYS_utimensat, AT_FDCWD, "missing", bad_ns, 0), ENOENT);
    E(syscall(SYS_utimensat, AT_FDCWD, "f", BAD_PTR, 0x1), EFAULT);
    E(syscall(SYS_utimensat, AT_FDCWD, "missing", NULL, 0x1), EINVAL);
    E(syscall(SYS_utimensat, fd, NULL, NULL, AT_SYMLINK_NOFOLLOW), EINVAL);
    E(syscall(SYS_utimensat, fd, NULL, bad_ns, 0), EINVAL);
    E(syscall(SYS_utimensat, pathf, NULL, NULL, 0), EBADF);
    OK(syscall(SYS_utimensat, pathf, "", NULL, AT_EMPTY_PATH));
    close(pathf);

    say("-- statfs, fstatfs\n");
    E(syscall(SYS_statfs, "missing", &sfs), ENOENT);
    E(syscall(SYS_statfs, "f/x", &sfs), ENOTDIR);
    E(syscall(SYS_statfs, "loop", &sfs), ELOOP);
    E(syscall(SYS_statfs, LONGNAME, &sfs), ENAMETOOLONG);
    E(syscall(SYS_statfs, BAD_PTR, &sfs), EFAULT);
    E(syscall(SYS_statfs, "f", BAD_PTR), EFAULT);
    E(syscall(SYS_fstatfs, 999, &sfs), EBADF);
    E(syscall(SYS_fstatfs, fd, UNMAPPED), EFAULT);
    OK(syscall(SYS_fstatfs, fd, &sfs));

    say("-- fsync, fdatasync, sync, creat\n");
    E(syscall(SYS_fsync, 999), EBADF);
    E(syscall(SYS_fdatasync, -1), EBADF);
    E(syscall(SYS_fsync, pfd[0]), EINVAL);
    E(syscall(SYS_fdatasync, pfd[1]), EINVAL);
    OK(syscall(SYS_fsync, fd));
    OK(syscall(SYS_fdatasync, fd));
    OK(syscall(SYS_sync));
    E(syscall(SYS_creat, "d", 0644), EISDIR);
    E(syscall(SYS_creat, "nodir/x", 0644), ENOENT);
    E(syscall(SYS_creat, "f/x", 0644), ENOTDIR);
    E(syscall(SYS_creat, "loop", 0644), ELOOP);
    E(syscall(SYS_creat, LONGNAME, 0644), ENAMETOOLONG);
    E(syscall(SYS_creat, BAD_PTR, 0644), EFAULT);

    say("-- as nobody\n");
    in_child_as_nobody(as_nobody);
    gt_exit();
}
