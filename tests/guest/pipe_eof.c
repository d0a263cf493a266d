/* A pipe reader sees end-of-file only when every write end is closed:
 * data written before the close is still read, then read returns 0.  A
 * forked child holding a copy of the write end keeps the pipe open until it
 * exits.  Reads return what is available (a short read), not the full
 * request. */
#include "gt.h"

int main(void)
{
    int p[2];
    expect(pipe(p) == 0, "pipe");
    expect(p[0] < p[1], "read end has the lower fd");
    write(p[1], "abc", 3);
    close(p[1]);
    char buf[16];
    ssize_t n = read(p[0], buf, sizeof buf);
    say("first read: %zd \"%.*s\"\n", n, (int)(n > 0 ? n : 0), buf);
    say("second read: %zd\n", read(p[0], buf, sizeof buf));
    say("third read: %zd\n", read(p[0], buf, sizeof buf));
    close(p[0]);

    /* The child holds the write end; EOF comes when it exits. */
    pipe(p);
    int go[2];
    pipe(go);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        close(go[1]);
        char b;
        read(go[0], &b, 1);        /* wait until the parent says go */
        write(p[1], "late", 4);
        _exit(0);                  /* closes the last write end */
    }
    close(p[1]);
    close(go[0]);
    write(go[1], "g", 1);
    size_t total = 0;
    while ((n = read(p[0], buf + total, sizeof buf - total)) > 0)
        total += n;
    say("read until EOF: %zu bytes \"%.*s\", last read %zd\n", total, (int)total, buf, n);
    waitpid(c, NULL, 0);
    expect(total == 4 && n == 0, "EOF after the child's data");
    gt_exit();
}
