/* AF_UNIX stream sockets as Linux has them: socket()'s checks of family,
 * type, flags and protocol; bind to a path (a socket file appears) or an
 * abstract name, autobind; listen, connect (blocking, non-blocking, a full
 * backlog), accept/accept4; the names getsockname/getpeername return; data
 * across fork with no message boundaries, MSG_PEEK, MSG_WAITALL,
 * MSG_DONTWAIT; shutdown each way; what the peer sees when a socket closes
 * (EOF, ECONNRESET, EPIPE and SIGPIPE); poll in every state; the socket
 * options; and the errors in the order Linux checks them. */
#include "gt_unix.h"
#include <grp.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/uio.h>

static void creation(void)
{
    expect_err(socket(AF_UNIX, SOCK_STREAM | 0x100, 0), EINVAL, "socket unknown flag");
    expect_err(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT, "socket family out of range");
    expect_err(socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT, "socket negative family");
    expect_err(socket(4, SOCK_STREAM, 0), EAFNOSUPPORT, "socket AF_IPX");
    expect_err(socket(AF_UNIX, 12, 0), EINVAL, "socket type out of range");
    expect_err(socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT, "socket SOCK_RDM");
    expect_err(socket(AF_UNIX, 0, 0), ESOCKTNOSUPPORT, "socket type 0");
    expect_err(socket(AF_UNIX, SOCK_STREAM, 2), EPROTONOSUPPORT, "socket protocol 2");
    expect_err(socket(AF_UNIX, SOCK_RDM, 2), EPROTONOSUPPORT, "protocol checked before type");
    int s = socket(AF_UNIX, SOCK_STREAM, 1);
    expect(s >= 0, "socket protocol PF_UNIX");
    say("protocol 1: SO_PROTOCOL %d\n", getint(s, SO_PROTOCOL));
    close(s);
    s = socket(AF_UNIX, SOCK_RAW, 0);
    say("SOCK_RAW: SO_TYPE %d\n", getint(s, SO_TYPE));
    close(s);
    s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    expect((fcntl(s, F_GETFL) & O_NONBLOCK) != 0, "SOCK_NONBLOCK sets O_NONBLOCK");
    expect(fcntl(s, F_GETFD) == FD_CLOEXEC, "SOCK_CLOEXEC sets FD_CLOEXEC");
    say("F_GETFL access mode %d\n", fcntl(s, F_GETFL) & O_ACCMODE);
    struct stat st;
    expect(fstat(s, &st) == 0 && S_ISSOCK(st.st_mode), "fstat: S_IFSOCK");
    say("socket mode %o size %ld\n", st.st_mode & 07777, (long)st.st_size);
    char link[64], want[64], path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", s);
    ssize_t n = readlink(path, link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof want, "socket:[%lu]", (unsigned long)st.st_ino);
    expect(strcmp(link, want) == 0, "/proc/self/fd shows socket:[inode]");
    expect_err(lseek(s, 0, SEEK_SET), ESPIPE, "lseek on a socket");
    char c;
    expect_err(pread(s, &c, 1, 0), ESPIPE, "pread on a socket");
    close(s);
}

static void names(void)
{
    struct sockaddr_un a, b;
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    say("unbound name: %s\n", sockname(s));
    say("unbound peer: %s\n", peername(s));
    socklen_t len = path_addr(&a, "srv");
    expect_err(bind(s, (struct sockaddr *)&a, 1), EINVAL, "bind length 1");
    expect_err(bind(s, (struct sockaddr *)&a, sizeof a + 1), EINVAL, "bind length over sizeof sockaddr_un");
    a.sun_family = AF_INET;
    expect_err(bind(s, (struct sockaddr *)&a, len), EINVAL, "bind wrong family");
    a.sun_family = AF_UNIX;
    expect_err(bind(s, BAD_PTR, len), EFAULT, "bind bad pointer");
    path_addr(&b, "nodir/x");
    expect_err(bind(s, (struct sockaddr *)&b, sizeof b), ENOENT, "bind in a missing directory");
    expect(bind(s, (struct sockaddr *)&a, len) == 0, "bind to a path");
    say("bound name: %s\n", sockname(s));
    struct stat st;
    expect(stat("srv", &st) == 0 && S_ISSOCK(st.st_mode), "the path is a socket file");
    say("socket file mode %o\n", st.st_mode & 07777);
    path_addr(&b, "other");
    expect_err(bind(s, (struct sockaddr *)&b, sizeof b), EINVAL, "bind a bound socket again");
    expect_err(stat("other", &st), ENOENT, "  left no socket file");
    path_addr(&b, "nodir/x");
    expect_err(bind(s, (struct sockaddr *)&b, sizeof b), ENOENT, "  the path is resolved first");
    path_addr(&b, "srv");
    expect_err(bind(s, (struct sockaddr *)&b, sizeof b), EADDRINUSE, "  and created first");
    len = abstract_addr(&b, "gt-unix-stream-again");
    expect_err(bind(s, (struct sockaddr *)&b, len), EINVAL, "  an abstract name: EINVAL");
    int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    expect_err(bind(s2, (struct sockaddr *)&a, len), EADDRINUSE, "bind to a path in use");
    int fd = open("file", O_CREAT | O_WRONLY, 0644);
    close(fd);
    path_addr(&b, "file");
    expect_err(bind(s2, (struct sockaddr *)&b, sizeof b), EADDRINUSE, "bind over a regular file");
    /* the full sockaddr_un length with the path NUL-terminated early */
    path_addr(&b, "srv2");
    expect(bind(s2, (struct sockaddr *)&b, sizeof b) == 0, "bind with the whole structure's length");
    say("name: %s\n", sockname(s2));
    close(s2);
    /* a 108-byte path with no terminator */
    s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    memset(&b, 0, sizeof b);
    b.sun_family = AF_UNIX;
    memset(b.sun_path, 'p', sizeof b.sun_path);
    expect(bind(s2, (struct sockaddr *)&b, sizeof b) == 0, "bind a 108-byte path");
    socklen_t bl = sizeof b;
    memset(&b, 0, sizeof b);
    getsockname(s2, (struct sockaddr *)&b, &bl);
    say("108-byte path: length %u\n", (unsigned)bl);
    close(s2);
    char longpath[109];
    memset(longpath, 'p', 108);
    longpath[108] = 0;
    unlink(longpath);

    s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    len = abstract_addr(&b, "gt-unix-stream-abstract");
    expect(bind(s2, (struct sockaddr *)&b, len) == 0, "bind an abstract name");
    say("abstract name: %s\n", sockname(s2));
    int s3 = socket(AF_UNIX, SOCK_STREAM, 0);
    expect_err(bind(s3, (struct sockaddr *)&b, len), EADDRINUSE, "abstract name in use");
    /* a longer name with the same start is another name */
    len = abstract_addr(&b, "gt-unix-stream-abstract2");
    expect(bind(s3, (struct sockaddr *)&b, len) == 0, "a longer abstract name is distinct");
    close(s3);
    close(s2);
    s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    len = abstract_addr(&b, "gt-unix-stream-abstract");
    expect(bind(s2, (struct sockaddr *)&b, len) == 0, "abstract name free again after close");
    close(s2);

    s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    a.sun_family = AF_UNIX;
    expect(bind(s2, (struct sockaddr *)&a, sizeof(sa_family_t)) == 0, "autobind");
    say("autobound name: %s\n", sockname(s2));
    expect(bind(s2, (struct sockaddr *)&a, sizeof(sa_family_t)) == 0, "autobind again: no-op");
    path_addr(&b, "late");
    expect_err(bind(s2, (struct sockaddr *)&b, sizeof b), EINVAL, "bind after autobind");
    close(s2);

    /* short buffers: the real length comes back, the name is cut */
    len = 4;
    memset(&b, 0, sizeof b);
    expect(getsockname(s, (struct sockaddr *)&b, &len) == 0, "getsockname with a 4-byte buffer");
    say("  returned length %u, bytes %d %d %d %d\n", (unsigned)len, b.sun_path[0], b.sun_path[1], b.sun_path[2],
        b.sun_path[3]);
    len = -1;
    expect_err(getsockname(s, (struct sockaddr *)&b, &len), EINVAL, "getsockname negative length");
    expect_err(getsockname(s, (struct sockaddr *)&b, BAD_PTR), EFAULT, "getsockname bad length pointer");
    len = sizeof b;
    expect_err(getsockname(s, BAD_PTR, &len), EFAULT, "getsockname bad buffer");
    int p[2];
    pipe(p);
    len = sizeof b;
    expect_err(getsockname(p[0], (struct sockaddr *)&b, &len), ENOTSOCK, "getsockname on a pipe");
    expect_err(getpeername(p[0], (struct sockaddr *)&b, &len), ENOTSOCK, "getpeername on a pipe");
    expect_err(getsockname(999, (struct sockaddr *)&b, &len), EBADF, "getsockname bad fd");
    expect_err(bind(p[0], (struct sockaddr *)&a, len), ENOTSOCK, "bind on a pipe");
    expect_err(listen(p[0], 1), ENOTSOCK, "listen on a pipe");
    expect_err(connect(p[0], (struct sockaddr *)&a, len), ENOTSOCK, "connect on a pipe");
    expect_err(accept(p[0], NULL, NULL), ENOTSOCK, "accept on a pipe");
    expect_err(shutdown(p[0], SHUT_RD), ENOTSOCK, "shutdown on a pipe");
    expect_err(send(p[1], "x", 1, 0), ENOTSOCK, "send on a pipe");
    char c;
    expect_err(recv(p[0], &c, 1, 0), ENOTSOCK, "recv on a pipe");
    close(p[0]);
    close(p[1]);
    close(s);
    unlink("srv");
    unlink("srv2");
    unlink("file");
}

static int connect_path(const char *path, int type)
{
    struct sockaddr_un a;
    socklen_t len = path_addr(&a, path);
    int s = socket(AF_UNIX, type, 0);
    if (connect(s, (struct sockaddr *)&a, len) < 0) {
        int e = errno;
        close(s);
        errno = e;
        return -1;
    }
    return s;
}

static int listener(const char *path, int backlog)
{
    struct sockaddr_un a;
    socklen_t len = path_addr(&a, path);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (bind(s, (struct sockaddr *)&a, len) < 0 || listen(s, backlog) < 0)
        say("listener %s: %s\n", path, errname(errno));
    return s;
}

static void connect_errors(void)
{
    struct sockaddr_un a;
    expect_err(connect_path("missing", SOCK_STREAM), ENOENT, "connect to a missing path");
    int fd = open("plain", O_CREAT | O_WRONLY, 0644);
    close(fd);
    expect_err(connect_path("plain", SOCK_STREAM), ECONNREFUSED, "connect to a regular file");
    mknod("node", S_IFSOCK | 0644, 0);
    expect_err(connect_path("node", SOCK_STREAM), ECONNREFUSED, "connect to a socket file nobody bound");
    int b = socket(AF_UNIX, SOCK_STREAM, 0);
    socklen_t len = path_addr(&a, "bound");
    bind(b, (struct sockaddr *)&a, len);
    expect_err(connect_path("bound", SOCK_STREAM), ECONNREFUSED, "connect to a bound socket not listening");
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    len = path_addr(&a, "dgram");
    bind(d, (struct sockaddr *)&a, len);
    expect_err(connect_path("dgram", SOCK_STREAM), EPROTOTYPE, "stream connect to a datagram socket");
    expect_err(connect_path("dgram", SOCK_SEQPACKET), EPROTOTYPE, "seqpacket connect to a datagram socket");
    close(d);
    expect_err(connect_path("dgram", SOCK_DGRAM), ECONNREFUSED, "connect to a closed socket's file");
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    len = abstract_addr(&a, "gt-unix-stream-nobody");
    expect_err(connect(s, (struct sockaddr *)&a, len), ECONNREFUSED, "connect to an absent abstract name");
    expect_err(connect(s, (struct sockaddr *)&a, sizeof(sa_family_t)), EINVAL, "connect with an empty address");
    expect_err(connect(s, (struct sockaddr *)&a, 1), EINVAL, "connect length 1");
    expect_err(connect(s, BAD_PTR, len), EFAULT, "connect bad pointer");
    a.sun_family = AF_INET;
    expect_err(connect(s, (struct sockaddr *)&a, len), EINVAL, "connect wrong family");
    len = path_addr(&a, "missing");
    a.sun_family = AF_UNSPEC;
    expect_err(connect(s, (struct sockaddr *)&a, len), EINVAL, "stream connect AF_UNSPEC");
    close(s);
    int l = listener("lst", 5);
    s = connect_path("lst", SOCK_STREAM);
    expect(s >= 0, "connect to a listener");
    len = path_addr(&a, "lst");
    expect_err(connect(s, (struct sockaddr *)&a, len), EISCONN, "connect a connected socket");
    expect_err(connect(l, (struct sockaddr *)&a, len), EINVAL, "connect a listening socket");
    expect_err(listen(s, 1), EINVAL, "listen on a connected socket");
    expect_err(accept(s, NULL, NULL), EINVAL, "accept on a connected socket");
    expect(listen(b, -5) == 0, "listen with a negative backlog");
    close(s);
    close(l);
    close(b);
    int u = socket(AF_UNIX, SOCK_STREAM, 0);
    expect_err(listen(u, 1), EINVAL, "listen on an unbound socket");
    expect_err(accept(u, NULL, NULL), EINVAL, "accept on a socket not listening");
    expect_err(accept4(u, NULL, NULL, 0x40), EINVAL, "accept4 unknown flag");
    expect_err(accept(999, NULL, NULL), EBADF, "accept bad fd");
    close(u);
    unlink("plain");
    unlink("node");
    unlink("bound");
    unlink("dgram");
    unlink("lst");
}

static int client_child(void)
{
    int s = connect_path("srv", SOCK_STREAM);
    if (s < 0)
        return 10;
    const char *parts[] = {"hello ", "from ", "the child"};
    for (int i = 0; i < 3; i++) {
        if (write(s, parts[i], strlen(parts[i])) < 0)
            return 11;
        usleep(30000);
    }
    char buf[16];
    int n = read(s, buf, sizeof buf);
    if (n != 5 || memcmp(buf, "reply", 5))
        return 12;
    close(s);
    return 0;
}

static void across_fork(void)
{
    int l = listener("srv", 5);
    say("listener name: %s\n", sockname(l));
    say("listener peer: %s\n", peername(l));
    pid_t pid = fork();
    if (pid == 0)
        _exit(client_child());
    struct sockaddr_un a;
    socklen_t len = sizeof a;
    memset(&a, 0x55, sizeof a);
    int c = accept(l, (struct sockaddr *)&a, &len);
    expect(c >= 0, "accept");
    say("accept address: %s\n", addrstr(&a, len));
    say("accepted socket name: %s\n", sockname(c));
    say("accepted socket peer: %s\n", peername(c));
    struct ucred cr;
    socklen_t cl = sizeof cr;
    expect(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == 0, "SO_PEERCRED on the accepted socket");
    expect(cr.pid == pid, "  its pid is the connecting child's");
    expect(cr.uid == getuid() && cr.gid == getgid(), "  its uid and gid are the child's");
    char buf[64];
    int n = recv(c, buf, 20, MSG_WAITALL);
    say("MSG_WAITALL for 20 bytes got %d: %.*s\n", n, n > 0 ? n : 0, buf);
    expect(write(c, "reply", 5) == 5, "reply");
    int st;
    waitpid(pid, &st, 0);
    say("client: %s\n", status_str(st));
    close(c);
    close(l);
    unlink("srv");
}

static void data(void)
{
    int l = listener("srv", 5);
    int s = connect_path("srv", SOCK_STREAM);
    /* the client may write before the server accepts */
    expect(write(s, "abc", 3) == 3, "write before accept");
    expect(send(s, "def", 3, 0) == 3, "send before accept");
    int c = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    expect(c >= 0 && (fcntl(c, F_GETFL) & O_NONBLOCK) && fcntl(c, F_GETFD) == FD_CLOEXEC,
           "accept4 SOCK_NONBLOCK|SOCK_CLOEXEC");
    int avail = -1;
    ioctl(c, FIONREAD, &avail);
    say("FIONREAD %d\n", avail);
    char buf[64];
    int n = recv(c, buf, 4, MSG_PEEK);
    say("peek 4: %d %.*s\n", n, n > 0 ? n : 0, buf);
    n = recv(c, buf, sizeof buf, 0);
    say("read: %d %.*s (no boundaries)\n", n, n > 0 ? n : 0, buf);
    expect_err(recv(c, buf, sizeof buf, 0), EAGAIN, "empty, non-blocking");
    expect_err(recv(s, buf, sizeof buf, MSG_DONTWAIT), EAGAIN, "empty, MSG_DONTWAIT");
    n = recv(s, buf, 0, MSG_DONTWAIT);
    say("zero-length recv, empty: %s\n", n < 0 ? errname(errno) : "0");
    expect(send(s, "", 0, 0) == 0, "zero-length send");
    expect_err(recv(c, buf, sizeof buf, 0), EAGAIN, "a zero-length send adds nothing");
    struct iovec iov[3] = {{"one ", 4}, {"two ", 4}, {"three", 5}};
    expect(writev(s, iov, 3) == 13, "writev");
    char b1[5], b2[20];
    struct iovec riov[2] = {{b1, 5}, {b2, 20}};
    n = readv(c, riov, 2);
    say("readv: %d %.5s|%.*s\n", n, b1, n > 5 ? n - 5 : 0, b2);
    struct sockaddr_un a;
    socklen_t len = path_addr(&a, "srv");
    expect_err(sendto(s, "x", 1, 0, (struct sockaddr *)&a, len), EISCONN, "sendto with an address, connected");
    len = sizeof a;
    memset(&a, 0x55, sizeof a);
    expect(send(s, "q", 1, 0) == 1, "send one more");
    n = recvfrom(c, buf, sizeof buf, 0, (struct sockaddr *)&a, &len);
    say("recvfrom on a stream: %d, address %s\n", n, addrstr(&a, len));
    expect_err(send(s, BAD_PTR, 10, 0), EFAULT, "send bad buffer");
    expect(send(s, "z", 1, 0) == 1, "send");
    expect_err(recv(c, BAD_PTR, 10, 0), EFAULT, "recv into a bad buffer");
    n = recv(c, buf, sizeof buf, 0);
    say("after the fault the byte is still there: %d\n", n);
    send(s, "y", 1, 0);
    n = recv(c, buf, 0, MSG_DONTWAIT);
    say("zero-length recv with data: %s\n", n < 0 ? errname(errno) : "0");
    n = recv(c, buf, sizeof buf, 0);
    say("the data is still there: %d\n", n);
    int u = socket(AF_UNIX, SOCK_STREAM, 0);
    expect_err(send(u, "x", 1, 0), ENOTCONN, "send unconnected");
    expect_err(write(u, "x", 1), ENOTCONN, "write unconnected");
    expect_err(recv(u, buf, 1, 0), EINVAL, "recv unconnected");
    expect_err(read(u, buf, 1), EINVAL, "read unconnected");
    len = path_addr(&a, "srv");
    expect_err(sendto(u, "x", 1, 0, (struct sockaddr *)&a, len), EOPNOTSUPP, "sendto with an address, unconnected");
    expect_err(recv(l, buf, 1, 0), EINVAL, "recv on a listener");
    expect_err(send(l, "x", 1, 0), ENOTCONN, "send on a listener");
    close(u);
    close(s);
    close(c);
    close(l);
    unlink("srv");
}

static int big_writer(int s)
{
    char buf[3000];
    for (int i = 0; i < 400; i++) {
        for (int j = 0; j < 3000; j++)
            buf[j] = (char)(i * 7 + j);
        size_t off = 0;
        while (off < sizeof buf) {
            ssize_t w = write(s, buf + off, sizeof buf - off);
            if (w <= 0)
                return 1;
            off += w;
        }
    }
    return 0;
}

static void bulk(void)
{
    int sv[2];
    expect(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair stream");
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        _exit(big_writer(sv[1]));
    }
    close(sv[1]);
    unsigned long sum = 0, total = 0, want = 0;
    char buf[4321];
    int n;
    while ((n = read(sv[0], buf, sizeof buf)) > 0) {
        for (int i = 0; i < n; i++)
            sum = sum * 31 + (unsigned char)buf[i];
        total += n;
    }
    for (int i = 0; i < 400; i++)
        for (int j = 0; j < 3000; j++)
            want = want * 31 + (unsigned char)(char)(i * 7 + j);
    int st;
    waitpid(pid, &st, 0);
    say("bulk: %lu bytes, checksum %s, writer %s\n", total, sum == want ? "matches" : "differs", status_str(st));
    close(sv[0]);

    /* a non-blocking writer fills the buffer, then EAGAIN; poll says not writable */
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
    char blk[1024];
    memset(blk, 'b', sizeof blk);
    long sent = 0;
    while ((n = send(sv[0], blk, sizeof blk, 0)) > 0)
        sent += n;
    expect(n < 0 && errno == EAGAIN, "a full stream: EAGAIN");
    expect(sent > 16384, "it took more than 16 KiB");
    say("full writer poll: %s\n", pollstr(poll1(sv[0]) & ~POLLIN));
    long got = 0;
    while ((n = recv(sv[1], buf, sizeof buf, 0)) > 0)
        got += n;
    expect(got == sent, "all of it read back");
    say("drained writer poll: %s\n", pollstr(poll1(sv[0])));
    close(sv[0]);
    close(sv[1]);
}

static void shutdowns(void)
{
    int sv[2];
    char buf[16];
    signal(SIGPIPE, SIG_IGN);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    expect_err(shutdown(sv[0], 3), EINVAL, "shutdown how 3");
    expect_err(shutdown(sv[0], -1), EINVAL, "shutdown how -1");
    write(sv[0], "data", 4);
    expect(shutdown(sv[0], SHUT_WR) == 0, "SHUT_WR");
    expect_err(write(sv[0], "x", 1), EPIPE, "write after SHUT_WR");
    say("SHUT_WR side poll: %s\n", pollstr(poll1(sv[0])));
    say("peer poll: %s\n", pollstr(poll1(sv[1])));
    expect(read(sv[1], buf, sizeof buf) == 4, "peer reads the data");
    expect(read(sv[1], buf, sizeof buf) == 0, "then EOF");
    expect(write(sv[1], "back", 4) == 4, "peer can still write");
    expect(read(sv[0], buf, sizeof buf) == 4, "and the shut side read it");
    expect(shutdown(sv[0], SHUT_RD) == 0, "SHUT_RD too");
    say("both ways shut poll: %s\n", pollstr(poll1(sv[0])));
    say("peer poll: %s\n", pollstr(poll1(sv[1])));
    expect(read(sv[0], buf, sizeof buf) == 0, "read after SHUT_RD: EOF");
    expect_err(write(sv[1], "x", 1), EPIPE, "peer write after SHUT_RD");
    close(sv[0]);
    close(sv[1]);

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    write(sv[1], "early", 5);
    expect(shutdown(sv[0], SHUT_RD) == 0, "SHUT_RD with data waiting");
    int n = read(sv[0], buf, sizeof buf);
    say("read after SHUT_RD with data waiting: %d\n", n);
    expect(shutdown(sv[0], SHUT_RDWR) == 0, "SHUT_RDWR");
    close(sv[0]);
    close(sv[1]);
    int u = socket(AF_UNIX, SOCK_STREAM, 0);
    say("shutdown unconnected: %s\n", shutdown(u, SHUT_RDWR) == 0 ? "ok" : errname(errno));
    say("unconnected poll after shutdown: %s\n", pollstr(poll1(u)));
    close(u);
    signal(SIGPIPE, SIG_DFL);
}

static int write_to_closed(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    close(sv[1]);
    write(sv[0], "x", 1);            /* SIGPIPE kills us here */
    return 0;
}

static void closing(void)
{
    int sv[2];
    char buf[16];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    write(sv[0], "last", 4);
    close(sv[0]);
    say("peer closed, data left, poll: %s\n", pollstr(poll1(sv[1])));
    expect(read(sv[1], buf, sizeof buf) == 4, "data written before the close is read");
    expect(read(sv[1], buf, sizeof buf) == 0, "then EOF");
    say("peer closed poll: %s\n", pollstr(poll1(sv[1])));
    expect_err(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE, "send MSG_NOSIGNAL to a closed peer");
    close(sv[1]);

    int st = run_child(write_to_closed);
    say("write to a closed peer: %s\n", status_str(st));

    /* closing with unread data resets the peer */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    write(sv[1], "unread", 6);
    write(sv[0], "for you", 7);
    close(sv[0]);
    say("reset peer poll: %s\n", pollstr(poll1(sv[1])));
    int n = read(sv[1], buf, sizeof buf);
    say("reset peer first read: %d\n", n);
    n = read(sv[1], buf, sizeof buf);
    say("reset peer second read: %s\n", n < 0 ? errname(errno) : n == 0 ? "EOF" : "data");
    n = read(sv[1], buf, sizeof buf);
    say("reset peer third read: %s\n", n < 0 ? errname(errno) : n == 0 ? "EOF" : "data");
    say("reset peer poll after: %s\n", pollstr(poll1(sv[1])));
    close(sv[1]);

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    write(sv[1], "unread", 6);
    close(sv[0]);
    int e = getint(sv[1], SO_ERROR);
    say("SO_ERROR read once: %s, then %d\n", errname(e), getint(sv[1], SO_ERROR));
    close(sv[1]);

    /* a listener closed with connections not accepted */
    int l = listener("srv", 5);
    int s = connect_path("srv", SOCK_STREAM);
    write(s, "never read", 10);
    close(l);
    say("client of a closed listener poll: %s\n", pollstr(poll1(s)));
    n = read(s, buf, sizeof buf);
    say("its read: %s\n", n < 0 ? errname(errno) : n == 0 ? "EOF" : "data");
    n = read(s, buf, sizeof buf);
    say("its next read: %s\n", n < 0 ? errname(errno) : n == 0 ? "EOF" : "data");
    expect_err(send(s, "x", 1, MSG_NOSIGNAL), EPIPE, "its send");
    close(s);
    unlink("srv");
    /* the socket file stays after close */
    struct stat sst;
    l = listener("srv", 5);
    close(l);
    expect(stat("srv", &sst) == 0 && S_ISSOCK(sst.st_mode), "the socket file outlives the socket");
    expect_err(connect_path("srv", SOCK_STREAM), ECONNREFUSED, "connect to it");
    unlink("srv");
}

static int blocked_connector(void)
{
    int s = connect_path("srv", SOCK_STREAM);
    if (s < 0)
        return 20;
    write(s, "3", 1);
    close(s);
    return 0;
}

static void backlog(void)
{
    int l = listener("srv", 0);
    say("listener poll, nothing pending: %s\n", pollstr(poll1(l)));
    int a = connect_path("srv", SOCK_STREAM);
    expect(a >= 0, "backlog 0: first connect");
    say("listener poll, one pending: %s\n", pollstr(poll1(l)));
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(l, &rs);
    struct timeval tv = {0, 0};
    say("select readable: %d\n", select(l + 1, &rs, NULL, NULL, &tv));
    struct sockaddr_un addr;
    socklen_t len = path_addr(&addr, "srv");
    int b = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    expect_err(connect(b, (struct sockaddr *)&addr, len), EAGAIN, "non-blocking connect, backlog full");
    close(b);
    /* a blocking connect waits for room */
    pid_t pid = fork();
    if (pid == 0)
        _exit(blocked_connector());
    usleep(150000);
    int c1 = accept(l, NULL, NULL);
    expect(c1 >= 0, "accept the first");
    int c2 = accept(l, NULL, NULL);
    expect(c2 >= 0, "accept the one that waited");
    char ch = 0;
    read(c2, &ch, 1);
    expect(ch == '3', "it is the waiting child's");
    int st;
    waitpid(pid, &st, 0);
    say("waiting connector: %s\n", status_str(st));
    int nb = socket(AF_UNIX, SOCK_STREAM, 0);
    close(nb);
    fcntl(l, F_SETFL, O_NONBLOCK);
    expect_err(accept(l, NULL, NULL), EAGAIN, "non-blocking accept, none pending");
    expect(listen(l, 10) == 0, "listen again changes the backlog");
    int more[4];
    for (int i = 0; i < 4; i++)
        more[i] = connect_path("srv", SOCK_STREAM);
    expect(more[3] >= 0, "four more fit now");
    for (int i = 0; i < 4; i++)
        close(more[i]);
    int k = 0;
    while ((b = accept(l, NULL, NULL)) >= 0) {
        k++;
        char x;
        if (read(b, &x, 1) != 0)
            say("accepted socket of a closed client not at EOF\n");
        close(b);
    }
    say("accepted %d whose clients had closed\n", k);
    close(a);
    close(c1);
    close(c2);
    close(l);
    unlink("srv");
}

static void poll_states(void)
{
    int u = socket(AF_UNIX, SOCK_STREAM, 0);
    say("new socket poll: %s\n", pollstr(poll1(u)));
    struct sockaddr_un a;
    socklen_t len = path_addr(&a, "srv");
    bind(u, (struct sockaddr *)&a, len);
    say("bound socket poll: %s\n", pollstr(poll1(u)));
    listen(u, 5);
    say("listening socket poll: %s\n", pollstr(poll1(u)));
    int s = connect_path("srv", SOCK_STREAM);
    say("connected client poll: %s\n", pollstr(poll1(s)));
    int c = accept(u, NULL, NULL);
    say("accepted socket poll: %s\n", pollstr(poll1(c)));
    write(s, "x", 1);
    say("with data poll: %s\n", pollstr(poll1(c)));
    shutdown(s, SHUT_WR);
    say("peer SHUT_WR poll: %s\n", pollstr(poll1(c)));
    close(s);
    say("peer closed poll: %s\n", pollstr(poll1(c)));
    /* a poll that sleeps is woken by the peer's write */
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pid_t pid = fork();
    if (pid == 0) {
        usleep(100000);
        write(sv[1], "w", 1);
        _exit(0);
    }
    struct pollfd p = {.fd = sv[0], .events = POLLIN};
    int n = poll(&p, 1, 5000);
    say("sleeping poll woke: %d %s\n", n, pollstr(p.revents));
    waitpid(pid, NULL, 0);
    close(sv[0]);
    close(sv[1]);
    close(c);
    close(u);
    unlink("srv");
}

static void options(void)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    say("SO_TYPE %d SO_DOMAIN %d SO_PROTOCOL %d SO_ACCEPTCONN %d SO_ERROR %d\n", getint(s, SO_TYPE),
        getint(s, SO_DOMAIN), getint(s, SO_PROTOCOL), getint(s, SO_ACCEPTCONN), getint(s, SO_ERROR));
    say("SO_PASSCRED %d SO_REUSEADDR %d SO_KEEPALIVE %d\n", getint(s, SO_PASSCRED), getint(s, SO_REUSEADDR),
        getint(s, SO_KEEPALIVE));
    say("default SO_SNDBUF %d SO_RCVBUF %d\n", getint(s, SO_SNDBUF), getint(s, SO_RCVBUF));
    int v = 65536;
    expect(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v) == 0, "set SO_SNDBUF 65536");
    say("SO_SNDBUF now %d\n", getint(s, SO_SNDBUF));
    v = 40000;
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
    say("SO_RCVBUF after 40000: %d\n", getint(s, SO_RCVBUF));
    v = 1;
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
    say("SO_SNDBUF after 1: %d\n", getint(s, SO_SNDBUF));
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
    say("SO_RCVBUF after 1: %d\n", getint(s, SO_RCVBUF));
    v = 1;
    expect(setsockopt(s, SOL_SOCKET, SO_PASSCRED, &v, sizeof v) == 0, "set SO_PASSCRED");
    v = 5;
    expect(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v) == 0, "set SO_REUSEADDR 5");
    setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v);
    say("SO_PASSCRED %d SO_REUSEADDR %d SO_KEEPALIVE %d\n", getint(s, SO_PASSCRED), getint(s, SO_REUSEADDR),
        getint(s, SO_KEEPALIVE));
    v = 1000000;
    expect(setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof v) == 0, "SO_SNDBUFFORCE as root");
    say("SO_SNDBUF after forcing 1000000: %d\n", getint(s, SO_SNDBUF));
    v = 3;
    setsockopt(s, SOL_SOCKET, SO_PRIORITY, &v, sizeof v);
    say("SO_PRIORITY %d, SO_RCVLOWAT %d, SO_SNDLOWAT %d\n", getint(s, SO_PRIORITY), getint(s, SO_RCVLOWAT),
        getint(s, SO_SNDLOWAT));
    v = -1;
    setsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof v);
    say("SO_RCVLOWAT after -1: %d\n", getint(s, SO_RCVLOWAT));
    v = 4;
    expect_err(setsockopt(s, SOL_SOCKET, SO_SNDLOWAT, &v, sizeof v), ENOPROTOOPT, "set SO_SNDLOWAT");
    expect_err(setsockopt(s, SOL_SOCKET, SO_TYPE, &v, sizeof v), ENOPROTOOPT, "set SO_TYPE");
    expect_err(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 2), EINVAL, "setsockopt short option");
    expect_err(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, BAD_PTR, sizeof v), EFAULT, "setsockopt bad pointer");
    expect_err(setsockopt(s, SOL_SOCKET, 9999, &v, sizeof v), ENOPROTOOPT, "setsockopt unknown option");
    expect_err(setsockopt(s, 6 /* SOL_TCP */, 1, &v, sizeof v), EOPNOTSUPP, "setsockopt level TCP");
    socklen_t len = sizeof v;
    expect_err(getsockopt(s, 6, 1, &v, &len), EOPNOTSUPP, "getsockopt level TCP");
    expect_err(getsockopt(s, SOL_SOCKET, 9999, &v, &len), ENOPROTOOPT, "getsockopt unknown option");
    len = 2;
    v = 0;
    expect(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == 0, "getsockopt SO_TYPE, 2-byte buffer");
    say("  returned length %u value %d\n", (unsigned)len, v);
    len = 100;
    expect(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == 0, "getsockopt SO_TYPE, large buffer");
    say("  returned length %u\n", (unsigned)len);
    len = -1;
    expect_err(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len), EINVAL, "getsockopt negative length");
    expect_err(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, BAD_PTR), EFAULT, "getsockopt bad length pointer");
    len = sizeof v;
    expect_err(getsockopt(s, SOL_SOCKET, SO_TYPE, BAD_PTR, &len), EFAULT, "getsockopt bad buffer");
    int p[2];
    pipe(p);
    expect_err(getsockopt(p[0], SOL_SOCKET, SO_TYPE, &v, &len), ENOTSOCK, "getsockopt on a pipe");
    expect_err(setsockopt(p[0], SOL_SOCKET, SO_TYPE, &v, len), ENOTSOCK, "setsockopt on a pipe");
    close(p[0]);
    close(p[1]);
    struct ucred cr;
    len = sizeof cr;
    expect(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0, "SO_PEERCRED unconnected");
    say("  pid %d uid %d gid %d len %u\n", cr.pid, (int)cr.uid, (int)cr.gid, (unsigned)len);
    len = 4;
    memset(&cr, 0, sizeof cr);
    expect(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0, "SO_PEERCRED 4-byte buffer");
    say("  len %u\n", (unsigned)len);

    /* receive timeout */
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct timeval tv = {0, 200000};
    expect(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0, "SO_RCVTIMEO 0.2 s");
    struct timeval got = {9, 9};
    len = sizeof got;
    getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &len);
    say("SO_RCVTIMEO reads back %ld.%06ld, length %u\n", (long)got.tv_sec, (long)got.tv_usec, (unsigned)len);
    long t0 = now_ms();
    char c;
    expect_err(recv(sv[0], &c, 1, 0), EAGAIN, "recv times out");
    long took = now_ms() - t0;
    expect(took >= 150 && took < 10000, "after about 0.2 s");
    tv.tv_usec = 1000000;
    expect_err(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), EDOM, "SO_RCVTIMEO usec out of range");
    expect_err(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, 8), EINVAL, "SO_RCVTIMEO short");
    tv.tv_sec = 0;
    tv.tv_usec = 100000;
    expect(setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0, "SO_SNDTIMEO 0.1 s");
    char blk[4096];
    memset(blk, 0, sizeof blk);
    int n;
    t0 = now_ms();
    while ((n = send(sv[0], blk, sizeof blk, 0)) > 0)
        ;
    took = now_ms() - t0;
    say("send into a full buffer with SO_SNDTIMEO: %s\n", errname(errno));
    expect(took >= 80, "after the timeout");
    close(sv[0]);
    close(sv[1]);

    /* SO_RCVLOWAT: a blocking stream read waits for that many bytes */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    v = 5;
    setsockopt(sv[1], SOL_SOCKET, SO_RCVLOWAT, &v, sizeof v);
    send(sv[0], "abc", 3, 0);
    char lb[16];
    n = recv(sv[1], lb, sizeof lb, MSG_DONTWAIT);
    say("SO_RCVLOWAT 5, 3 bytes there, non-blocking: %d\n", n);
    pid_t lp = fork();
    if (lp == 0) {
        send(sv[0], "de", 2, 0);
        usleep(100000);
        send(sv[0], "fgh", 3, 0);
        _exit(0);
    }
    n = recv(sv[1], lb, sizeof lb, 0);
    say("blocking: %d\n", n);
    waitpid(lp, NULL, 0);
    n = recv(sv[1], lb, sizeof lb, MSG_DONTWAIT);
    say("then: %d\n", n);
    struct ucred mine;
    len = sizeof mine;
    getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &mine, &len);
    expect(mine.pid == getpid() && mine.uid == getuid() && mine.gid == getgid(), "socketpair SO_PEERCRED is ourselves");
    close(sv[0]);
    close(sv[1]);

    int l = listener("srv", 1);
    say("listener SO_ACCEPTCONN %d\n", getint(l, SO_ACCEPTCONN));
    pid_t pid = fork();
    if (pid == 0) {
        int c = connect_path("srv", SOCK_STREAM);
        struct ucred pc;
        socklen_t pl = sizeof pc;
        getsockopt(c, SOL_SOCKET, SO_PEERCRED, &pc, &pl);
        _exit(pc.pid == getppid() ? 0 : 1);
    }
    int ac = accept(l, NULL, NULL);
    int st;
    waitpid(pid, &st, 0);
    say("client's SO_PEERCRED is the listener's process: %s\n", status_str(st));
    close(ac);
    close(l);
    unlink("srv");
    close(s);
}

static void on_usr1(int sig) { (void)sig; }

static void interrupted(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGUSR1, &sa, NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        wait_sleeping(parent);          /* in its recv */
        kill(parent, SIGUSR1);
        _exit(0);
    }
    char c;
    expect_err(recv(sv[0], &c, 1, 0), EINTR, "blocked recv interrupted by a signal");
    waitpid(pid, NULL, 0);
    close(sv[0]);
    close(sv[1]);
    signal(SIGUSR1, SIG_DFL);
}

static void passwd(void)
{
    errno = 0;
    struct passwd *pw = getpwnam("root");
    expect(pw && pw->pw_uid == 0, "getpwnam(root)");
    errno = 0;
    pw = getpwnam("gt-no-such-user");
    say("getpwnam(missing): %s, errno %s\n", pw ? "found" : "NULL", errname(errno));
    errno = 0;
    struct group *gr = getgrnam("gt-no-such-group");
    say("getgrnam(missing): %s, errno %s\n", gr ? "found" : "NULL", errname(errno));
    errno = 0;
    pw = getpwuid(54321);
    say("getpwuid(54321): %s, errno %s\n", pw ? "found" : "NULL", errname(errno));
}

int main(void)
{
    umask(022);
    creation();
    names();
    connect_errors();
    across_fork();
    data();
    bulk();
    shutdowns();
    closing();
    backlog();
    poll_states();
    options();
    interrupted();
    passwd();
    gt_exit();
}
