/* The calls Debian's coreutils make on every file: statx agrees with stat
 * (mode, size, inode, links, times), its flag and mask errors; the
 * extended-attribute calls check the path or descriptor (ENOENT, EBADF) and
 * the name (ERANGE) before anything else, and reading an attribute that
 * is not there fails; posix_fadvise accepts advice on files and refuses
 * pipes (ESPIPE) and bad advice (EINVAL); getpeername on a file or pipe is
 * ENOTSOCK (bash asks it of its input) and on a closed descriptor EBADF. */
#include "gt.h"
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/xattr.h>

struct stx_time {
    int64_t sec;
    uint32_t nsec;
    int32_t pad;
};
struct stx {
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, pad0;
    uint64_t ino, size, blocks, attributes_mask;
    struct stx_time atime, btime, ctime, mtime;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t spare[14];
};

static long statx_(int dirfd, const char *path, int flags, unsigned mask, struct stx *x)
{
    return syscall(SYS_statx, dirfd, path, flags, mask, x);
}

int main(void)
{
    const char *f = "statx.tmp";
    int fd = open(f, O_CREAT | O_TRUNC | O_RDWR, 0640);
    expect(fd >= 0, "create file");
    expect(write(fd, "hello, statx\n", 13) == 13, "write 13 bytes");
    struct stat st;
    struct stx x;
    memset(&x, 0xff, sizeof x);
    expect(stat(f, &st) == 0, "stat");
    expect(statx_(AT_FDCWD, f, 0, 0x7ff, &x) == 0, "statx basic stats");
    say("mask has basic stats: %s\n", (x.mask & 0x7ff) == 0x7ff ? "yes" : "no");
    say("mode %o size %llu nlink %u\n", x.mode, (unsigned long long)x.size, x.nlink);
    expect(x.mode == st.st_mode && x.size == (uint64_t)st.st_size && x.ino == st.st_ino && x.nlink == st.st_nlink,
           "statx agrees with stat");
    expect(x.mtime.sec == st.st_mtim.tv_sec && x.mtime.nsec == (uint32_t)st.st_mtim.tv_nsec, "mtime agrees");
    expect(x.blocks == (uint64_t)st.st_blocks && x.blksize == (uint32_t)st.st_blksize, "blocks agree");
    struct stx y;
    expect(statx_(fd, "", AT_EMPTY_PATH, 0x7ff, &y) == 0 && y.ino == x.ino, "statx AT_EMPTY_PATH on the fd");
    expect_err(statx_(AT_FDCWD, "no-such-file", 0, 0x7ff, &y), ENOENT, "statx missing file");
    expect_err(statx_(AT_FDCWD, f, 0x6000, 0x7ff, &y), EINVAL, "statx FORCE_SYNC|DONT_SYNC");
    expect_err(statx_(AT_FDCWD, f, 0x1, 0x7ff, &y), EINVAL, "statx unknown flag");
    expect_err(statx_(AT_FDCWD, f, 0, 0x80000000u, &y), EINVAL, "statx reserved mask bit");
    expect_err(statx_(AT_FDCWD, f, 0, 0x7ff, (struct stx *)8), EFAULT, "statx bad buffer");
    expect_err(statx_(AT_FDCWD, "", 0, 0x7ff, &y), ENOENT, "statx empty path");
    expect(statx_(AT_FDCWD, "/", 0, 0x7ff, &y) == 0 && S_ISDIR(y.mode), "statx / is a directory");

    char val[64];
    expect_err(getxattr("no-such-file", "user.x", val, sizeof val), ENOENT, "getxattr missing file");
    expect_err(fgetxattr(99, "user.x", val, sizeof val), EBADF, "fgetxattr closed fd");
    expect_err(getxattr(f, "", val, sizeof val), ERANGE, "getxattr empty name");
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    memcpy(longname, "user.", 5);
    expect_err(getxattr(f, longname, val, sizeof val), ERANGE, "getxattr 299-byte name");
    say("getxattr of an absent attribute fails: %s\n", getxattr(f, "user.absent", val, sizeof val) < 0 ? "yes" : "no");
    say("fgetxattr of an absent attribute fails: %s\n", fgetxattr(fd, "user.absent", val, sizeof val) < 0 ? "yes" : "no");
    expect_err(lremovexattr("no-such-file", "user.x"), ENOENT, "lremovexattr missing file");
    expect_err(listxattr("no-such-file", val, sizeof val), ENOENT, "listxattr missing file");
    expect_err(flistxattr(99, val, sizeof val), EBADF, "flistxattr closed fd");
    say("listxattr of a file succeeds: %s\n", listxattr(f, val, sizeof val) >= 0 ? "yes" : "no");

    expect(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0, "fadvise SEQUENTIAL on a file");
    expect(posix_fadvise(fd, 0, 4096, POSIX_FADV_DONTNEED) == 0, "fadvise DONTNEED on a file");
    say("fadvise advice 42: %s\n", errname(posix_fadvise(fd, 0, 0, 42)));
    say("fadvise negative length: %s\n", errname(posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL)));
    say("fadvise closed fd: %s\n", errname(posix_fadvise(99, 0, 0, POSIX_FADV_NORMAL)));
    int p[2];
    expect(pipe(p) == 0, "pipe");
    say("fadvise on a pipe: %s\n", errname(posix_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL)));

    char addr[128];
    socklen_t alen = sizeof addr;
    expect_err(syscall(SYS_getpeername, fd, addr, &alen), ENOTSOCK, "getpeername on a file");
    expect_err(syscall(SYS_getpeername, p[0], addr, &alen), ENOTSOCK, "getpeername on a pipe");
    expect_err(syscall(SYS_getsockname, 99, addr, &alen), EBADF, "getsockname on a closed fd");
    close(p[0]);
    close(p[1]);
    close(fd);
    unlink(f);
    gt_exit();
}
