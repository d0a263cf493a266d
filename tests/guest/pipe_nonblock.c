/* Pipe capacity and O_NONBLOCK: a non-blocking write end fills up and
 * then fails with EAGAIN (the capacity is printed only as a relation, at
 * least 4 KiB); a non-blocking read of an empty pipe is EAGAIN, not EOF,
 * while a writer exists; writes of at most PIPE_BUF bytes are atomic
 * (the fill stops at a multiple of the write size, never with a partial
 * write); draining makes room again; a blocked writer resumes when a
 * reader drains. */
#include "gt.h"
#include <limits.h>

int main(void)
{
    int p[2];
    expect(pipe2(p, O_NONBLOCK) == 0, "pipe2 O_NONBLOCK");
    char buf[4096];
    memset(buf, 'x', sizeof buf);
    expect_err(read(p[0], buf, 1), EAGAIN, "read of an empty non-blocking pipe");
    long total = 0;
    ssize_t n;
    while ((n = write(p[1], buf, 100)) > 0)
        total += n;
    say("filled: at least 4096: %s, multiple of 100: %s, then %s\n", total >= 4096 ? "yes" : "no",
        total % 100 == 0 ? "yes" : "no", errname(errno));
    expect(read(p[0], buf, sizeof buf) == sizeof buf, "drain 4096");
    expect(read(p[0], buf, sizeof buf) == sizeof buf, "drain 4096 more");
    expect(write(p[1], buf, 100) == 100, "room for 100 again");
    close(p[0]);
    close(p[1]);

    /* Blocking writer: a child writes 200 KiB while the parent reads. */
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        long sent = 0;
        while (sent < 200 * 1024) {
            ssize_t w = write(p[1], buf, sizeof buf);
            if (w <= 0)
                _exit(1);
            sent += w;
        }
        _exit(0);
    }
    close(p[1]);
    long got = 0;
    while ((n = read(p[0], buf, sizeof buf)) > 0)
        got += n;
    int st;
    waitpid(c, &st, 0);
    say("blocking transfer: %ld bytes, writer %s\n", got, status_str(st));
    gt_exit();
}
