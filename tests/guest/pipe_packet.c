/* Packet-mode pipes (pipe2 with O_DIRECT), compared with Linux:
 *  - each write is a packet and a read returns at most one: three writes,
 *    three reads of their sizes;
 *  - a read shorter than the packet takes its start and drops the rest;
 *  - a write longer than PIPE_BUF becomes packets of 4096 bytes and the
 *    remainder;
 *  - a packet takes a whole page of the pipe: 16 one-byte packets fill a
 *    default pipe (the 17th is EAGAIN, POLLOUT is gone), FIONREAD counts
 *    their bytes; after F_SETPIPE_SZ 8192, two;
 *  - a zero-length write makes no packet;
 *  - the write end carries O_DIRECT, the read end does not;
 *  - O_DIRECT set and cleared with F_SETFL switches a pipe's writes between
 *    packets and the byte stream; a packet's bytes beyond its last whole
 *    page join stream data written before it when they fit in its page (as
 *    Linux merges them); a read takes the stream's bytes up to and
 *    including the next packet;
 *  - pipe2 with a flag it does not know is EINVAL. */
#include "gt.h"
#include <sys/ioctl.h>

static void rd(int fd, size_t len, const char *what)
{
    char buf[16384];
    ssize_t n = read(fd, buf, len);
    if (n < 0) {
        say("%s: -1 %s\n", what, errname(errno));
        return;
    }
    if (n <= 16)
        say("%s: %zd \"%.*s\"\n", what, n, (int)n, buf);
    else
        say("%s: %zd bytes\n", what, n);
}

static int nread(int fd)
{
    int n = -1;
    ioctl(fd, FIONREAD, &n);
    return n;
}

int main(void)
{
    int p[2];
    expect(pipe2(p, O_DIRECT) == 0, "pipe2(O_DIRECT)");
    say("O_DIRECT on the read end: %s, on the write end: %s\n", fcntl(p[0], F_GETFL) & O_DIRECT ? "yes" : "no",
        fcntl(p[1], F_GETFL) & O_DIRECT ? "yes" : "no");
    write(p[1], "one", 3);
    write(p[1], "two2", 4);
    write(p[1], "three", 5);
    say("FIONREAD: %d\n", nread(p[0]));
    rd(p[0], 100, "read 100");
    rd(p[0], 100, "read 100");
    rd(p[0], 2, "read 2 of a 5-byte packet");
    write(p[1], "after", 5);
    rd(p[0], 100, "the next read");

    static char big[5000];
    memset(big, 'b', sizeof big);
    say("write 5000: %zd\n", write(p[1], big, sizeof big));
    rd(p[0], 8192, "read 8192");
    rd(p[0], 8192, "read 8192");

    say("-- capacity\n");
    fcntl(p[1], F_SETFL, O_DIRECT | O_NONBLOCK);
    fcntl(p[0], F_SETFL, O_DIRECT | O_NONBLOCK);
    int count = 0;
    while (write(p[1], "x", 1) == 1)
        count++;
    say("one-byte packets until full: %d, then %s\n", count, errname(errno));
    say("FIONREAD: %d\n", nread(p[0]));
    say("poll of the write end: %s\n", pollstr(poll1(p[1]) & ~POLLIN));
    rd(p[0], 100, "read 100");
    say("a write fits again: %zd\n", write(p[1], "y", 1));
    while (read(p[0], big, sizeof big) > 0)
        ;
    say("F_SETPIPE_SZ 8192: %d\n", fcntl(p[1], F_SETPIPE_SZ, 8192));
    count = 0;
    while (write(p[1], "x", 1) == 1)
        count++;
    say("one-byte packets until full: %d\n", count);
    while (read(p[0], big, sizeof big) > 0)
        ;
    fcntl(p[1], F_SETPIPE_SZ, 65536);

    say("-- zero-length writes\n");
    say("write 0: %zd\n", write(p[1], "", 0));
    rd(p[0], 100, "read");

    say("-- switching with F_SETFL\n");
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    write(p[1], "ab", 2);
    write(p[1], "cd", 2);
    rd(p[0], 100, "two stream writes, read 100");
    write(p[1], "ab", 2);
    fcntl(p[1], F_SETFL, O_NONBLOCK | O_DIRECT);
    write(p[1], "PQ", 2);
    write(p[1], "RS", 2);
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    write(p[1], "ef", 2);
    rd(p[0], 100, "stream, two short packets (merged into the stream), stream: read 100");
    rd(p[0], 100, "read 100");
    write(p[1], "ab", 2);
    fcntl(p[1], F_SETFL, O_NONBLOCK | O_DIRECT);
    memset(big, 'P', 4096);
    write(p[1], big, 4096);
    write(p[1], "QR", 2);
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    write(p[1], "ef", 2);
    say("FIONREAD: %d\n", nread(p[0]));
    rd(p[0], 100, "stream, a 4096-byte packet, a packet, stream: read 100");
    rd(p[0], 100, "read 100");
    rd(p[0], 100, "read 100");
    rd(p[0], 100, "read 100");

    say("-- an ordinary pipe\n");
    int q[2];
    pipe2(q, O_NONBLOCK);
    write(q[1], "one", 3);
    write(q[1], "two", 3);
    rd(q[0], 100, "two writes, read 100");
    say("O_DIRECT on it: %s\n", fcntl(q[0], F_GETFL) & O_DIRECT ? "yes" : "no");

    expect_err(pipe2(q, O_APPEND), EINVAL, "pipe2(O_APPEND)");
    expect_err(pipe2(q, O_DIRECT | O_SYNC), EINVAL, "pipe2(O_DIRECT | O_SYNC)");
    expect_err(pipe2(BAD_PTR, O_DIRECT), EFAULT, "pipe2(O_DIRECT) into a bad pointer");
    gt_exit();
}
