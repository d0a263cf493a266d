/* The errors that come from the state of a file system rather than from
 * the arguments, each on a tmpfs mounted here (so both sides use the same
 * kind of file system): EROFS for every change on a read-only one (and
 * EBUSY for a remount,ro while a file is open for writing), ENOSPC on a
 * full one (size= and nr_inodes=), EXDEV for rename and link across
 * mounts, ETXTBSY for writing a running program or running one open for
 * writing, and renameat2's RENAME_WHITEOUT (a 0:0 character device left at
 * the old name; EINVAL with RENAME_EXCHANGE and on a ramfs). */
#include "gt_errors.h"
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/xattr.h>

#ifndef RENAME_WHITEOUT
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4
#endif

static const char *kind(const char *path)
{
    static char buf[64];
    struct stat st;
    if (lstat(path, &st) < 0)
        return errname(errno);
    snprintf(buf, sizeof buf, "mode %o rdev %u:%u nlink %u", (unsigned)st.st_mode, major(st.st_rdev),
             minor(st.st_rdev), (unsigned)st.st_nlink);
    return buf;
}

static void rofs(void)
{
    say("-- EROFS\n");
    mkdir("ro", 0755);
    OK(mount("tmpfs", "ro", "tmpfs", 0, NULL));
    close(open("ro/f", O_CREAT | O_WRONLY, 0644));
    mkdir("ro/d", 0755);
    int w = open("ro/f", O_WRONLY);
    E(mount(NULL, "ro", NULL, MS_REMOUNT | MS_RDONLY, NULL), EBUSY);
    close(w);
    int r = open("ro/f", O_RDONLY);
    OK(mount(NULL, "ro", NULL, MS_REMOUNT | MS_RDONLY, NULL));
    E(open("ro/f", O_WRONLY), EROFS);
    E(open("ro/f", O_RDWR), EROFS);
    E(open("ro/f", O_RDONLY | O_TRUNC), EROFS);
    E(open("ro/new", O_CREAT | O_WRONLY, 0644), EROFS);
    E(open("ro/d", O_RDWR | O_TMPFILE, 0600), EROFS);
    E(write(r, "x", 1), EBADF);
    E(mkdir("ro/new", 0755), EROFS);
    E(mknod("ro/fifo", S_IFIFO | 0644, 0), EROFS);
    E(symlink("f", "ro/l"), EROFS);
    E(link("ro/f", "ro/g"), EROFS);
    E(unlink("ro/f"), EROFS);
    E(rmdir("ro/d"), EROFS);
    E(rename("ro/f", "ro/g"), EROFS);
    E(chmod("ro/f", 0600), EROFS);
    E(chown("ro/f", 1, 1), EROFS);
    E(truncate("ro/f", 0), EROFS);
    E(utimes("ro/f", NULL), EROFS);
    E(utimensat(AT_FDCWD, "ro/f", NULL, 0), EROFS);
    E(futimens(r, NULL), EROFS);
    E(fchmod(r, 0600), EROFS);
    E(setxattr("ro/f", "user.x", "v", 1, 0), EROFS);
    OK(access("ro/f", R_OK));
    E(access("ro/f", W_OK), EROFS);
    close(r);
    OK(mount(NULL, "ro", NULL, MS_REMOUNT, NULL));
    OK(open("ro/f", O_WRONLY));
    OK(umount2("ro", MNT_DETACH));
}

static void nospc(void)
{
    say("-- ENOSPC\n");
    mkdir("full", 0755);
    OK(mount("tmpfs", "full", "tmpfs", 0, "size=8k,nr_inodes=6"));
    int fd = open("full/f", O_CREAT | O_WRONLY, 0644);
    char page[4096];
    memset(page, 'x', sizeof page);
    say("fill: %ld %ld\n", (long)write(fd, page, sizeof page), (long)write(fd, page, sizeof page));
    E(write(fd, "x", 1), ENOSPC);
    E(pwrite(fd, "x", 1, 1 << 20), ENOSPC);
    close(fd);
    /* no data left, inodes left: what needs no data is made */
    OK(open("full/empty", O_CREAT | O_WRONLY, 0644));
    OK(mkdir("full/d", 0755));
    OK(symlink("short", "full/l"));
    char target[300];
    memset(target, 't', sizeof target - 1);
    target[sizeof target - 1] = 0;
    say("a 299-byte symlink: %s\n", symlink(target, "full/long") == 0 ? "made" : errname(errno));
    OK(mkdir("full/d2", 0755));
    /* no inode left either */
    E(mkdir("full/d3", 0755), ENOSPC);
    E(symlink("t", "full/l2"), ENOSPC);
    E(open("full/g", O_CREAT | O_WRONLY, 0644), ENOSPC);
    E(mknod("full/p", S_IFIFO | 0644, 0), ENOSPC);
    E(link("full/f", "full/f2"), ENOSPC);
    OK(rename("full/f", "full/moved"));
    OK(umount2("full", MNT_DETACH));
}

static void xdev(void)
{
    say("-- EXDEV\n");
    mkdir("a", 0755);
    mkdir("b", 0755);
    OK(mount("tmpfs", "a", "tmpfs", 0, NULL));
    OK(mount("tmpfs", "b", "tmpfs", 0, NULL));
    close(open("a/f", O_CREAT | O_WRONLY, 0644));
    mkdir("a/d", 0755);
    E(rename("a/f", "b/f"), EXDEV);
    E(rename("a/d", "b/d"), EXDEV);
    E(link("a/f", "b/f"), EXDEV);
    E(syscall(SYS_renameat2, AT_FDCWD, "a/f", AT_FDCWD, "b/f", RENAME_EXCHANGE), EXDEV);
    E(rename("a/f", "outside"), EXDEV);
    E(link("a/f", "outside"), EXDEV);
    OK(umount("a"));
    OK(umount("b"));
}

static void whiteout(void)
{
    say("-- RENAME_WHITEOUT\n");
    mkdir("w", 0755);
    OK(mount("tmpfs", "w", "tmpfs", 0, "nr_inodes=6"));
    close(open("w/a", O_CREAT | O_WRONLY, 0644));
    close(open("w/b", O_CREAT | O_WRONLY, 0644));
    mkdir("w/d", 0755);
    E(syscall(SYS_renameat2, AT_FDCWD, "w/a", AT_FDCWD, "w/c", RENAME_WHITEOUT | RENAME_EXCHANGE), EINVAL);
    E(syscall(SYS_renameat2, AT_FDCWD, "w/a", AT_FDCWD, "w/c", 8), EINVAL);
    E(syscall(SYS_renameat2, AT_FDCWD, "w/missing", AT_FDCWD, "w/c", RENAME_WHITEOUT), ENOENT);
    E(syscall(SYS_renameat2, AT_FDCWD, "w/a", AT_FDCWD, "w/b", RENAME_WHITEOUT | RENAME_NOREPLACE), EEXIST);
    OK(syscall(SYS_renameat2, AT_FDCWD, "w/a", AT_FDCWD, "w/c", RENAME_WHITEOUT | RENAME_NOREPLACE));
    say("w/a: %s\n", kind("w/a"));
    say("w/c: %s\n", kind("w/c"));
    E(open("w/a", O_RDONLY), ENXIO);
    OK(syscall(SYS_renameat2, AT_FDCWD, "w/c", AT_FDCWD, "w/b", RENAME_WHITEOUT));
    say("w/b: %s\n", kind("w/b"));
    say("w/c: %s\n", kind("w/c"));
    OK(syscall(SYS_renameat2, AT_FDCWD, "w/b", AT_FDCWD, "w/b", RENAME_WHITEOUT));
    say("w/b after a rename onto itself: %s\n", kind("w/b"));
    OK(syscall(SYS_renameat2, AT_FDCWD, "w/d", AT_FDCWD, "w/e", RENAME_WHITEOUT));
    say("w/d: %s\n", kind("w/d"));
    say("w: %s\n", kind("w"));
    /* the inodes are gone now: no whiteout, and nothing moves */
    E(syscall(SYS_renameat2, AT_FDCWD, "w/b", AT_FDCWD, "w/f", RENAME_WHITEOUT), ENOSPC);
    say("w/b: %s\n", kind("w/b"));
    OK(umount("w"));

    mkdir("r", 0755);
    OK(mount("ramfs", "r", "ramfs", 0, NULL));
    close(open("r/a", O_CREAT | O_WRONLY, 0644));
    E(syscall(SYS_renameat2, AT_FDCWD, "r/a", AT_FDCWD, "r/b", RENAME_WHITEOUT), EINVAL);
    OK(umount("r"));
}

/* A copy of this program ("prog"), to run and to write. */
static int copy_self(void)
{
    int in = open("/proc/self/exe", O_RDONLY);
    int out = open("prog", O_CREAT | O_WRONLY | O_TRUNC, 0755);
    char buf[8192];
    ssize_t n;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
        write(out, buf, (size_t)n);
    close(in);
    return out;
}

static void txtbsy(void)
{
    say("-- ETXTBSY\n");
    int w = copy_self();
    expect(w >= 0, "copy of the program, still open for writing");
    E(execl("./prog", "prog", "sleep", (char *)NULL), ETXTBSY);
    close(w);
    int ready[2];
    expect(pipe(ready) == 0, "pipe");
    pid_t c = fork();
    if (c == 0) {
        char fd[16];
        snprintf(fd, sizeof fd, "%d", ready[1]);
        execl("./prog", "prog", "sleep", fd, (char *)NULL);
        _exit(99);
    }
    close(ready[1]);
    char b;
    expect(read(ready[0], &b, 1) == 1, "the child runs it");     /* its exec is done */
    close(ready[0]);
    E(open("prog", O_WRONLY), ETXTBSY);
    E(open("prog", O_RDWR), ETXTBSY);
    E(open("prog", O_RDONLY | O_TRUNC), ETXTBSY);
    E(truncate("prog", 0), ETXTBSY);
    int r = open("prog", O_RDONLY);
    expect(r >= 0, "it can be opened for reading");
    close(r);
    kill(c, SIGKILL);
    int st;
    waitpid(c, &st, 0);
    say("child: %s\n", status_str(st));
    int fd = open("prog", O_WRONLY);
    expect(fd >= 0, "once it has ended, for writing too");
    close(fd);
    OK(truncate("prog", 0));
    OK(unlink("prog"));
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "sleep") == 0) {
        write(atoi(argv[2]), "r", 1);           /* running: tell the parent */
        for (;;)
            pause();
    }
    gt_errors_init();
    txtbsy();
    rofs();
    nospc();
    xdev();
    whiteout();
    gt_exit();
}
