/* Ancillary data on AF_UNIX sockets as Linux has it.  SCM_RIGHTS: an open
 * file passed to another process shares its offset, a pipe end passed and
 * closed by the sender still works (and its last close still gives EOF),
 * several descriptors at once land on the lowest free numbers,
 * MSG_CMSG_CLOEXEC, MSG_PEEK installing copies, a control buffer too small
 * (MSG_CTRUNC, the rest released), messages never read releasing their
 * descriptors when the socket closes, descriptors on a stream ending the
 * read at their message, over datagrams to a bound path, and the errors
 * (bad fd, too many, malformed headers).  SCM_CREDENTIALS and SO_PASSCRED:
 * the sender's pid, uid and gid, explicit credentials and their checks,
 * also for a process that became nobody (and the permissions of socket
 * nodes and mknod for it). */
#include "gt_unix.h"
#include <stdbool.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

static void pass_file(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int fd = open("data", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    lseek(fd, 2, SEEK_SET);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        close(fd);
        int got_fd = recv_one_fd(sv[1]);
        char got[4] = {0};
        if (got_fd < 0)
            _exit(1);
        if (read(got_fd, got, 3) != 3 || memcmp(got, "234", 3))
            _exit(2);
        _exit(0);
    }
    close(sv[1]);
    expect(send_fds(sv[0], "f", 1, &fd, 1, 0) == 1, "send an open file");
    int st;
    waitpid(pid, &st, 0);
    say("child read through the passed file: %s\n", status_str(st));
    say("our offset moved with it: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    close(fd);
    close(sv[0]);
    unlink("data");
}

static void pass_pipe(void)
{
    int sv[2], p[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        close(p[0]);
        close(p[1]);
        int fd = recv_one_fd(sv[1]);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
            _exit(1);
        write(fd, "through the pipe", 16);
        close(fd);
        _exit(0);
    }
    close(sv[1]);
    send_fds(sv[0], "p", 1, &p[1], 1, 0);
    close(p[1]);                /* the child's copy is the only writer now */
    char buf[32];
    int n = read(p[0], buf, sizeof buf);
    say("parent read %d: %.*s\n", n, n > 0 ? n : 0, buf);
    n = read(p[0], buf, sizeof buf);
    say("then %s\n", n == 0 ? "EOF" : "more");
    int st;
    waitpid(pid, &st, 0);
    say("child: %s\n", status_str(st));
    close(p[0]);
    close(sv[0]);
}

static void several(void)
{
    gt_close_extra_fds();
    int sv[2], p[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);       /* 3, 4 */
    pipe(p);                                       /* 5, 6 */
    int three[3] = {p[0], p[1], p[1]};
    expect(send_fds(sv[0], "abc", 3, three, 3, 0) == 3, "send three descriptors");
    close(p[0]);
    close(p[1]);
    int fds[8], n, fl;
    int r = recv_fds(sv[1], (char[8]){0}, 8, fds, 8, &n, &fl, MSG_CMSG_CLOEXEC);
    say("received %d bytes, %d descriptors: %d %d %d\n", r, n, fds[0], fds[1], fds[2]);
    say("FD_CLOEXEC: %d %d %d\n", fcntl(fds[0], F_GETFD), fcntl(fds[1], F_GETFD), fcntl(fds[2], F_GETFD));
    write(fds[1], "x", 1);
    char c;
    expect(read(fds[0], &c, 1) == 1, "the received pipe works");
    for (int i = 0; i < n; i++)
        close(fds[i]);

    /* MSG_PEEK installs copies */
    pipe(p);
    send_fds(sv[0], "pk", 2, &p[1], 1, 0);
    close(p[1]);
    r = recv_fds(sv[1], (char[8]){0}, 8, fds, 8, &n, &fl, MSG_PEEK);
    say("peek: %d bytes, %d descriptors\n", r, n);
    int peeked = fds[0];
    r = recv_fds(sv[1], (char[8]){0}, 8, fds, 8, &n, &fl, 0);
    say("receive: %d bytes, %d descriptors, a new number: %s\n", r, n, fds[0] != peeked ? "yes" : "no");
    close(peeked);
    close(fds[0]);
    expect(read(p[0], &c, 1) == 0, "both copies closed: EOF");
    close(p[0]);

    /* a control buffer too small: MSG_CTRUNC, the rest released */
    pipe(p);
    int two[2] = {p[1], p[1]};
    send_fds(sv[0], "t", 1, two, 2, 0);
    close(p[1]);
    r = recv_fds(sv[1], (char[8]){0}, 8, fds, 1, &n, &fl, 0);
    say("room for one of two: %d bytes, %d descriptor, MSG_CTRUNC %s\n", r, n, (fl & MSG_CTRUNC) ? "set" : "clear");
    close(fds[0]);
    expect(read(p[0], &c, 1) == 0, "the dropped one was released: EOF");
    close(p[0]);
    pipe(p);
    send_fds(sv[0], "t", 1, &p[1], 1, 0);
    close(p[1]);
    r = recv_fds(sv[1], (char[8]){0}, 8, fds, 0, &n, &fl, 0);
    say("no control buffer: %d bytes, MSG_CTRUNC %s\n", r, (fl & MSG_CTRUNC) ? "set" : "clear");
    expect(read(p[0], &c, 1) == 0, "released: EOF");
    close(p[0]);
    /* a control buffer that holds no whole header */
    pipe(p);
    send_fds(sv[0], "t", 1, &p[1], 1, 0);
    close(p[1]);
    char small[8];
    struct iovec iov = {(char[8]){0}, 8};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = small, .msg_controllen = sizeof small};
    r = recvmsg(sv[1], &m, 0);
    say("8-byte control buffer: %d bytes, controllen %zu, MSG_CTRUNC %s\n", r, (size_t)m.msg_controllen,
        (m.msg_flags & MSG_CTRUNC) ? "set" : "clear");
    expect(read(p[0], &c, 1) == 0, "released: EOF");
    close(p[0]);

    /* never received: released when the socket closes */
    pipe(p);
    send_fds(sv[0], "u", 1, &p[1], 1, 0);
    send_fds(sv[0], "u", 1, &p[1], 1, 0);
    close(p[1]);
    expect(poll1(p[0]) == 0, "writer still alive inside the socket");
    close(sv[1]);
    expect(read(p[0], &c, 1) == 0, "closing the receiver released it: EOF");
    close(p[0]);
    close(sv[0]);
}

static void errors(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int bad = 999;
    expect_err(send_fds(sv[0], "x", 1, &bad, 1, 0), EBADF, "SCM_RIGHTS with a closed descriptor");
    int many[254];
    for (int i = 0; i < 254; i++)
        many[i] = 0;
    struct iovec iov = {"x", 1};
    char cbuf[CMSG_SPACE(sizeof many)];
    struct msghdr m;
    set_cmsg(&m, &iov, cbuf, SCM_RIGHTS, many, sizeof many);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    /* the system call itself: musl's sendmsg copies at most about 1000
     * bytes of control data (ENOMEM beyond) */
    expect_err(syscall(SYS_sendmsg, sv[0], &m, 0), EINVAL, "254 descriptors");
    c->cmsg_len = CMSG_LEN(sizeof(int) * 253);
    m.msg_controllen = CMSG_SPACE(sizeof(int) * 253);
    expect(syscall(SYS_sendmsg, sv[0], &m, 0) == 1, "253 descriptors");
    int fds[1], n, fl;
    char buf[4];
    recv_fds(sv[1], buf, sizeof buf, fds, 1, &n, &fl, 0);
    say("received 1 of 253, MSG_CTRUNC %s\n", (fl & MSG_CTRUNC) ? "set" : "clear");
    close(fds[0]);
    c->cmsg_len = sizeof(struct cmsghdr) - 1;
    m.msg_controllen = CMSG_SPACE(sizeof(int));
    expect_err(sendmsg(sv[0], &m, 0), EINVAL, "cmsg_len below the header");
    c->cmsg_len = CMSG_LEN(sizeof(int)) + 64;
    expect_err(sendmsg(sv[0], &m, 0), EINVAL, "cmsg_len past the buffer");
    c->cmsg_len = CMSG_LEN(sizeof(int));
    c->cmsg_type = 77;
    expect_err(sendmsg(sv[0], &m, 0), EINVAL, "unknown SOL_SOCKET type");
    c->cmsg_level = 6;
    expect(sendmsg(sv[0], &m, 0) == 1, "another level is ignored");
    recv(sv[1], buf, sizeof buf, 0);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(0);
    m.msg_controllen = CMSG_SPACE(0);
    expect(sendmsg(sv[0], &m, 0) == 1, "SCM_RIGHTS with no descriptors");
    recv(sv[1], buf, sizeof buf, 0);
    m.msg_control = BAD_PTR;
    m.msg_controllen = 64;
    expect_err(syscall(SYS_sendmsg, sv[0], &m, 0), EFAULT, "control buffer unreadable");
    m.msg_control = NULL;
    m.msg_controllen = 0;
    m.msg_iov = BAD_PTR;
    expect_err(syscall(SYS_sendmsg, sv[0], &m, 0), EFAULT, "iovec array unreadable");
    m.msg_iov = &iov;
    m.msg_iovlen = 1025;
    expect_err(syscall(SYS_sendmsg, sv[0], &m, 0), EMSGSIZE, "1025 iovecs");
    expect_err(syscall(SYS_sendmsg, sv[0], BAD_PTR, 0), EFAULT, "msghdr unreadable");
    expect_err(syscall(SYS_recvmsg, sv[1], BAD_PTR, 0), EFAULT, "recvmsg msghdr unreadable");
    int p[2];
    pipe(p);
    m.msg_iovlen = 1;
    expect_err(sendmsg(p[1], &m, 0), ENOTSOCK, "sendmsg on a pipe");
    close(p[0]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);
}

static void stream_boundary(void)
{
    int sv[2], p[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pipe(p);
    send(sv[0], "aaa", 3, 0);
    send_fds(sv[0], "bbb", 3, &p[0], 1, 0);
    send(sv[0], "ccc", 3, 0);
    char buf[16];
    int fds[2], n, fl;
    int r = recv_fds(sv[1], buf, sizeof buf, fds, 2, &n, &fl, 0);
    say("first read: %d bytes %.*s, %d descriptors\n", r, r, buf, n);
    if (n)
        close(fds[0]);
    r = recv_fds(sv[1], buf, sizeof buf, fds, 2, &n, &fl, 0);
    say("second read: %d bytes %.*s, %d descriptors\n", r, r, buf, n);
    send_fds(sv[0], "dddd", 4, &p[0], 1, 0);
    r = recv_fds(sv[1], buf, 2, fds, 2, &n, &fl, 0);
    say("part of a message with descriptors: %d bytes, %d descriptors\n", r, n);
    if (n)
        close(fds[0]);
    r = recv_fds(sv[1], buf, sizeof buf, fds, 2, &n, &fl, 0);
    say("its rest: %d bytes, %d descriptors\n", r, n);
    close(p[0]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);
}

static void dgram_to_path(void)
{
    struct sockaddr_un a;
    socklen_t len = path_addr(&a, "rcv");
    int r = socket(AF_UNIX, SOCK_DGRAM, 0);
    bind(r, (struct sockaddr *)&a, len);
    pid_t pid = fork();
    if (pid == 0) {
        int s = socket(AF_UNIX, SOCK_DGRAM, 0);
        int fd = open("note", O_CREAT | O_RDWR | O_TRUNC, 0644);
        write(fd, "note text", 9);
        lseek(fd, 0, SEEK_SET);
        struct iovec iov = {"n", 1};
        char cbuf[CMSG_SPACE(sizeof(int))];
        struct msghdr m;
        set_cmsg(&m, &iov, cbuf, SCM_RIGHTS, &fd, sizeof fd);
        m.msg_name = &a;
        m.msg_namelen = len;
        _exit(sendmsg(s, &m, 0) == 1 ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    say("sender: %s\n", status_str(st));
    char buf[16];
    int fds[2], n, fl;
    int rr = recv_fds(r, buf, sizeof buf, fds, 2, &n, &fl, 0);
    say("datagram with a file from an exited process: %d bytes, %d descriptors\n", rr, n);
    if (n) {
        int k = read(fds[0], buf, sizeof buf);
        say("read through it: %.*s\n", k > 0 ? k : 0, buf);
        close(fds[0]);
    }
    close(r);
    unlink("rcv");
    unlink("note");
}

static void print_creds(struct msghdr *m, const char *what, pid_t want_pid)
{
    int found = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred u;
            memcpy(&u, CMSG_DATA(c), sizeof u);
            say("%s: SCM_CREDENTIALS len %zu, pid %s, uid %d gid %d\n", what, (size_t)c->cmsg_len,
                u.pid == want_pid ? "as expected" : u.pid == 0 ? "0" : "other", (int)u.uid, (int)u.gid);
            found = 1;
        } else {
            say("%s: cmsg level %d type %d\n", what, c->cmsg_level, c->cmsg_type);
        }
    }
    if (!found)
        say("%s: no credentials\n", what);
}

static ssize_t recv_creds(int s, const char *what, pid_t want_pid)
{
    char buf[16], cbuf[256];
    struct iovec iov = {buf, sizeof buf};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    ssize_t r = recvmsg(s, &m, 0);
    if (r < 0) {
        say("%s: %s\n", what, errname(errno));
        return r;
    }
    print_creds(&m, what, want_pid);
    return r;
}

static ssize_t send_creds(int s, pid_t pid, uid_t uid, gid_t gid)
{
    struct ucred u = {pid, uid, gid};
    struct iovec iov = {"c", 1};
    char cbuf[CMSG_SPACE(sizeof u)];
    struct msghdr m;
    set_cmsg(&m, &iov, cbuf, SCM_CREDENTIALS, &u, sizeof u);
    return sendmsg(s, &m, 0);
}

/* A stream pair (SO_PASSCRED on sv[1] if asked) into which we, then a
 * child, wrote; the child's pid. */
static pid_t two_writers(int sv[2], bool passcred)
{
    int one = 1;
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    if (passcred)
        setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    send(sv[0], "parent", 6, 0);
    pid_t pid = fork();
    if (pid == 0) {
        send(sv[0], "child", 5, 0);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    return pid;
}

static void credentials(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    send(sv[0], "a", 1, 0);
    recv_creds(sv[1], "without SO_PASSCRED", getpid());
    send(sv[0], "b", 1, 0);
    int one = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    recv_creds(sv[1], "SO_PASSCRED set after the send", getpid());
    pid_t pid = fork();
    if (pid == 0) {
        send(sv[0], "c", 1, 0);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    recv_creds(sv[1], "from a child", pid);
    expect(send_creds(sv[0], getpid(), getuid(), getgid()) == 1, "explicit SCM_CREDENTIALS");
    recv_creds(sv[1], "explicit", getpid());
    pid_t child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    expect(send_creds(sv[0], child, 0, 0) == 1, "another existing pid, as root");
    recv_creds(sv[1], "another pid", child);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    expect_err(send_creds(sv[0], 99999999, 0, 0), ESRCH, "a pid that does not exist");
    expect(send_creds(sv[0], getpid(), 1234, 5678) == 1, "another uid and gid, as root");
    recv_creds(sv[1], "other ids", getpid());
    /* both SCM_RIGHTS and SCM_CREDENTIALS come back, credentials first */
    int p[2];
    pipe(p);
    send_fds(sv[0], "r", 1, &p[0], 1, 0);
    recv_creds(sv[1], "with a descriptor", getpid());
    close(p[0]);
    close(p[1]);
    for (int fd = 5; fd < 20; fd++)
        if (fd != sv[0] && fd != sv[1])
            close(fd);
    /* SO_PASSCRED with no control buffer */
    send(sv[0], "d", 1, 0);
    struct iovec iov = {(char[4]){0}, 4};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    recvmsg(sv[1], &m, 0);
    say("SO_PASSCRED, no control buffer: MSG_CTRUNC %s\n", (m.msg_flags & MSG_CTRUNC) ? "set" : "clear");
    close(sv[0]);
    close(sv[1]);

    /* a stream with SO_PASSCRED: data from two processes is not glued */
    pid = two_writers(sv, true);
    ssize_t r = recv_creds(sv[1], "stream read 1", getpid());
    say("  %zd bytes\n", r);
    r = recv_creds(sv[1], "stream read 2", pid);
    say("  %zd bytes\n", r);
    close(sv[0]);
    close(sv[1]);
    two_writers(sv, false);
    char buf[32];
    r = recv(sv[1], buf, sizeof buf, 0);
    say("without SO_PASSCRED one read gets %zd bytes\n", r);
    close(sv[0]);
    close(sv[1]);
}

static void pass_socket(void)
{
    /* a socket end passed to a child, which talks through it */
    int sv[2], inner[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, inner);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        close(inner[0]);
        close(inner[1]);
        int fd = recv_one_fd(sv[1]);
        if (fd < 0)
            _exit(1);
        send(fd, "over the passed socket", 22, 0);
        _exit(getint(fd, SO_TYPE) == SOCK_SEQPACKET ? 0 : 2);
    }
    close(sv[1]);
    send_fds(sv[0], "s", 1, &inner[1], 1, 0);
    close(inner[1]);
    char buf[32];
    int n = recv(inner[0], buf, sizeof buf, 0);
    say("via a passed socket: %.*s\n", n > 0 ? n : 0, buf);
    int st;
    waitpid(pid, &st, 0);
    say("child: %s\n", status_str(st));
    n = recv(inner[0], buf, sizeof buf, 0);
    say("after the child exited: %d\n", n);
    close(inner[0]);
    close(sv[0]);

    /* three sockets each inside the next's queue, the last inside the first's */
    int t[3][2];
    for (int i = 0; i < 3; i++)
        socketpair(AF_UNIX, SOCK_STREAM, 0, t[i]);
    for (int i = 0; i < 3; i++)
        send_fds(t[(i + 1) % 3][0], "c", 1, &t[i][1], 1, 0);
    for (int i = 0; i < 3; i++) {
        close(t[i][0]);
        close(t[i][1]);
    }
    say("a cycle of three closed\n");

    /* a chain of 200: each socket in flight inside the next one's queue */
    int prev[2] = {-1, -1};
    for (int i = 0; i < 200; i++) {
        int cur[2];
        if (socketpair(AF_UNIX, SOCK_DGRAM, 0, cur) < 0)
            break;
        if (prev[0] >= 0) {
            send_fds(cur[0], "k", 1, prev, 2, 0);
            close(prev[0]);
            close(prev[1]);
        }
        prev[0] = cur[0];
        prev[1] = cur[1];
    }
    int p[2];
    pipe(p);
    close(prev[0]);
    close(prev[1]);
    say("a chain of 200 sockets in flight closed\n");
    close(p[0]);
    close(p[1]);

    /* last, so that closing the descriptors is what frees them: each end
     * of a pair sent through the other, then both closed */
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    send_fds(sv[0], "l", 1, &sv[1], 1, 0);
    send_fds(sv[1], "l", 1, &sv[0], 1, 0);
    close(sv[0]);
    close(sv[1]);
    say("a loop of sockets in flight closed\n");
}

/* A child that became nobody: its credentials as the peer sees them, the
 * limits on what it may claim, and the file permissions of socket nodes. */
static int nobody_child(int sock)
{
    if (setgid(65534) || setuid(65534))
        return 1;
    struct ucred cr;
    socklen_t len = sizeof cr;
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len);
    say("  nobody's own pair: uid %d gid %d\n", (int)cr.uid, (int)cr.gid);
    close(sv[0]);
    close(sv[1]);
    expect(send_creds(sock, getpid(), 65534, 65534) == 1, "  nobody sends its own credentials");
    expect_err(send_creds(sock, getppid(), 65534, 65534), EPERM, "  nobody claims another pid");
    expect_err(send_creds(sock, getpid(), 0, 65534), EPERM, "  nobody claims uid 0");
    expect_err(send_creds(sock, getpid(), 65534, 0), EPERM, "  nobody claims gid 0");
    expect_err(mknod("pub/dev", S_IFCHR | 0600, makedev(240, 1)), EPERM, "  nobody makes a device");
    expect(mknod("pub/fifo", S_IFIFO | 0600, 0) == 0, "  nobody makes a FIFO");
    expect_err(mknod("fifo2", S_IFIFO | 0600, 0), EACCES, "  nobody makes a FIFO in a directory not its own");
    struct sockaddr_un a;
    socklen_t alen = path_addr(&a, "pub/nsock");
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    expect(bind(s, (struct sockaddr *)&a, alen) == 0, "  nobody binds in a writable directory");
    struct stat st;
    stat("pub/nsock", &st);
    say("  its socket file: uid %d mode %o\n", (int)st.st_uid, st.st_mode & 07777);
    close(s);
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    alen = path_addr(&a, "nsock2");
    expect_err(bind(s, (struct sockaddr *)&a, alen), EACCES, "  nobody binds in a directory not its own");
    alen = path_addr(&a, "rootsrv");
    expect_err(connect(s, (struct sockaddr *)&a, alen), EACCES, "  nobody connects to a socket it may not write");
    alen = path_addr(&a, "opensrv");
    expect(connect(s, (struct sockaddr *)&a, alen) == 0, "  nobody connects to a socket anyone may write");
    close(s);
    return gt_failures ? 2 : 0;
}

static void unprivileged(void)
{
    mkdir("pub", 0777);
    chmod("pub", 0777);
    chmod(".", 0755);
    struct sockaddr_un a;
    socklen_t alen = path_addr(&a, "rootsrv");
    int r = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(r, (struct sockaddr *)&a, alen);
    listen(r, 4);
    alen = path_addr(&a, "opensrv");
    int o = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(o, (struct sockaddr *)&a, alen);
    chmod("opensrv", 0777);
    listen(o, 4);
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    int one = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    pid_t pid = fork();
    if (pid == 0)
        _exit(nobody_child(sv[0]));
    int st;
    waitpid(pid, &st, 0);
    say("nobody child: %s\n", status_str(st));
    recv_creds(sv[1], "from nobody", pid);
    struct pollfd p = {sv[1], POLLIN, 0};
    say("nothing else queued: %s\n", poll(&p, 1, 0) == 0 ? "yes" : "no");
    close(sv[0]);
    close(sv[1]);
    close(r);
    close(o);
    unlink("rootsrv");
    unlink("opensrv");
    unlink("pub/nsock");
    unlink("pub/fifo");
    rmdir("pub");
}

int main(void)
{
    umask(022);
    pass_file();
    pass_pipe();
    several();
    errors();
    stream_boundary();
    dgram_to_path();
    credentials();
    unprivileged();
    pass_socket();
    gt_exit();
}
