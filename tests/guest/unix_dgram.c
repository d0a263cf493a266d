/* AF_UNIX datagram and seqpacket sockets as Linux has them: boundaries
 * kept, MSG_TRUNC both ways, zero-length messages, sendto a bound path or
 * abstract name and the sender's address recvfrom reports, connect setting
 * (and AF_UNSPEC clearing) the default peer, a socket connected elsewhere
 * refusing (EPERM), the errors of a missing, wrong-type or closed
 * destination, EMSGSIZE, a full receive queue (EAGAIN, or a blocking send
 * that waits), a closed peer (ECONNREFUSED then ENOTCONN; EOF and EPIPE for
 * seqpacket), poll, and blocking receives across fork. */
#include "gt_unix.h"
#include <sys/uio.h>

static int bound(const char *path, int type)
{
    struct sockaddr_un a;
    socklen_t len = path_addr(&a, path);
    int s = socket(AF_UNIX, type, 0);
    if (bind(s, (struct sockaddr *)&a, len) < 0)
        say("bind %s: %s\n", path, errname(errno));
    return s;
}

static void pairs(void)
{
    int sv[2];
    expect(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair datagram");
    say("pair names: %s / %s\n", sockname(sv[0]), peername(sv[0]));
    send(sv[0], "first", 5, 0);
    send(sv[0], "second", 6, 0);
    send(sv[0], "", 0, 0);
    send(sv[0], "third!", 6, 0);
    char buf[64];
    int n = recv(sv[1], buf, sizeof buf, 0);
    say("message 1: %d %.*s\n", n, n, buf);
    n = recv(sv[1], buf, 3, 0);
    say("message 2 into 3 bytes: %d %.*s\n", n, n, buf);
    n = recv(sv[1], buf, sizeof buf, 0);
    say("zero-length message: %d\n", n);
    n = recv(sv[1], buf, 2, MSG_PEEK | MSG_TRUNC);
    say("peek 2 with MSG_TRUNC: %d %.2s\n", n, buf);
    struct iovec iov = {buf, 4};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    n = recvmsg(sv[1], &m, 0);
    say("recvmsg 4 of 6: %d, MSG_TRUNC %s\n", n, (m.msg_flags & MSG_TRUNC) ? "set" : "clear");
    expect_err(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN, "empty");
    int avail = -1;
    send(sv[1], "back", 4, 0);
    send(sv[1], "more", 4, 0);
    struct pollfd p = {sv[0], POLLIN, 0};
    poll(&p, 1, 0);
    say("pair poll with data: %s\n", pollstr(poll1(sv[0])));
    n = recv(sv[0], buf, sizeof buf, 0);
    n = recv(sv[0], buf, sizeof buf, 0);
    say("other way: %d %.*s\n", n, n, buf);
    (void)avail;
    say("pair poll empty: %s\n", pollstr(poll1(sv[0])));
    struct sockaddr_un a;
    socklen_t len = sizeof a;
    memset(&a, 0x55, sizeof a);
    send(sv[1], "x", 1, 0);
    n = recvfrom(sv[0], buf, sizeof buf, 0, (struct sockaddr *)&a, &len);
    say("recvfrom an unbound pair peer: %d, address length %u\n", n, (unsigned)len);
    struct ucred cr;
    len = sizeof cr;
    getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len);
    expect(cr.pid == getpid(), "socketpair datagram SO_PEERCRED is ourselves");
    say("SO_TYPE %d SO_ACCEPTCONN %d\n", getint(sv[0], SO_TYPE), getint(sv[0], SO_ACCEPTCONN));
    expect_err(listen(sv[0], 1), EOPNOTSUPP, "listen on a datagram socket");
    expect_err(accept(sv[0], NULL, NULL), EOPNOTSUPP, "accept on a datagram socket");
    /* one side closes */
    close(sv[1]);
    say("peer closed poll: %s\n", pollstr(poll1(sv[0])));
    expect_err(recv(sv[0], buf, sizeof buf, MSG_DONTWAIT), EAGAIN, "recv after the peer closed: no EOF");
    expect_err(send(sv[0], "x", 1, 0), ECONNREFUSED, "send to the closed peer");
    expect_err(send(sv[0], "x", 1, 0), ENOTCONN, "then it is not connected");
    say("after that, peer: %s\n", peername(sv[0]));
    close(sv[0]);
}

static void addressed(void)
{
    int r = bound("rcv", SOCK_DGRAM);
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un a, from;
    socklen_t len = path_addr(&a, "rcv"), flen;
    expect(sendto(s, "anon", 4, 0, (struct sockaddr *)&a, len) == 4, "sendto a bound path");
    char buf[64];
    flen = sizeof from;
    memset(&from, 0x55, sizeof from);
    int n = recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
    say("from an unbound sender: %d, address length %u\n", n, (unsigned)flen);
    int s2 = bound("snd", SOCK_DGRAM);
    sendto(s2, "named", 5, 0, (struct sockaddr *)&a, len);
    flen = sizeof from;
    n = recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
    say("from a bound sender: %d, %s\n", n, addrstr(&from, flen));
    flen = 5;
    memset(&from, 0, sizeof from);
    sendto(s2, "named", 5, 0, (struct sockaddr *)&a, len);
    n = recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
    say("short address buffer: length %u, byte 2 '%c'\n", (unsigned)flen, from.sun_path[0]);
    sendto(s2, "named", 5, 0, (struct sockaddr *)&a, len);
    flen = sizeof from;
    expect_err(recvfrom(r, buf, sizeof buf, 0, BAD_PTR, &flen), EFAULT, "recvfrom bad address buffer");
    n = recv(r, buf, sizeof buf, MSG_DONTWAIT);
    say("after the fault the message is %s\n", n == 5 ? "still there" : n < 0 ? errname(errno) : "cut");
    /* an abstract receiver */
    int ab = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un aa;
    socklen_t alen = abstract_addr(&aa, "gt-unix-dgram");
    bind(ab, (struct sockaddr *)&aa, alen);
    expect(sendto(s2, "abs", 3, 0, (struct sockaddr *)&aa, alen) == 3, "sendto an abstract name");
    flen = sizeof from;
    n = recvfrom(ab, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
    say("abstract receiver got %d from %s\n", n, addrstr(&from, flen));
    close(ab);
    /* autobind: a sender with SO_PASSCRED gets a name */
    int s3 = socket(AF_UNIX, SOCK_DGRAM, 0);
    int one = 1;
    setsockopt(s3, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    sendto(s3, "auto", 4, 0, (struct sockaddr *)&a, len);
    flen = sizeof from;
    n = recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
    say("sender with SO_PASSCRED: %s\n", addrstr(&from, flen));
    say("its own name: %s\n", sockname(s3));
    close(s3);

    /* errors */
    struct sockaddr_un b;
    socklen_t blen = path_addr(&b, "missing");
    expect_err(sendto(s, "x", 1, 0, (struct sockaddr *)&b, blen), ENOENT, "sendto a missing path");
    int fd = open("plain", O_CREAT | O_WRONLY, 0644);
    close(fd);
    blen = path_addr(&b, "plain");
    expect_err(sendto(s, "x", 1, 0, (struct sockaddr *)&b, blen), ECONNREFUSED, "sendto a regular file");
    int st = bound("strm", SOCK_STREAM);
    blen = path_addr(&b, "strm");
    expect_err(sendto(s, "x", 1, 0, (struct sockaddr *)&b, blen), EPROTOTYPE, "sendto a stream socket");
    expect_err(connect(s, (struct sockaddr *)&b, blen), EPROTOTYPE, "connect to a stream socket");
    close(st);
    blen = abstract_addr(&b, "gt-unix-dgram-nobody");
    expect_err(sendto(s, "x", 1, 0, (struct sockaddr *)&b, blen), ECONNREFUSED, "sendto an absent abstract name");
    expect_err(sendto(s, "x", 1, 0, (struct sockaddr *)&b, 1), EINVAL, "sendto address length 1");
    expect_err(sendto(s, "x", 1, 0, (struct sockaddr *)&b, sizeof(sa_family_t)), EINVAL, "sendto empty address");
    expect_err(sendto(s, "x", 1, 0, (struct sockaddr *)&b, 200), EINVAL, "sendto address length 200");
    expect_err(sendto(s, "x", 1, 0, BAD_PTR, blen), EFAULT, "sendto bad address");
    expect_err(send(s, "x", 1, 0), ENOTCONN, "send unconnected, no address");
    expect_err(sendto(s, BAD_PTR, 10, 0, (struct sockaddr *)&a, len), EFAULT, "sendto bad buffer");
    static char huge[300000];
    expect_err(sendto(s, huge, sizeof huge, 0, (struct sockaddr *)&a, len), EMSGSIZE, "sendto 300000 bytes");
    expect(sendto(s, huge, 100000, 0, (struct sockaddr *)&a, len) == 100000, "sendto 100000 bytes");
    n = recv(r, huge, sizeof huge, 0);
    say("received %d\n", n);
    n = recv(r, buf, 0, MSG_DONTWAIT);
    say("zero-length recv, empty: %s\n", n < 0 ? errname(errno) : "0");

    /* connect sets the default destination */
    expect(connect(s, (struct sockaddr *)&a, len) == 0, "connect to a bound datagram socket");
    say("peer: %s\n", peername(s));
    expect(send(s, "conn", 4, 0) == 4, "send without an address");
    expect(write(s, "wr", 2) == 2, "write");
    n = recv(r, buf, sizeof buf, 0);
    say("got %d %.*s\n", n, n, buf);
    n = read(r, buf, sizeof buf);
    say("got %d %.*s\n", n, n, buf);
    /* a socket connected elsewhere takes nothing from others */
    int t = bound("third", SOCK_DGRAM);
    socklen_t slen = path_addr(&b, "snd");
    connect(t, (struct sockaddr *)&b, slen);
    blen = path_addr(&b, "third");
    expect_err(sendto(s, "x", 1, 0, (struct sockaddr *)&b, blen), EPERM, "sendto a socket connected elsewhere");
    expect_err(connect(s, (struct sockaddr *)&b, blen), EPERM, "connect to a socket connected elsewhere");
    say("failed connect kept the old peer: %s\n", peername(s));
    expect(sendto(s2, "ok", 2, 0, (struct sockaddr *)&b, blen) == 2, "its own peer may send");
    /* sendto with an address on a connected datagram socket */
    expect(sendto(s, "elsewhere", 9, 0, (struct sockaddr *)&a, len) == 9, "sendto on a connected socket");
    recv(r, buf, sizeof buf, 0);
    /* AF_UNSPEC disconnects */
    struct sockaddr un = {.sa_family = AF_UNSPEC};
    expect(connect(s, &un, sizeof un) == 0, "connect AF_UNSPEC");
    say("peer after AF_UNSPEC: %s\n", peername(s));
    expect_err(send(s, "x", 1, 0), ENOTCONN, "send after the disconnect");
    expect(connect(s, &un, sizeof un) == 0, "AF_UNSPEC again");
    close(t);
    close(s2);
    close(s);
    /* the receiver closes: the sender's next send finds nobody */
    s = socket(AF_UNIX, SOCK_DGRAM, 0);
    connect(s, (struct sockaddr *)&a, len);
    close(r);
    expect_err(send(s, "x", 1, 0), ECONNREFUSED, "send to a closed receiver");
    expect_err(sendto(s, "x", 1, 0, (struct sockaddr *)&a, len), ECONNREFUSED, "sendto its file");
    close(s);
    unlink("rcv");
    unlink("snd");
    unlink("strm");
    unlink("third");
    unlink("plain");
}

static void full_queue(void)
{
    int r = bound("rcv", SOCK_DGRAM);
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_un a;
    socklen_t len = path_addr(&a, "rcv");
    int sent = 0;
    while (sendto(s, "m", 1, 0, (struct sockaddr *)&a, len) == 1 && sent < 100000)
        sent++;
    int e = errno;
    expect(sent > 0 && sent < 100000, "an unconnected receiver's queue fills");
    say("then: %s\n", errname(e));
    say("sender poll (full receiver, not connected): %s\n", pollstr(poll1(s)));
    connect(s, (struct sockaddr *)&a, len);
    say("sender poll (full receiver, connected): %s\n", pollstr(poll1(s)));
    /* a blocking sender waits until the receiver reads */
    pid_t pid = fork();
    if (pid == 0) {
        int b = socket(AF_UNIX, SOCK_DGRAM, 0);
        _exit(sendto(b, "late", 4, 0, (struct sockaddr *)&a, len) == 4 ? 0 : 1);
    }
    expect(wait_sleeping(pid), "a blocking sender waits");
    char buf[16];
    int got = 0;
    while (recv(r, buf, sizeof buf, MSG_DONTWAIT) > 0)
        got++;
    int st;
    waitpid(pid, &st, 0);
    say("blocked sender: %s\n", status_str(st));
    while (recv(r, buf, sizeof buf, MSG_DONTWAIT) > 0)
        got++;
    expect(got == sent + 1, "every message arrived");
    close(s);
    close(r);
    unlink("rcv");

    /* a pair is limited by the sender's buffer, not the queue length */
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv);
    sent = 0;
    while (send(sv[0], "m", 1, 0) == 1 && sent < 100000)
        sent++;
    expect(sent > 100 && sent < 100000, "a pair holds more than a hundred small messages");
    say("then: %s\n", errname(errno));
    say("full pair sender poll: %s\n", pollstr(poll1(sv[0])));
    close(sv[0]);
    close(sv[1]);
}

static void shut(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    expect(shutdown(sv[0], SHUT_RD) == 0, "datagram SHUT_RD");
    char buf[8];
    int n = recv(sv[0], buf, sizeof buf, MSG_DONTWAIT);
    say("recv after SHUT_RD, non-blocking: %s\n", n < 0 ? errname(errno) : n == 0 ? "0" : "data");
    n = recv(sv[0], buf, sizeof buf, 0);
    say("recv after SHUT_RD, blocking: %s\n", n < 0 ? errname(errno) : n == 0 ? "0" : "data");
    say("SHUT_RD poll: %s\n", pollstr(poll1(sv[0])));
    say("its peer's poll: %s\n", pollstr(poll1(sv[1])));
    n = send(sv[1], "x", 1, MSG_NOSIGNAL);
    say("peer sends anyway: %s\n", n < 0 ? errname(errno) : "sent");
    expect(shutdown(sv[0], SHUT_WR) == 0, "datagram SHUT_WR");
    expect_err(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE, "send after SHUT_WR");
    say("both shut poll: %s\n", pollstr(poll1(sv[0])));
    close(sv[0]);
    close(sv[1]);
}

static int seq_child(void)
{
    struct sockaddr_un a;
    socklen_t len = path_addr(&a, "seq");
    int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (connect(s, (struct sockaddr *)&a, len) < 0)
        return 1;
    send(s, "one", 3, 0);
    send(s, "two-two", 7, 0);
    send(s, "", 0, 0);
    char buf[16];
    if (recv(s, buf, sizeof buf, 0) != 5)
        return 2;
    close(s);
    return 0;
}

static void seqpacket(void)
{
    int l = bound("seq", SOCK_SEQPACKET);
    expect(listen(l, 4) == 0, "seqpacket listen");
    say("seqpacket listener poll: %s\n", pollstr(poll1(l)));
    pid_t pid = fork();
    if (pid == 0)
        _exit(seq_child());
    int c = accept(l, NULL, NULL);
    expect(c >= 0, "seqpacket accept");
    say("accepted: name %s, SO_TYPE %d\n", sockname(c), getint(c, SO_TYPE));
    char buf[16];
    int n = recv(c, buf, sizeof buf, 0);
    say("message: %d %.*s\n", n, n, buf);
    struct iovec iov = {buf, 3};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    n = recvmsg(c, &m, 0);
    say("message into 3: %d, MSG_TRUNC %s\n", n, (m.msg_flags & MSG_TRUNC) ? "set" : "clear");
    n = recv(c, buf, sizeof buf, 0);
    say("empty message: %d\n", n);
    send(c, "reply", 5, 0);
    int st;
    waitpid(pid, &st, 0);
    say("seqpacket client: %s\n", status_str(st));
    say("peer gone poll: %s\n", pollstr(poll1(c)));
    n = recv(c, buf, sizeof buf, 0);
    say("recv after the peer closed: %d\n", n);
    n = recv(c, buf, sizeof buf, MSG_DONTWAIT);
    say("non-blocking: %s\n", n < 0 ? errname(errno) : n == 0 ? "0" : "data");
    expect_err(send(c, "x", 1, MSG_NOSIGNAL), EPIPE, "send after the peer closed");
    close(c);

    int u = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    say("new seqpacket poll: %s\n", pollstr(poll1(u)));
    expect_err(send(u, "x", 1, 0), ENOTCONN, "seqpacket send unconnected");
    n = recv(u, buf, 1, MSG_DONTWAIT);
    say("seqpacket recv unconnected: %s\n", n < 0 ? errname(errno) : "ok");
    struct sockaddr_un a;
    socklen_t len = path_addr(&a, "seq");
    expect_err(sendto(u, "x", 1, 0, (struct sockaddr *)&a, len), ENOTCONN, "seqpacket sendto unconnected");
    close(u);
    int sv[2];
    expect(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "seqpacket socketpair");
    send(sv[0], "abc", 3, 0);
    send(sv[0], "defg", 4, 0);
    n = recv(sv[1], buf, 2, 0);
    say("pair: first into 2: %d\n", n);
    n = recv(sv[1], buf, sizeof buf, 0);
    say("pair: second %d %.*s\n", n, n, buf);
    say("pair poll: %s\n", pollstr(poll1(sv[0])));
    close(sv[1]);
    say("pair, peer closed, poll: %s\n", pollstr(poll1(sv[0])));
    close(sv[0]);
    close(l);
    unlink("seq");
}

static void across_fork(void)
{
    int r = bound("rcv", SOCK_DGRAM);
    pid_t pid = fork();
    if (pid == 0) {
        struct sockaddr_un a;
        socklen_t len = path_addr(&a, "rcv");
        int s = socket(AF_UNIX, SOCK_DGRAM, 0);
        usleep(100000);
        for (int i = 0; i < 5; i++) {
            char msg[32];
            int n = snprintf(msg, sizeof msg, "message %d", i);
            sendto(s, msg, n, 0, (struct sockaddr *)&a, len);
        }
        _exit(0);
    }
    char buf[32];
    for (int i = 0; i < 5; i++) {
        int n = recv(r, buf, sizeof buf, 0);
        say("blocking recv: %.*s\n", n, buf);
    }
    waitpid(pid, NULL, 0);
    close(r);
    unlink("rcv");
}

/* Four processes send 300 numbered datagrams each to one receiver that
 * is slower than they are: every one arrives, each sender's in order. */
static void contention(void)
{
    int r = bound("rcv", SOCK_DGRAM);
    struct sockaddr_un a;
    socklen_t len = path_addr(&a, "rcv");
    pid_t pids[4];
    for (int k = 0; k < 4; k++) {
        if ((pids[k] = fork()) == 0) {
            int s = socket(AF_UNIX, SOCK_DGRAM, 0);
            for (int i = 0; i < 300; i++) {
                int msg[2] = {k, i};
                if (sendto(s, msg, sizeof msg, 0, (struct sockaddr *)&a, len) != sizeof msg)
                    _exit(1);
            }
            _exit(0);
        }
    }
    int next[4] = {0, 0, 0, 0}, bad = 0;
    for (int got = 0; got < 1200; got++) {
        int msg[2];
        if (recv(r, msg, sizeof msg, 0) != sizeof msg || msg[0] < 0 || msg[0] > 3 || msg[1] != next[msg[0]]++)
            bad++;
        if (got % 100 == 0)
            usleep(1000);
    }
    int ok = 0;
    for (int k = 0; k < 4; k++) {
        int st;
        waitpid(pids[k], &st, 0);
        ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    say("4 senders x 300: %d senders ok, %d out of order, queue then %s\n", ok, bad,
        recv(r, next, sizeof next, MSG_DONTWAIT) < 0 ? "empty" : "not empty");
    close(r);
    unlink("rcv");
}

int main(void)
{
    umask(022);
    pairs();
    addressed();
    full_queue();
    shut();
    seqpacket();
    across_fork();
    contention();
    gt_exit();
}
