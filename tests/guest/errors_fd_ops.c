/* Descriptor operations, error by error as their man pages list them:
 * read/write/close, dup/dup2/dup3, fcntl basics, ioctl basics, lseek,
 * pread64/pwrite64, readv/writev, pipe/pipe2, poll/ppoll/select/pselect6
 * and sendfile; what an O_PATH descriptor is refused (socket calls and
 * epoll too, even on a socket node).  Bad descriptors (EBADF), descriptors
 * open the wrong way, pipes where a seekable file is wanted (ESPIPE),
 * directories (EISDIR), bad flags, counts and offsets (EINVAL) and bad
 * pointers (EFAULT). */
#include "gt_errors.h"
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

int main(void)
{
    gt_errors_init();
    gt_close_extra_fds();
    char buf[64];
    int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    int rfd = open("f", O_RDONLY);
    int wfd = open("f", O_WRONLY);
    int pathfd = open("f", O_PATH);
    mkdir("d", 0755);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    int pfd[2];
    pipe(pfd);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);

    say("-- read, write, close\n");
    E(syscall(SYS_read, 999, buf, 1), EBADF);
    E(syscall(SYS_read, -1, buf, 1), EBADF);
    E(syscall(SYS_read, wfd, buf, 1), EBADF);
    E(syscall(SYS_read, pathfd, buf, 1), EBADF);
    E(syscall(SYS_read, dfd, buf, 1), EISDIR);
    E(syscall(SYS_read, rfd, BAD_PTR, 1), EFAULT);
    OK(syscall(SYS_read, rfd, BAD_PTR, 0));
    E(syscall(SYS_write, 999, buf, 1), EBADF);
    E(syscall(SYS_write, rfd, buf, 1), EBADF);
    E(syscall(SYS_write, pathfd, buf, 1), EBADF);
    E(syscall(SYS_write, dfd, buf, 1), EBADF);
    E(syscall(SYS_write, wfd, UNMAPPED, 1), EFAULT);
    E(syscall(SYS_write, pfd[0], buf, 1), EBADF);
    E(syscall(SYS_read, pfd[1], buf, 1), EBADF);
    E(syscall(SYS_close, 999), EBADF);
    E(syscall(SYS_close, -1), EBADF);

    say("-- dup, dup2, dup3\n");
    E(syscall(SYS_dup, 999), EBADF);
    E(syscall(SYS_dup, -1), EBADF);
    E(syscall(SYS_dup2, 999, 20), EBADF);
    E(syscall(SYS_dup2, fd, -1), EBADF);
    E(syscall(SYS_dup2, fd, (long)rl.rlim_cur), EBADF);
    E(syscall(SYS_dup2, 999, 999), EBADF);
    say("dup2(fd, fd) returns fd: %s\n", syscall(SYS_dup2, fd, fd) == fd ? "yes" : "no");
    E(syscall(SYS_dup3, fd, fd, 0), EINVAL);
    E(syscall(SYS_dup3, fd, 20, 0x1), EINVAL);
    E(syscall(SYS_dup3, fd, 20, O_NONBLOCK), EINVAL);
    E(syscall(SYS_dup3, 999, 20, 0), EBADF);
    E(syscall(SYS_dup3, fd, -1, 0), EBADF);
    E(syscall(SYS_dup3, fd, (long)rl.rlim_cur, O_CLOEXEC), EBADF);
    OK(syscall(SYS_dup3, fd, 20, O_CLOEXEC));
    OK(syscall(SYS_dup, pathfd));

    say("-- fcntl\n");
    E(syscall(SYS_fcntl, 999, F_GETFD), EBADF);
    E(syscall(SYS_fcntl, fd, 9999), EINVAL);
    E(syscall(SYS_fcntl, fd, F_DUPFD, -1), EINVAL);
    E(syscall(SYS_fcntl, fd, F_DUPFD, (long)rl.rlim_cur), EINVAL);
    E(syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, (long)rl.rlim_cur), EINVAL);
    say("F_DUPFD from 30 gives 30: %s\n", syscall(SYS_fcntl, fd, F_DUPFD, 30) == 30 ? "yes" : "no");
    OK(syscall(SYS_fcntl, pathfd, F_GETFL));
    OK(syscall(SYS_fcntl, pathfd, F_GETFD));
    E(syscall(SYS_fcntl, fd, F_GETLK, BAD_PTR), EFAULT);
    E(syscall(SYS_fcntl, fd, F_SETLK, BAD_PTR), EFAULT);
    struct flock fl = { .l_type = 99, .l_whence = SEEK_SET };
    E(syscall(SYS_fcntl, fd, F_SETLK, &fl), EINVAL);
    fl = (struct flock){ .l_type = F_WRLCK, .l_whence = 7 };
    E(syscall(SYS_fcntl, fd, F_SETLK, &fl), EINVAL);
    fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET };
    E(syscall(SYS_fcntl, rfd, F_SETLK, &fl), EBADF);
    fl.l_type = F_RDLCK;
    E(syscall(SYS_fcntl, wfd, F_SETLK, &fl), EBADF);
    E(syscall(SYS_fcntl, pathfd, F_SETLK, &fl), EBADF);
    fl = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = -1 };
    E(syscall(SYS_fcntl, fd, F_SETLK, &fl), EINVAL);

    say("-- ioctl\n");
    int n;
    E(syscall(SYS_ioctl, 999, FIONREAD, &n), EBADF);
    E(syscall(SYS_ioctl, fd, TCGETS, buf), ENOTTY);
    E(syscall(SYS_ioctl, pfd[0], TIOCGWINSZ, buf), ENOTTY);
    E(syscall(SYS_ioctl, pfd[0], FIONREAD, BAD_PTR), EFAULT);
    E(syscall(SYS_ioctl, pathfd, FIONREAD, &n), EBADF);
    OK(syscall(SYS_ioctl, pfd[0], FIONREAD, &n));
    say("FIONREAD of an empty pipe: %d\n", n);

    say("-- lseek\n");
    E(syscall(SYS_lseek, 999, 0, SEEK_SET), EBADF);
    E(syscall(SYS_lseek, pfd[0], 0, SEEK_SET), ESPIPE);
    E(syscall(SYS_lseek, pfd[1], 0, SEEK_CUR), ESPIPE);
    E(syscall(SYS_lseek, fd, 0, 99), EINVAL);
    E(syscall(SYS_lseek, fd, -1L, SEEK_SET), EINVAL);
    E(syscall(SYS_lseek, fd, -11L, SEEK_END), EINVAL);
    E(syscall(SYS_lseek, pathfd, 0, SEEK_SET), EBADF);
    say("lseek(fd, -10, SEEK_END): %ld\n", (long)syscall(SYS_lseek, fd, -10L, SEEK_END));
    say("lseek(fd, 100, SEEK_SET): %ld\n", (long)syscall(SYS_lseek, fd, 100L, SEEK_SET));

    say("-- pread64, pwrite64\n");
    E(syscall(SYS_pread64, 999, buf, 1, 0), EBADF);
    E(syscall(SYS_pread64, wfd, buf, 1, 0), EBADF);
    E(syscall(SYS_pread64, fd, buf, 1, -1L), EINVAL);
    E(syscall(SYS_pread64, pfd[0], buf, 1, 0), ESPIPE);
    E(syscall(SYS_pread64, dfd, buf, 1, 0), EISDIR);
    E(syscall(SYS_pread64, fd, BAD_PTR, 1, 0), EFAULT);
    E(syscall(SYS_pwrite64, 999, buf, 1, 0), EBADF);
    E(syscall(SYS_pwrite64, rfd, buf, 1, 0), EBADF);
    E(syscall(SYS_pwrite64, fd, buf, 1, -1L), EINVAL);
    E(syscall(SYS_pwrite64, pfd[1], buf, 1, 0), ESPIPE);
    E(syscall(SYS_pwrite64, fd, BAD_PTR, 1, 0), EFAULT);
    say("pread64(fd, buf, 4, 8): %ld\n", (long)syscall(SYS_pread64, fd, buf, 4, 8L));
    say("pread64 past the end: %ld\n", (long)syscall(SYS_pread64, fd, buf, 4, 1000L));

    say("-- readv, writev\n");
    struct iovec iov[2] = { { buf, 4 }, { buf + 4, 4 } };
    struct iovec badiov[1] = { { BAD_PTR, 4 } };
    struct iovec negiov[2] = { { buf, 4 }, { buf, (size_t)-1 } };
    E(syscall(SYS_readv, 999, iov, 2), EBADF);
    E(syscall(SYS_readv, wfd, iov, 2), EBADF);
    E(syscall(SYS_readv, fd, iov, -1), EINVAL);
    E(syscall(SYS_readv, fd, iov, 1025), EINVAL);
    E(syscall(SYS_readv, fd, negiov, 2), EINVAL);
    E(syscall(SYS_readv, fd, BAD_PTR, 2), EFAULT);
    E(syscall(SYS_readv, dfd, iov, 2), EISDIR);
    lseek(fd, 0, SEEK_SET);
    E(syscall(SYS_readv, fd, badiov, 1), EFAULT);
    OK(syscall(SYS_readv, fd, iov, 0));
    E(syscall(SYS_writev, 999, iov, 2), EBADF);
    E(syscall(SYS_writev, rfd, iov, 2), EBADF);
    E(syscall(SYS_writev, fd, iov, -1), EINVAL);
    E(syscall(SYS_writev, fd, iov, 1025), EINVAL);
    E(syscall(SYS_writev, fd, negiov, 2), EINVAL);
    E(syscall(SYS_writev, fd, UNMAPPED, 2), EFAULT);
    E(syscall(SYS_writev, fd, badiov, 1), EFAULT);

    say("-- pipe, pipe2\n");
    E(syscall(SYS_pipe, BAD_PTR), EFAULT);
    E(syscall(SYS_pipe2, pfd, 0x1), EINVAL);
    E(syscall(SYS_pipe2, pfd, O_RDWR), EINVAL);
    E(syscall(SYS_pipe2, UNMAPPED, O_CLOEXEC), EFAULT);

    say("-- poll, ppoll, select, pselect6\n");
    struct pollfd pf[2] = { { .fd = 999, .events = POLLIN }, { .fd = -1, .events = POLLIN } };
    say("poll on a closed fd: %ld, revents %s and %s\n", (long)syscall(SYS_poll, pf, 2, 0),
        pollstr(pf[0].revents), pollstr(pf[1].revents));
    E(syscall(SYS_poll, BAD_PTR, 1, 0), EFAULT);
    E(syscall(SYS_poll, pf, (long)rl.rlim_cur + 1, 0), EINVAL);
    struct timespec badts = { 0, 1000000000 };
    struct timespec zero = { 0, 0 };
    E(syscall(SYS_ppoll, pf, 1, &badts, NULL, 8), EINVAL);
    E(syscall(SYS_ppoll, pf, 1, BAD_PTR, NULL, 8), EFAULT);
    E(syscall(SYS_ppoll, pf, 1, &zero, BAD_PTR, 8), EFAULT);
    E(syscall(SYS_ppoll, pf, 1, &zero, buf, 4), EINVAL);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(29, &rs);
    struct timeval tv0 = { 0, 0 }, badtv = { 0, -1 };
    E(syscall(SYS_select, 30, &rs, NULL, NULL, &tv0), EBADF);
    FD_ZERO(&rs);
    E(syscall(SYS_select, -1, &rs, NULL, NULL, &tv0), EINVAL);
    E(syscall(SYS_select, 1, &rs, NULL, NULL, &badtv), EINVAL);
    E(syscall(SYS_select, 1, BAD_PTR, NULL, NULL, &tv0), EFAULT);
    E(syscall(SYS_select, 1, &rs, NULL, NULL, BAD_PTR), EFAULT);
    OK(syscall(SYS_select, 0, NULL, NULL, NULL, &tv0));
    E(syscall(SYS_pselect6, -1, &rs, NULL, NULL, &zero, NULL), EINVAL);
    E(syscall(SYS_pselect6, 1, &rs, NULL, NULL, &badts, NULL), EINVAL);
    E(syscall(SYS_pselect6, 1, &rs, NULL, NULL, BAD_PTR, NULL), EFAULT);
    E(syscall(SYS_pselect6, 1, &rs, NULL, NULL, &zero, BAD_PTR), EFAULT);

    say("-- sendfile\n");
    int out = open("out", O_CREAT | O_RDWR | O_TRUNC, 0644);
    off_t off = 0, negoff = -1;
    E(syscall(SYS_sendfile, 999, fd, NULL, 4), EBADF);
    E(syscall(SYS_sendfile, out, 999, NULL, 4), EBADF);
    E(syscall(SYS_sendfile, out, wfd, NULL, 4), EBADF);
    E(syscall(SYS_sendfile, rfd, fd, NULL, 4), EBADF);
    E(syscall(SYS_sendfile, out, fd, BAD_PTR, 4), EFAULT);
    E(syscall(SYS_sendfile, 999, 999, BAD_PTR, 4), EFAULT);
    E(syscall(SYS_sendfile, rfd, 999, NULL, 4), EBADF);
    E(syscall(SYS_sendfile, rfd, fd, NULL, 0), EBADF);
    E(syscall(SYS_sendfile, rfd, pfd[0], &off, 4), ESPIPE);
    E(syscall(SYS_sendfile, rfd, fd, &negoff, 4), EINVAL);
    E(syscall(SYS_sendfile, wfd, wfd, NULL, 4), EBADF);
    int empty = open("empty", O_CREAT | O_RDONLY, 0600);
    E(syscall(SYS_sendfile, empty, empty, NULL, 1), EBADF);
    OK(syscall(SYS_sendfile, out, empty, NULL, 1));
    close(empty);
    unlink("empty");
    E(syscall(SYS_sendfile, out, fd, &negoff, 4), EINVAL);
    E(syscall(SYS_sendfile, out, dfd, &off, 4), EINVAL);
    int afd = open("out", O_WRONLY | O_APPEND);
    E(syscall(SYS_sendfile, afd, fd, &off, 4), EINVAL);
    long sent = syscall(SYS_sendfile, out, fd, &off, 4);
    say("sendfile 4 bytes from offset 0: %ld, offset now %ld\n", sent, (long)off);

    say("-- what an O_PATH descriptor is refused\n");
    int pathdir = open("d", O_PATH | O_DIRECTORY);
    char dents[256];
    struct stat st;
    E(syscall(SYS_ftruncate, pathfd, 0), EBADF);
    E(syscall(SYS_fchmod, pathfd, 0644), EBADF);
    E(syscall(SYS_fchown, pathfd, -1, -1), EBADF);
    E(syscall(SYS_flock, pathfd, LOCK_SH), EBADF);
    E(syscall(SYS_fallocate, pathfd, 0, 0, 1), EBADF);
    E(syscall(SYS_fadvise64, pathfd, 0, 0, 0), EBADF);
    E(syscall(SYS_mmap, NULL, 4096, PROT_READ, MAP_PRIVATE, pathfd, 0), EBADF);
    E(syscall(SYS_getdents64, pathdir, dents, sizeof dents), EBADF);
    E(syscall(SYS_sendfile, out, pathfd, NULL, 1), EBADF);
    E(syscall(SYS_fsync, pathfd), EBADF);
    E(syscall(SYS_readv, pathfd, iov, 1), EBADF);
    E(syscall(SYS_pread64, pathfd, buf, 1, 0), EBADF);
    E(syscall(SYS_fcntl, pathfd, F_SETFL, O_NONBLOCK), EBADF);
    E(syscall(SYS_fcntl, pathfd, F_GETLK, &fl), EBADF);
    E(syscall(SYS_fcntl, pathfd, F_GETOWN), EBADF);
    E(syscall(SYS_fgetxattr, pathfd, "user.x", buf, sizeof buf), EBADF);
    E(syscall(SYS_flistxattr, pathfd, buf, sizeof buf), EBADF);
    E(syscall(SYS_fsetxattr, pathfd, "user.x", "v", 1, 0), EBADF);
    E(syscall(SYS_fremovexattr, pathfd, "user.x"), EBADF);
    E(syscall(SYS_copy_file_range, pathfd, NULL, out, NULL, 1, 0), EBADF);
    E(syscall(SYS_splice, pathfd, NULL, pfd[1], NULL, 1, 0), EBADF);
    E(syscall(SYS_sync_file_range, pathfd, 0, 0, 0), EBADF);
    E(syscall(SYS_fdatasync, pathfd), EBADF);
    E(syscall(SYS_pwrite64, pathfd, buf, 1, 0), EBADF);
    E(syscall(SYS_writev, pathfd, iov, 1), EBADF);
    say("-- socket and epoll calls refuse an O_PATH descriptor: EBADF\n");
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    socklen_t slen = sizeof sun;
    int one = 1;
    E(syscall(SYS_accept, pathfd, NULL, NULL), EBADF);
    E(syscall(SYS_accept4, pathfd, NULL, NULL, 0), EBADF);
    E(syscall(SYS_listen, pathfd, 1), EBADF);
    E(syscall(SYS_getsockname, pathfd, &sun, &slen), EBADF);
    E(syscall(SYS_shutdown, pathfd, SHUT_RDWR), EBADF);
    E(syscall(SYS_sendto, pathfd, "x", 1, 0, NULL, 0), EBADF);
    E(syscall(SYS_setsockopt, pathfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), EBADF);
    E(syscall(SYS_accept, rfd, NULL, NULL), ENOTSOCK);
    int lsock = socket(AF_UNIX, SOCK_STREAM, 0);
    strcpy(sun.sun_path, "sock");
    unlink("sock");
    OK(bind(lsock, (struct sockaddr *)&sun, sizeof sun));
    OK(listen(lsock, 1));
    int pathsock = open("sock", O_PATH);
    OK(pathsock);
    E(syscall(SYS_accept, pathsock, NULL, NULL), EBADF);
    E(syscall(SYS_getsockname, pathsock, &sun, &slen), EBADF);
    E(syscall(SYS_connect, pathsock, &sun, sizeof sun), EBADF);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN }, evs[1];
    E(syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, pathfd, &ev), EBADF);
    E(syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, pathsock, &ev), EBADF);
    E(syscall(SYS_epoll_ctl, pathfd, EPOLL_CTL_ADD, rfd, &ev), EBADF);
    E(syscall(SYS_epoll_ctl, rfd, EPOLL_CTL_ADD, pfd[0], &ev), EINVAL);
    E(syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, rfd, &ev), EPERM);
    E(syscall(SYS_epoll_wait, pathfd, evs, 1, 0), EBADF);
    E(syscall(SYS_epoll_pwait, pathfd, evs, 1, 0, NULL, 8), EBADF);
    E(syscall(SYS_epoll_wait, rfd, evs, 1, 0), EINVAL);
    OK(syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, pfd[0], &ev));
    close(ep);
    close(pathsock);
    close(lsock);
    unlink("sock");
    OK(syscall(SYS_fcntl, pathfd, F_SETFD, FD_CLOEXEC));
    OK(syscall(SYS_fcntl, pathfd, F_DUPFD_CLOEXEC, 0));
    char sfs[128];
    OK(syscall(SYS_fstatfs, pathfd, sfs));
    OK(syscall(SYS_fstat, pathfd, &st));
    OK(syscall(SYS_fchdir, pathdir));
    OK(syscall(SYS_fchdir, dfd));
    OK(syscall(SYS_chdir, ".."));
    OK(syscall(SYS_close, pathdir));

    say("-- a full descriptor table (RLIMIT_NOFILE 5)\n");
    pid_t full = fork();
    if (full == 0) {
        for (int i = 3; i < 1024; i++)
            close(i);
        struct rlimit five = { 5, 5 };
        setrlimit(RLIMIT_NOFILE, &five);
        OK(open("f", O_RDONLY));
        OK(open("f", O_RDONLY));
        int two[2];
        E(open("f", O_RDONLY), EMFILE);
        E(syscall(SYS_dup, 0), EMFILE);
        E(syscall(SYS_pipe, two), EMFILE);
        E(syscall(SYS_pipe2, two, O_CLOEXEC), EMFILE);
        E(syscall(SYS_fcntl, 0, F_DUPFD, 0), EMFILE);
        E(syscall(SYS_fcntl, 0, F_DUPFD, 5), EINVAL);
        E(syscall(SYS_dup2, 0, 5), EBADF);
        OK(syscall(SYS_dup2, 0, 4));
        E(syscall(SYS_socketpair, 1 /* AF_UNIX */, 1 /* SOCK_STREAM */, 0, two), EMFILE);
        E(syscall(SYS_memfd_create, "m", 0), EMFILE);
        E(syscall(SYS_eventfd2, 0, 0), EMFILE);
        E(syscall(SYS_epoll_create1, 0), EMFILE);
        E(syscall(SYS_openat, AT_FDCWD, ".", O_RDONLY | O_DIRECTORY), EMFILE);
        close(3);
        int one[2];
        E(syscall(SYS_pipe, one), EMFILE);
        _exit(gt_failures);
    }
    int fs_;
    waitpid(full, &fs_, 0);
    gt_failures += !WIFEXITED(fs_) || WEXITSTATUS(fs_);

    say("-- pipe sizes\n");
    E(syscall(SYS_fcntl, fd, F_GETPIPE_SZ), EBADF);
    E(syscall(SYS_fcntl, fd, F_SETPIPE_SZ, 4096), EBADF);
    E(syscall(SYS_fcntl, pfd[0], F_SETPIPE_SZ, 0x80000001L), EINVAL);
    write(pfd[1], buf, 64);
    say("F_SETPIPE_SZ to one page with 64 bytes in: %ld\n", (long)syscall(SYS_fcntl, pfd[0], F_SETPIPE_SZ, 4096));
    pid_t c = fork();
    if (c == 0) {
        setresuid(65534, 65534, 65534);
        E(syscall(SYS_fcntl, pfd[0], F_SETPIPE_SZ, 4L << 20), EPERM);
        _exit(gt_failures);
    }
    int ws;
    waitpid(c, &ws, 0);
    gt_failures += !WIFEXITED(ws) || WEXITSTATUS(ws);
    gt_exit();
}
