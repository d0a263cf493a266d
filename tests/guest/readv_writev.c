/* Scatter/gather I/O: writev writes its buffers in order as one stream
 * (zero-length entries included, as musl's stdio produces them), readv
 * fills buffers in order and stops short at end of file; both work on
 * pipes; an iovec count of 0 transfers nothing; a negative count is
 * EINVAL and a bad iov_base is EFAULT. */
#include "gt.h"
#include <sys/uio.h>

int main(void)
{
    int fd = open("v.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    struct iovec w[4] = {
        { "", 0 }, { "alpha-", 6 }, { "beta-", 5 }, { "gamma", 5 },
    };
    say("writev: %zd\n", writev(fd, w, 4));
    lseek(fd, 0, SEEK_SET);
    char a[3], b[7], c[20];
    memset(c, 0, sizeof c);
    struct iovec r[3] = { { a, sizeof a }, { b, sizeof b }, { c, sizeof c } };
    ssize_t n = readv(fd, r, 3);
    say("readv: %zd -> \"%.3s\" \"%.7s\" \"%s\"\n", n, a, b, c);
    say("readv at EOF: %zd\n", readv(fd, r, 3));
    say("writev with 0 entries: %zd\n", writev(fd, w, 0));
    expect_err(writev(fd, w, -1), EINVAL, "writev with a negative count");
    struct iovec bad[2] = { { "ok", 2 }, { BAD_PTR, 4 } };
    lseek(fd, 0, SEEK_END);
    ssize_t bn = writev(fd, bad, 2);
    say("writev with a bad second buffer: %s\n", bn == 2 ? "short write 2" : bn < 0 ? errname(errno) : "other");
    close(fd);

    int p[2];
    pipe(p);
    struct iovec pw[3] = { { "one ", 4 }, { "two ", 4 }, { "three", 5 } };
    writev(p[1], pw, 3);
    close(p[1]);
    char x[5] = { 0 }, y[20] = { 0 };
    struct iovec pr[2] = { { x, 4 }, { y, sizeof y - 1 } };
    say("pipe readv: %zd \"%s\" \"%s\"\n", readv(p[0], pr, 2), x, y);
    gt_exit();
}
