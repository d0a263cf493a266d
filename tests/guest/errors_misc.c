/* The remaining families' documented errors: openat, close_range,
 * copy_file_range, splice/tee, execveat, clone/clone3, socketpair,
 * getresuid/getresgid/setresgid, futex, set_mempolicy, perf_event_open and
 * the extended-attribute calls' file and name checks (which come before
 * any file-system support).  Bad flags (EINVAL), bad descriptors (EBADF),
 * bad pointers (EFAULT), unknown families and types, and as the user
 * nobody EPERM. */
#include "gt_errors.h"
#include <sched.h>
#include <sys/socket.h>
#include <sys/un.h>

/* musl's headers here have no linux/futex.h */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_UNLOCK_PI 7
#define FUTEX_WAIT_BITSET 9

static struct sockaddr_un sock_addr(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strcpy(a.sun_path, path);
    return a;
}

static void as_nobody(void)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = sock_addr("nobody.sock");
    E(bind(s, (struct sockaddr *)&a, sizeof a), EACCES);
    a = sock_addr("root.sock");
    E(connect(s, (struct sockaddr *)&a, sizeof a), EACCES);
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    a = sock_addr("root.dgram");
    E(sendto(d, "x", 1, 0, (struct sockaddr *)&a, sizeof a), EACCES);
    close(s);
    close(d);
    E(syscall(SYS_setresgid, 0, -1, -1), EPERM);
    E(syscall(SYS_setresgid, -1, -1, 0), EPERM);
    OK(syscall(SYS_setresgid, -1, 65534, -1));
}

int main(void)
{
    gt_errors_init();
    gt_close_extra_fds();
    int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    int rfd = open("f", O_RDONLY);
    mkdir("d", 0755);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    int pfd[2], qfd[2];
    pipe(pfd);
    pipe(qfd);
    char buf[64];

    say("-- openat\n");
    E(syscall(SYS_openat, 999, "f", O_RDONLY), EBADF);
    E(syscall(SYS_openat, fd, "f", O_RDONLY), ENOTDIR);
    E(syscall(SYS_openat, AT_FDCWD, "d", O_WRONLY), EISDIR);
    E(syscall(SYS_openat, AT_FDCWD, "d", O_RDWR), EISDIR);
    E(syscall(SYS_openat, AT_FDCWD, "f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    E(syscall(SYS_openat, AT_FDCWD, "f", O_CREAT | O_EXCL, 0644), EEXIST);
    E(syscall(SYS_openat, AT_FDCWD, "missing", O_RDONLY), ENOENT);
    E(syscall(SYS_openat, AT_FDCWD, "", O_RDONLY), ENOENT);
    E(syscall(SYS_openat, AT_FDCWD, LONGNAME, O_RDONLY), ENAMETOOLONG);
    E(syscall(SYS_openat, AT_FDCWD, BAD_PTR, O_RDONLY), EFAULT);
    E(syscall(SYS_openat, AT_FDCWD, "d", O_TMPFILE | O_RDONLY, 0600), EINVAL);
    E(syscall(SYS_openat, AT_FDCWD, "f", O_TMPFILE | O_RDWR, 0600), ENOTDIR);
    symlink("f", "sl");
    E(syscall(SYS_openat, AT_FDCWD, "sl", O_RDONLY | O_NOFOLLOW), ELOOP);
    E(syscall(SYS_openat, AT_FDCWD, "d/", O_CREAT | O_RDWR, 0644), EISDIR);
    E(syscall(SYS_openat, AT_FDCWD, "new/", O_CREAT | O_RDWR, 0644), EISDIR);
    OK(syscall(SYS_openat, dfd, "..", O_RDONLY));
    symlink("made-through-link", "dangling");
    E(syscall(SYS_openat, AT_FDCWD, "dangling", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    E(syscall(SYS_openat, AT_FDCWD, "dangling", O_CREAT | O_NOFOLLOW | O_WRONLY, 0644), ELOOP);
    OK(syscall(SYS_openat, AT_FDCWD, "dangling", O_CREAT | O_WRONLY, 0644));
    struct stat lst;
    say("O_CREAT through a dangling link made its target: %s\n",
        stat("made-through-link", &lst) == 0 ? "yes" : "no");
    E(syscall(SYS_openat, AT_FDCWD, "sl/", O_RDONLY), ENOTDIR);
    E(syscall(SYS_openat, AT_FDCWD, "f", O_WRONLY | O_NOFOLLOW | O_DIRECTORY), ENOTDIR);
    int lfd = open("sl", O_PATH | O_NOFOLLOW);
    OK(lfd);
    say("O_PATH | O_NOFOLLOW opens the link itself: %s\n", fstat(lfd, &lst) == 0 && S_ISLNK(lst.st_mode) ? "yes" : "no");
    say("readlinkat of it with an empty path: %ld\n", (long)syscall(SYS_readlinkat, lfd, "", buf, sizeof buf));
    E(syscall(SYS_openat, AT_FDCWD, "sl", O_PATH | O_NOFOLLOW | O_DIRECTORY), ENOTDIR);
    close(lfd);
    E(syscall(SYS_openat, AT_FDCWD, "missing/", O_CREAT | O_WRONLY, 0644), EISDIR);

    say("-- close_range\n");
    E(syscall(SYS_close_range, 10, 5, 0), EINVAL);
    E(syscall(SYS_close_range, 10, 20, 0x1), EINVAL);
    OK(syscall(SYS_close_range, 500, 600, 0));
    OK(syscall(SYS_close_range, 500, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */));

    say("-- copy_file_range\n");
    int out = open("out", O_CREAT | O_RDWR | O_TRUNC, 0644);
    int app = open("out", O_WRONLY | O_APPEND);
    loff_t off = 0, negoff = -1;
    E(syscall(SYS_copy_file_range, 999, NULL, out, NULL, 4, 0), EBADF);
    E(syscall(SYS_copy_file_range, fd, NULL, 999, NULL, 4, 0), EBADF);
    E(syscall(SYS_copy_file_range, fd, NULL, out, NULL, 4, 1), EINVAL);
    E(syscall(SYS_copy_file_range, fd, NULL, rfd, NULL, 4, 0), EBADF);
    E(syscall(SYS_copy_file_range, fd, NULL, app, NULL, 4, 0), EBADF);
    E(syscall(SYS_copy_file_range, dfd, NULL, out, NULL, 4, 0), EISDIR);
    E(syscall(SYS_copy_file_range, pfd[0], NULL, out, NULL, 4, 0), EINVAL);
    E(syscall(SYS_copy_file_range, fd, &negoff, out, NULL, 4, 0), EOVERFLOW);
    E(syscall(SYS_copy_file_range, fd, BAD_PTR, out, NULL, 4, 0), EFAULT);
    E(syscall(SYS_copy_file_range, fd, &off, fd, &off, 4, 0), EINVAL);
    say("copy_file_range 4 bytes: %ld\n", (long)syscall(SYS_copy_file_range, fd, &off, out, NULL, 4, 0));

    say("-- splice, tee\n");
    E(syscall(SYS_splice, 999, NULL, pfd[1], NULL, 4, 0), EBADF);
    E(syscall(SYS_splice, fd, NULL, out, NULL, 4, 0), EINVAL);
    E(syscall(SYS_splice, pfd[0], NULL, qfd[1], NULL, 4, 0x100), EINVAL);
    E(syscall(SYS_splice, pfd[0], &off, out, NULL, 4, 0), ESPIPE);
    E(syscall(SYS_splice, rfd, NULL, pfd[0], NULL, 4, 0), EBADF);
    E(syscall(SYS_splice, pfd[0], NULL, pfd[1], NULL, 4, 0), EINVAL);
    E(syscall(SYS_splice, fd, BAD_PTR, pfd[1], NULL, 4, 0), EFAULT);
    E(syscall(SYS_splice, fd, &negoff, pfd[1], NULL, 4, 0), EINVAL);
    E(syscall(SYS_tee, 999, qfd[1], 4, 0), EBADF);
    E(syscall(SYS_tee, fd, qfd[1], 4, 0), EINVAL);
    E(syscall(SYS_tee, pfd[0], pfd[1], 4, 0), EINVAL);
    E(syscall(SYS_tee, pfd[0], qfd[1], 4, 0x100), EINVAL);
    E(syscall(SYS_tee, pfd[0], qfd[1], 4, SPLICE_F_NONBLOCK), EAGAIN);

    say("-- execveat\n");
    char *argv[] = { "x", NULL };
    E(syscall(SYS_execveat, 999, "x", argv, NULL, 0), EBADF);
    E(syscall(SYS_execveat, fd, "x", argv, NULL, 0), ENOTDIR);
    E(syscall(SYS_execveat, AT_FDCWD, "f", argv, NULL, 0x1), EINVAL);
    E(syscall(SYS_execveat, AT_FDCWD, "missing", argv, NULL, 0), ENOENT);
    E(syscall(SYS_execveat, AT_FDCWD, "d", argv, NULL, 0), EACCES);
    E(syscall(SYS_execveat, AT_FDCWD, "f", argv, NULL, 0), EACCES);
    E(syscall(SYS_execveat, AT_FDCWD, "sl", argv, NULL, AT_SYMLINK_NOFOLLOW), ELOOP);
    E(syscall(SYS_execveat, dfd, "", argv, NULL, AT_EMPTY_PATH), EACCES);
    E(syscall(SYS_execveat, AT_FDCWD, BAD_PTR, argv, NULL, 0), EFAULT);

    say("-- clone, clone3, socketpair\n");
    E(syscall(SYS_clone, CLONE_THREAD, NULL, NULL, NULL, 0), EINVAL);
    E(syscall(SYS_clone, CLONE_SIGHAND, NULL, NULL, NULL, 0), EINVAL);
    E(syscall(SYS_clone, CLONE_FS | CLONE_NEWNS, NULL, NULL, NULL, 0), EINVAL);
    uint64_t args[11] = { 0 };
    E(syscall(SYS_clone3, args, 8), EINVAL);
    E(syscall(SYS_clone3, BAD_PTR, sizeof args), EFAULT);
    args[0] = CLONE_THREAD;
    E(syscall(SYS_clone3, args, sizeof args), EINVAL);
    args[0] = 0;
    args[4] = 65;                       /* exit_signal */
    E(syscall(SYS_clone3, args, sizeof args), EINVAL);
    int sv[2];
    E(syscall(SYS_socketpair, AF_UNIX, 99, 0, sv), EINVAL);
    E(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 99, sv), EPROTONOSUPPORT);
    E(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM | 0x1000, 0, sv), EINVAL);
    E(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, BAD_PTR), EFAULT);
    E(syscall(SYS_socketpair, 999, SOCK_STREAM, 0, sv), EAFNOSUPPORT);

    say("-- getresuid, getresgid, setresgid\n");
    uid_t u;
    E(syscall(SYS_getresuid, BAD_PTR, &u, &u), EFAULT);
    E(syscall(SYS_getresuid, &u, &u, BAD_PTR), EFAULT);
    E(syscall(SYS_getresgid, &u, BAD_PTR, &u), EFAULT);
    OK(syscall(SYS_setresgid, -1, -1, -1));

    say("-- futex\n");
    int word = 0;
    struct timespec zero = { 0, 0 }, bad_ns = { 0, 1000000000 };
    E(syscall(SYS_futex, &word, 99, 0, NULL, NULL, 0), ENOSYS);
    E(syscall(SYS_futex, &word, FUTEX_WAIT, 1, NULL, NULL, 0), EAGAIN);
    E(syscall(SYS_futex, &word, FUTEX_WAIT, 0, &zero, NULL, 0), ETIMEDOUT);
    E(syscall(SYS_futex, &word, FUTEX_WAIT, 0, &bad_ns, NULL, 0), EINVAL);
    E(syscall(SYS_futex, (char *)&word + 1, FUTEX_WAIT, 0, &zero, NULL, 0), EINVAL);
    E(syscall(SYS_futex, BAD_PTR, FUTEX_WAIT, 0, &zero, NULL, 0), EINVAL);
    E(syscall(SYS_futex, UNMAPPED, FUTEX_WAIT, 0, &zero, NULL, 0), EFAULT);
    E(syscall(SYS_futex, &word, FUTEX_WAIT_BITSET, 0, &zero, NULL, 0), EINVAL);
    E(syscall(SYS_futex, &word, FUTEX_CMP_REQUEUE, 1, (void *)1, &word, 1), EAGAIN);
    E(syscall(SYS_futex, &word, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0), EPERM);
    say("FUTEX_WAKE with nobody waiting: %ld\n", (long)syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0));

    say("-- set_mempolicy, perf_event_open\n");
    unsigned long mask = 1;
    E(syscall(SYS_set_mempolicy, 99, &mask, 64), EINVAL);
    E(syscall(SYS_set_mempolicy, 1 /* MPOL_PREFERRED */, BAD_PTR, 64), EFAULT);
    E(syscall(SYS_set_mempolicy, 2 /* MPOL_BIND */, NULL, 0), EINVAL);
    OK(syscall(SYS_set_mempolicy, 0 /* MPOL_DEFAULT */, NULL, 0));
    char attr[128] = { 0 };
    E(syscall(SYS_perf_event_open, BAD_PTR, 0, -1, -1, 0), EFAULT);
    E(syscall(SYS_perf_event_open, attr, 0, -1, -1, 0x100), EINVAL);
    E(syscall(SYS_perf_event_open, attr, -1, -1, -1, 0), EINVAL);

    say("-- the extended-attribute calls' checks\n");
    E(syscall(SYS_setxattr, "missing", "user.x", "v", 1, 0), ENOENT);
    E(syscall(SYS_lsetxattr, "f/x", "user.x", "v", 1, 0), ENOTDIR);
    E(syscall(SYS_fsetxattr, 999, "user.x", "v", 1, 0), EBADF);
    E(syscall(SYS_lgetxattr, "missing", "user.x", buf, sizeof buf), ENOENT);
    E(syscall(SYS_llistxattr, "missing", buf, sizeof buf), ENOENT);
    E(syscall(SYS_removexattr, "missing", "user.x"), ENOENT);
    E(syscall(SYS_fremovexattr, 999, "user.x"), EBADF);
    E(syscall(SYS_lgetxattr, "f", "", buf, sizeof buf), ERANGE);
    E(syscall(SYS_removexattr, BAD_PTR, "user.x"), EFAULT);

    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = sock_addr("root.sock");
    bind(ls, (struct sockaddr *)&a, sizeof a);
    listen(ls, 4);
    int ds = socket(AF_UNIX, SOCK_DGRAM, 0);
    a = sock_addr("root.dgram");
    bind(ds, (struct sockaddr *)&a, sizeof a);

    say("-- as nobody\n");
    in_child_as_nobody(as_nobody);
    gt_exit();
}
