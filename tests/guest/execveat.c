/* execveat(2), compared with Linux:
 *  - an absolute path (dirfd ignored, even a closed one), a path relative
 *    to a directory descriptor, and AT_EMPTY_PATH with a descriptor of the
 *    program itself (opened for reading, or O_PATH): each runs it; through
 *    a descriptor the program's AT_EXECFN is /dev/fd/N and its name (comm)
 *    the file's;
 *  - AT_SYMLINK_NOFOLLOW refuses a symbolic link as the last component
 *    (ELOOP), which is followed without it;
 *  - errors: unknown flags EINVAL, a closed dirfd EBADF, a dirfd that is
 *    not a directory ENOTDIR, an empty path without AT_EMPTY_PATH ENOENT,
 *    a directory EACCES, a bad path pointer EFAULT.
 * Run as "NAME child" it prints what it was started as. */
#include "gt.h"
#include <sys/auxv.h>
#include <sys/syscall.h>

static char *const child_argv[] = { "execveat", "child", NULL };
static char *const child_env[] = { "GT=1", NULL };

static long xat(int dirfd, const char *path, int flags)
{
    return syscall(SYS_execveat, dirfd, path, child_argv, child_env, flags);
}

/* Runs execveat in a child: what the program printed, or the error. */
static void run(const char *what, int dirfd, const char *path, int flags)
{
    say("%s:\n", what);
    pid_t p = fork();
    if (p == 0) {
        xat(dirfd, path, flags);
        say("  -1 %s\n", errname(errno));
        _exit(0);
    }
    int st;
    waitpid(p, &st, 0);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        const char *fn = (const char *)getauxval(AT_EXECFN);
        char comm[32] = "";
        read_file("/proc/self/comm", comm, sizeof comm);
        say("  ran: argv[1] %s, env %s, AT_EXECFN %s, comm %s", argv[1], getenv("GT") ? "kept" : "lost",
            !strncmp(fn, "/dev/fd/", 8) ? "/dev/fd/N" : fn[0] == '/' ? "absolute" : "relative", comm);
        return 0;
    }
    const char *self = argv[0];
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", self);
    *strrchr(dir, '/') = 0;
    const char *base = strrchr(self, '/') + 1;
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY);
    int fd = open(self, O_RDONLY), pfd = open(self, O_PATH);
    symlink(self, "link");

    run("absolute path", AT_FDCWD, self, 0);
    run("absolute path, closed dirfd", 99, self, 0);
    run("relative to a directory descriptor", dirfd, base, 0);
    run("AT_EMPTY_PATH, a descriptor of the program", fd, "", AT_EMPTY_PATH);
    run("AT_EMPTY_PATH, an O_PATH descriptor", pfd, "", AT_EMPTY_PATH);
    run("a symbolic link", AT_FDCWD, "link", 0);
    run("a symbolic link, AT_SYMLINK_NOFOLLOW", AT_FDCWD, "link", AT_SYMLINK_NOFOLLOW);
    run("AT_SYMLINK_NOFOLLOW on a plain file", dirfd, base, AT_SYMLINK_NOFOLLOW);
    say("-- errors\n");
    run("flag 0x2", AT_FDCWD, self, 0x2);
    run("a closed dirfd", 99, base, 0);
    run("a dirfd that is a file", fd, base, 0);
    run("an empty path without AT_EMPTY_PATH", fd, "", 0);
    run("a directory", AT_FDCWD, dir, 0);
    run("a directory by AT_EMPTY_PATH", dirfd, "", AT_EMPTY_PATH);
    run("a bad path pointer", AT_FDCWD, BAD_PTR, 0);
    run("a missing file", dirfd, "no-such-program", 0);
    gt_exit();
}
