/* sendfile(2), compared with Linux: the kernel copies between two
 * descriptors through a buffer of its own, never through the caller's
 * memory.
 *  - a file into a file, a pipe, a socket and /dev/null: the bytes arrive
 *    whole, in order; without an offset pointer the input's offset moves,
 *    with one *offset moves instead and the input's offset stays;
 *  - more than the kernel copies in one step (16 KiB) arrives whole;
 *  - at or past the end of the input 0; a count of 0 is 0;
 *  - errors: closed descriptors EBADF, a write-only input or a read-only
 *    output EBADF, a bad offset pointer EFAULT, a negative offset EINVAL,
 *    and a bad pointer handed to read(2) or write(2) on the same files is
 *    still EFAULT afterwards (no kernel-buffer permission lingers). */
#include "gt.h"
#include <sys/sendfile.h>
#include <sys/socket.h>

#define BIG 100000

static char data[BIG], back[BIG];

static void show(long r, const char *what)
{
    if (r < 0)
        say("%s: -1 %s\n", what, errname(errno));
    else
        say("%s: %ld\n", what, r);
}

/* Reads exactly n bytes from fd into back (a pipe or socket may return them
 * in pieces); the count read. */
static long read_all(int fd, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, back + got, n - got);
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    return (long)got;
}

int main(void)
{
    for (size_t i = 0; i < BIG; i++)
        data[i] = (char)('a' + (i * 7 + i / 91) % 26);
    int in = open("in", O_CREAT | O_RDWR | O_TRUNC, 0644);
    expect(write(in, data, BIG) == BIG, "wrote the input file");
    lseek(in, 0, SEEK_SET);

    say("-- into a file\n");
    int out = open("out", O_CREAT | O_RDWR | O_TRUNC, 0644);
    show(sendfile(out, in, NULL, BIG), "sendfile all of it");
    say("input offset %ld, output offset %ld\n", (long)lseek(in, 0, SEEK_CUR), (long)lseek(out, 0, SEEK_CUR));
    lseek(out, 0, SEEK_SET);
    expect(read_all(out, BIG) == BIG && memcmp(back, data, BIG) == 0, "the output holds the input, in order");
    show(sendfile(out, in, NULL, 10), "at the end of the input");
    off_t off = 1000;
    lseek(in, 5, SEEK_SET);
    show(sendfile(out, in, &off, 300), "300 at offset 1000");
    say("*offset %ld, input offset %ld\n", (long)off, (long)lseek(in, 0, SEEK_CUR));
    lseek(out, BIG, SEEK_SET);
    expect(read_all(out, 300) == 300 && memcmp(back, data + 1000, 300) == 0, "those 300 bytes are the input's");
    off = BIG + 5;
    show(sendfile(out, in, &off, 10), "an offset past the end");
    show(sendfile(out, in, NULL, 0), "count 0");

    say("-- into a pipe\n");
    int p[2];
    pipe(p);
    off = 0;
    show(sendfile(p[1], in, &off, 4000), "4000 into a pipe");
    expect(read_all(p[0], 4000) == 4000 && memcmp(back, data, 4000) == 0, "the pipe gives them back");

    say("-- into a socket\n");
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    off = 20000;
    show(sendfile(sv[0], in, &off, 3000), "3000 into a stream socket");
    expect(read_all(sv[1], 3000) == 3000 && memcmp(back, data + 20000, 3000) == 0, "the peer reads them");

    say("-- into /dev/null\n");
    int null = open("/dev/null", O_WRONLY);
    off = 0;
    show(sendfile(null, in, &off, BIG), "all of it into /dev/null");
    say("*offset %ld\n", (long)off);

    say("-- errors\n");
    show(sendfile(99, in, NULL, 10), "a closed output");
    show(sendfile(out, 99, NULL, 10), "a closed input");
    int wo = open("in", O_WRONLY);
    show(sendfile(out, wo, NULL, 10), "a write-only input");
    int ro = open("out", O_RDONLY);
    show(sendfile(ro, in, NULL, 10), "a read-only output");
    show(sendfile(out, in, BAD_PTR, 10), "a bad offset pointer");
    off = -1;
    show(sendfile(out, in, &off, 10), "offset -1");

    say("-- user memory is still checked afterwards\n");
    lseek(in, 0, SEEK_SET);
    show(read(in, BAD_PTR, 10), "read into a bad pointer");
    show(write(out, BAD_PTR, 10), "write from a bad pointer");
    show(read(in, (void *)-4096L, 10), "read into a kernel address");
    show(write(p[1], (void *)-4096L, 10), "write to a pipe from a kernel address");
    gt_exit();
}
