/* Extended attributes on a tmpfs (mounted here, so that both sides use the
 * same kind of file system): set, get, list and remove in the user.,
 * trusted. and security. name spaces; XATTR_CREATE and XATTR_REPLACE; the
 * size-0 query and ERANGE; the argument checks that come before the file
 * (EINVAL, ERANGE, E2BIG, EFAULT); user.* only on regular files and
 * directories (the l* calls on a symlink); what an unprivileged user may do
 * (mode bits, a sticky directory, trusted.* invisible, security.* kept for
 * CAP_SYS_ADMIN); EROFS after remount,ro; the inode space a tmpfs with
 * nr_inodes gives them (ENOSPC, statfs's free inodes, freed with the file);
 * and the answers of the file systems that keep none: proc, sysfs, pipes. */
#include "gt_errors.h"
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/xattr.h>

static char big[70000];

/* The names listxattr gives for path (l: without following a symlink),
 * sorted, as "a b c" (the order is the file system's own). */
static const char *names(const char *path, int l)
{
    static char out[512];
    char buf[512], *v[32];
    ssize_t n = l ? llistxattr(path, buf, sizeof buf) : listxattr(path, buf, sizeof buf);
    if (n < 0) {
        snprintf(out, sizeof out, "error %s", errname(errno));
        return out;
    }
    int c = 0;
    for (ssize_t i = 0; i < n && c < 32; i += (ssize_t)strlen(buf + i) + 1)
        v[c++] = buf + i;
    for (int i = 1; i < c; i++)
        for (int j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            char *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    out[0] = 0;
    for (int i = 0; i < c; i++)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? " " : "", v[i]);
    return c ? out : "(none)";
}

static long ffree(const char *path)
{
    struct statfs s;
    return statfs(path, &s) == 0 ? (long)s.f_ffree : -1;
}

static void as_nobody(void)
{
    char v[16];
    OK(getxattr("m/f", "user.a", v, sizeof v));
    E(getxattr("m/f", "trusted.t", v, sizeof v), ENODATA);
    E(setxattr("m/f", "trusted.t", "v", 1, 0), EPERM);
    E(removexattr("m/f", "trusted.t"), EPERM);
    E(setxattr("m/f", "user.a", "v", 1, 0), EACCES);
    E(removexattr("m/f", "user.a"), EACCES);
    E(setxattr("m/f", "security.s", "v", 1, 0), EPERM);
    E(removexattr("m/f", "security.s"), EPERM);
    OK(getxattr("m/f", "security.s", v, sizeof v));
    E(getxattr("m/private", "user.p", v, sizeof v), EACCES);
    E(getxattr("m/private", "bogus", v, sizeof v), EACCES);
    OK(listxattr("m/private", v, sizeof v));
    say("names of m/f for nobody: %s\n", names("m/f", 0));
    E(setxattr("m/sticky", "user.s", "v", 1, 0), EPERM);
    OK(getxattr("m/sticky", "user.s", v, sizeof v));
    OK(setxattr("m/mine", "user.n", "v", 1, 0));
    E(getxattr("m/f", "system.x", v, sizeof v), EOPNOTSUPP);
}

int main(void)
{
    gt_errors_init();
    mkdir("m", 0755);
    if (mount("tmpfs", "m", "tmpfs", 0, "nr_inodes=16") < 0) {
        say("mount tmpfs: %s\n", errname(errno));
        return errno == EPERM ? 0 : 1;
    }
    int fd = open("m/f", O_CREAT | O_RDWR, 0644);
    expect(fd >= 0, "create m/f");
    char v[256];

    /* set, get, the size query, ERANGE */
    OK(setxattr("m/f", "user.a", "0123456789", 10, 0));
    say("size query: %ld\n", (long)getxattr("m/f", "user.a", NULL, 0));
    memset(v, 0, sizeof v);
    say("get: %ld \"%s\"\n", (long)getxattr("m/f", "user.a", v, sizeof v), v);
    E(getxattr("m/f", "user.a", v, 9), ERANGE);
    say("fget: %ld\n", (long)fgetxattr(fd, "user.a", v, sizeof v));
    E(getxattr("m/f", "user.missing", v, sizeof v), ENODATA);
    OK(setxattr("m/f", "user.empty", "", 0, 0));
    say("empty value: %ld\n", (long)getxattr("m/f", "user.empty", v, sizeof v));
    OK(fsetxattr(fd, "user.a", "new", 3, 0));
    memset(v, 0, sizeof v);
    say("replaced: %ld \"%s\"\n", (long)getxattr("m/f", "user.a", v, sizeof v), v);

    /* the flags */
    E(setxattr("m/f", "user.a", "x", 1, XATTR_CREATE), EEXIST);
    E(setxattr("m/f", "user.none", "x", 1, XATTR_REPLACE), ENODATA);
    E(setxattr("m/f", "user.a", "x", 1, XATTR_CREATE | XATTR_REPLACE), EEXIST);
    E(setxattr("m/f", "user.none", "x", 1, XATTR_CREATE | XATTR_REPLACE), ENODATA);
    OK(setxattr("m/f", "user.b", "x", 1, XATTR_CREATE));
    OK(setxattr("m/f", "user.b", "yy", 2, XATTR_REPLACE));
    E(syscall(SYS_setxattr, "m/f", "user.a", "x", 1, 4), EINVAL);

    /* removal */
    OK(removexattr("m/f", "user.b"));
    E(removexattr("m/f", "user.b"), ENODATA);
    E(fremovexattr(fd, "user.b"), ENODATA);

    /* the other name spaces */
    OK(setxattr("m/f", "trusted.t", "t", 1, 0));
    OK(setxattr("m/f", "security.s", "s", 1, 0));
    E(setxattr("m/f", "system.x", "s", 1, 0), EOPNOTSUPP);
    E(getxattr("m/f", "system.x", v, sizeof v), EOPNOTSUPP);
    E(setxattr("m/f", "bogus", "s", 1, 0), EOPNOTSUPP);
    E(getxattr("m/f", "other.x", v, sizeof v), EOPNOTSUPP);
    E(setxattr("m/f", "user.", "s", 1, 0), EINVAL);
    E(getxattr("m/f", "trusted.", v, sizeof v), EINVAL);
    E(removexattr("m/f", "security."), EINVAL);
    say("names of m/f: %s\n", names("m/f", 0));
    say("list size query: %ld\n", (long)listxattr("m/f", NULL, 0));
    E(listxattr("m/f", v, 5), ERANGE);
    say("flist: %ld\n", (long)flistxattr(fd, v, sizeof v));

    /* the arguments are checked before the file is looked up */
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    memcpy(longname, "user.", 5);
    E(getxattr("missing", longname, v, sizeof v), ERANGE);
    E(setxattr("missing", "", "v", 1, 0), ERANGE);
    E(syscall(SYS_setxattr, "missing", "user.x", "v", 1, 8), EINVAL);
    E(setxattr("missing", "user.x", big, 65537, 0), E2BIG);
    E(syscall(SYS_setxattr, "missing", "user.x", BAD_PTR, 1, 0), EFAULT);
    E(syscall(SYS_getxattr, "m/f", BAD_PTR, v, 1), EFAULT);
    E(fgetxattr(99, "", v, sizeof v), ERANGE);
    E(setxattr("missing", "user.x", "v", 1, 0), ENOENT);
    E(syscall(SYS_getxattr, "m/f", "user.a", UNMAPPED, sizeof v), EFAULT);
    E(syscall(SYS_listxattr, "m/f", UNMAPPED, sizeof v), EFAULT);
    say("a bad buffer with a missing name: %s\n",
        syscall(SYS_getxattr, "m/f", "user.missing", UNMAPPED, 8) < 0 ? errname(errno) : "ok");

    /* the largest value, and buffers past it, on a tmpfs without an
     * inode limit of its own */
    mkdir("m/big", 0755);
    OK(mount("tmpfs", "m/big", "tmpfs", 0, NULL));
    int bigf = open("m/big/f", O_CREAT | O_RDWR, 0644);
    close(bigf);
    OK(setxattr("m/big/f", "user.big", big, 65536, 0));
    say("64 KiB value into a 70000-byte buffer: %ld\n", (long)getxattr("m/big/f", "user.big", big, sizeof big));
    E(getxattr("m/big/f", "user.big", big, 65535), ERANGE);
    OK(umount("m/big"));

    /* user.* only on regular files and directories; the l* calls */
    mkdir("m/d", 0755);
    symlink("f", "m/l");
    mknod("m/fifo", S_IFIFO | 0644, 0);
    OK(setxattr("m/d", "user.d", "d", 1, 0));
    E(lsetxattr("m/l", "user.x", "v", 1, 0), EPERM);
    E(lgetxattr("m/l", "user.a", v, sizeof v), ENODATA);
    OK(getxattr("m/l", "user.a", v, sizeof v));
    OK(lsetxattr("m/l", "trusted.link", "v", 1, 0));
    say("names of m/l: %s\n", names("m/l", 1));
    say("names through m/l: %s\n", names("m/l", 0));
    E(setxattr("m/fifo", "user.x", "v", 1, 0), EPERM);
    E(getxattr("m/fifo", "user.x", v, sizeof v), ENODATA);
    E(removexattr("m/fifo", "user.x"), EPERM);
    OK(setxattr("m/fifo", "trusted.x", "v", 1, 0));

    /* what an unprivileged user may do */
    int pf = open("m/private", O_CREAT | O_RDWR, 0600);
    close(pf);
    OK(setxattr("m/private", "user.p", "v", 1, 0));
    mkdir("m/sticky", 01777);
    OK(setxattr("m/sticky", "user.s", "v", 1, 0));
    int mf = open("m/mine", O_CREAT | O_RDWR, 0666);
    close(mf);
    chown("m/mine", 65534, 65534);
    chmod("m/mine", 0644);
    in_child_as_nobody(as_nobody);

    /* inode space: each inode takes 1024 bytes of nr_inodes * 1024, each
     * attribute 40 bytes, its value and its name */
    long before = ffree("m");
    int bf = open("m/spacious", O_CREAT | O_RDWR, 0644);
    close(bf);
    say("free inodes after a file: %ld\n", before - ffree("m"));
    OK(setxattr("m/spacious", "user.big", big, 4000, 0));
    say("free inodes after a 4000-byte attribute: %ld\n", before - ffree("m"));
    E(setxattr("m/spacious", "user.huge", big, 65536, 0), ENOSPC);
    unlink("m/spacious");
    say("free inodes after removing it: %ld\n", before - ffree("m"));
    for (int i = 0; i < 20; i++) {
        char n[32];
        snprintf(n, sizeof n, "m/n%d", i);
        int t = open(n, O_CREAT | O_RDWR, 0644);
        if (t < 0) {
            say("file %d: %s\n", i, errname(errno));
            break;
        }
        close(t);
    }
    E(setxattr("m/f", "user.more", big, 600, 0), ENOSPC);
    OK(unlink("m/n0"));
    OK(setxattr("m/f", "user.more", big, 600, 0));
    E(open("m/n0", O_CREAT | O_RDWR, 0644), ENOSPC);

    /* read-only */
    close(fd);
    OK(mount(NULL, "m", NULL, MS_REMOUNT | MS_RDONLY, NULL));
    E(setxattr("m/f", "user.a", "v", 1, 0), EROFS);
    E(removexattr("m/f", "user.a"), EROFS);
    E(removexattr("m/f", "user.none"), EROFS);
    E(setxattr("m/f", "bogus", "v", 1, 0), EROFS);
    OK(getxattr("m/f", "user.a", v, sizeof v));
    OK(umount("m"));

    /* file systems that keep none */
    E(getxattr("/proc/self/status", "user.x", v, sizeof v), EOPNOTSUPP);
    E(setxattr("/proc/self/status", "user.x", "v", 1, 0), EOPNOTSUPP);
    E(getxattr("/proc/self/status", "trusted.x", v, sizeof v), EOPNOTSUPP);
    E(removexattr("/proc/self/status", "user.x"), EOPNOTSUPP);
    say("proc names: %ld\n", (long)listxattr("/proc/self/status", v, sizeof v));
    E(lgetxattr("/proc/self", "user.x", v, sizeof v), ENODATA);
    E(lsetxattr("/proc/self", "user.x", "v", 1, 0), EPERM);
    E(getxattr("/sys/devices/system/cpu/online", "user.x", v, sizeof v), ENODATA);
    E(setxattr("/sys/devices/system/cpu/online", "user.x", "v", 1, 0), EOPNOTSUPP);
    E(getxattr("/dev/null", "user.x", v, sizeof v), ENODATA);
    E(setxattr("/dev/null", "user.x", "v", 1, 0), EPERM);
    E(removexattr("/dev/null", "user.x"), EPERM);
    int p[2];
    expect(pipe(p) == 0, "pipe");
    E(fgetxattr(p[0], "user.x", v, sizeof v), ENODATA);
    E(fsetxattr(p[0], "user.x", "v", 1, 0), EPERM);
    E(fgetxattr(p[0], "trusted.x", v, sizeof v), EOPNOTSUPP);
    E(fsetxattr(p[0], "trusted.x", "v", 1, 0), EOPNOTSUPP);
    say("pipe names: %ld\n", (long)flistxattr(p[0], v, sizeof v));
    gt_exit();
}
