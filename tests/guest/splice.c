/* splice(2), tee(2) and copy_file_range(2), compared with Linux:
 *  - splice from a file into a pipe (at the file's offset, which moves, or
 *    at *off_in, which moves instead), from a pipe into a file, and from
 *    pipe to pipe; at the end of the file 0; from an empty pipe whose
 *    writers are gone 0, with writers and SPLICE_F_NONBLOCK (or an
 *    O_NONBLOCK end) EAGAIN; into a pipe without readers EPIPE and SIGPIPE;
 *    a file-to-pipe splice moves at most what the pipe has room for;
 *  - tee copies between two pipes and leaves the source as it was;
 *  - copy_file_range copies between files at their offsets or at given
 *    ones, stops at the end of the input, refuses an overlapping range of
 *    one file;
 *  - errors, in Linux's order: length 0 is 0 before anything is checked
 *    (splice, not tee); unknown flags EINVAL; closed descriptors EBADF; an
 *    offset for a pipe ESPIPE; bad offset pointers EFAULT; the wrong access
 *    modes EBADF; no pipe at all, the same pipe twice, an O_APPEND output
 *    EINVAL; copy_file_range on a pipe EINVAL, on a directory EISDIR, to
 *    an O_APPEND file EBADF, with flags EINVAL. */
#include "gt.h"
#include <sys/ioctl.h>
#include <sys/syscall.h>

static long cfr(int in, loff_t *oi, int out, loff_t *oo, size_t len, unsigned flags)
{
    return syscall(SYS_copy_file_range, in, oi, out, oo, len, flags);
}

static void show(long r, const char *what)
{
    if (r < 0)
        say("%s: -1 %s\n", what, errname(errno));
    else
        say("%s: %ld\n", what, r);
}

static void drain(int fd, const char *what)
{
    char buf[256] = "";
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    fcntl(fd, F_SETFL, fl);
    say("%s: \"%s\"\n", what, n > 0 ? buf : "");
}

static int file_with(const char *name, const char *text)
{
    int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, text, strlen(text));
    lseek(fd, 0, SEEK_SET);
    return fd;
}

static void contents(const char *name)
{
    char buf[256] = "";
    int fd = open(name, O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    say("%s holds \"%.*s\"\n", name, n > 0 ? (int)n : 0, buf);
}

static volatile sig_atomic_t got_pipe;
static void on_pipe(int sig) { got_pipe++; }

int main(void)
{
    signal(SIGPIPE, on_pipe);
    int p[2], q[2];
    pipe(p);
    pipe(q);
    int f = file_with("in", "0123456789abcdef");

    say("-- file to pipe\n");
    show(splice(f, NULL, p[1], NULL, 4, 0), "splice 4 at the file offset");
    say("file offset now %ld\n", (long)lseek(f, 0, SEEK_CUR));
    loff_t off = 10;
    show(splice(f, &off, p[1], NULL, 3, 0), "splice 3 at offset 10");
    say("off now %ld, file offset still %ld\n", (long)off, (long)lseek(f, 0, SEEK_CUR));
    drain(p[0], "the pipe");
    off = 14;
    show(splice(f, &off, p[1], NULL, 100, 0), "splice 100 from offset 14 (2 left)");
    off = 16;
    show(splice(f, &off, p[1], NULL, 100, 0), "splice at the end of the file");
    drain(p[0], "the pipe");

    say("-- pipe to file\n");
    int g = file_with("out", "");
    write(p[1], "hello world", 11);
    show(splice(p[0], NULL, g, NULL, 5, SPLICE_F_MOVE), "splice 5 into the file");
    off = 20;
    show(splice(p[0], NULL, g, &off, 100, 0), "splice the rest at offset 20");
    say("off now %ld, file offset %ld\n", (long)off, (long)lseek(g, 0, SEEK_CUR));
    struct stat st;
    fstat(g, &st);
    say("file size %ld\n", (long)st.st_size);
    show(splice(p[0], NULL, g, NULL, 100, SPLICE_F_NONBLOCK), "an empty pipe, SPLICE_F_NONBLOCK");
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    show(splice(p[0], NULL, g, NULL, 100, 0), "an empty pipe, O_NONBLOCK read end");
    fcntl(p[0], F_SETFL, 0);

    say("-- pipe to pipe and tee\n");
    write(p[1], "abcdef", 6);
    show(tee(p[0], q[1], 4, 0), "tee 4");
    say("FIONREAD of the source after it: %d\n", ({ int n = 0; ioctl(p[0], FIONREAD, &n); n; }));
    drain(q[0], "the copy");
    show(splice(p[0], NULL, q[1], NULL, 100, 0), "splice pipe to pipe");
    drain(q[0], "the other pipe");
    drain(p[0], "the source");
    show(tee(p[0], q[1], 10, SPLICE_F_NONBLOCK), "tee of an empty pipe, SPLICE_F_NONBLOCK");
    show(splice(p[0], NULL, q[1], NULL, 10, SPLICE_F_NONBLOCK), "splice of an empty pipe, SPLICE_F_NONBLOCK");

    say("-- ends that are gone\n");
    int r[2];
    pipe(r);
    close(r[1]);
    show(splice(r[0], NULL, g, NULL, 10, 0), "splice from a pipe without writers");
    show(tee(r[0], q[1], 10, 0), "tee from a pipe without writers");
    int w[2];
    pipe(w);
    close(w[0]);
    got_pipe = 0;
    lseek(f, 0, SEEK_SET);
    show(splice(f, NULL, w[1], NULL, 10, 0), "splice into a pipe without readers");
    say("SIGPIPE: %d\n", got_pipe);
    write(p[1], "x", 1);
    show(splice(p[0], NULL, w[1], NULL, 10, 0), "pipe to a pipe without readers");
    drain(p[0], "the source kept");

    say("-- how much a file-to-pipe splice moves\n");
    int big = open("big", O_CREAT | O_RDWR | O_TRUNC, 0644);
    static char data[100000];
    memset(data, 'd', sizeof data);
    write(big, data, sizeof data);
    lseek(big, 0, SEEK_SET);
    int z[2];
    pipe(z);
    show(splice(big, NULL, z[1], NULL, sizeof data, 0), "splice 100000 into an empty pipe");
    show(splice(big, NULL, z[1], NULL, sizeof data, SPLICE_F_NONBLOCK), "then into the full pipe");

    say("-- splice errors\n");
    show(splice(99, NULL, 98, NULL, 0, 0), "length 0 with closed descriptors");
    show(splice(p[0], NULL, g, NULL, 10, 16), "flag 16");
    show(splice(99, NULL, g, NULL, 10, 0), "a closed input");
    show(splice(p[0], NULL, 99, NULL, 10, 0), "a closed output");
    off = 0;
    show(splice(p[0], &off, g, NULL, 10, 0), "an offset for the input pipe");
    show(splice(f, NULL, p[1], &off, 10, 0), "an offset for the output pipe");
    show(splice(f, BAD_PTR, p[1], NULL, 10, 0), "a bad input offset pointer");
    show(splice(p[0], NULL, g, BAD_PTR, 10, 0), "a bad output offset pointer");
    show(splice(p[1], NULL, g, NULL, 10, 0), "from a pipe's write end");
    show(splice(f, NULL, p[0], NULL, 10, 0), "into a pipe's read end");
    show(splice(f, NULL, g, NULL, 10, 0), "file to file");
    show(splice(p[0], NULL, p[1], NULL, 10, 0), "a pipe into itself");
    int app = open("out", O_WRONLY | O_APPEND);
    write(p[1], "y", 1);
    show(splice(p[0], NULL, app, NULL, 10, 0), "into an O_APPEND file");
    drain(p[0], "the pipe");

    say("-- tee errors\n");
    show(tee(p[0], q[1], 0, 16), "flag 16 with length 0");
    show(tee(99, 98, 0, 0), "length 0 with closed descriptors");
    show(tee(99, q[1], 10, 0), "a closed input");
    show(tee(p[0], f, 10, 0), "into a file");
    show(tee(f, q[1], 10, 0), "from a file");
    show(tee(p[0], p[1], 10, 0), "a pipe into itself");
    show(tee(p[1], q[1], 10, 0), "from a pipe's write end");

    say("-- copy_file_range\n");
    int a = file_with("a", "ABCDEFGHIJ"), b = file_with("b", "");
    show(cfr(a, NULL, b, NULL, 4, 0), "copy 4 at the offsets");
    say("offsets now %ld and %ld\n", (long)lseek(a, 0, SEEK_CUR), (long)lseek(b, 0, SEEK_CUR));
    loff_t oi = 8, oo = 10;
    show(cfr(a, &oi, b, &oo, 100, 0), "copy 100 from 8 to 10 (2 left)");
    say("offsets now %ld and %ld, *off %ld and %ld\n", (long)lseek(a, 0, SEEK_CUR), (long)lseek(b, 0, SEEK_CUR),
        (long)oi, (long)oo);
    show(cfr(a, &oi, b, &oo, 100, 0), "at the end of the input");
    contents("b");
    oi = 0;
    oo = 2;
    show(cfr(a, &oi, a, &oo, 4, 0), "overlapping ranges of one file");
    oo = 6;
    show(cfr(a, &oi, a, &oo, 4, 0), "apart in one file");
    contents("a");
    show(cfr(a, NULL, b, NULL, 4, 1), "flags 1");
    show(cfr(99, NULL, b, NULL, 4, 0), "a closed input");
    show(cfr(a, NULL, 99, NULL, 4, 0), "a closed output");
    show(cfr(a, BAD_PTR, b, NULL, 4, 0), "a bad input offset pointer");
    oi = -1;
    show(cfr(a, &oi, b, NULL, 4, 0), "offset -1");
    show(cfr(p[0], NULL, b, NULL, 4, 0), "from a pipe");
    int dir = open(".", O_RDONLY | O_DIRECTORY);
    show(cfr(dir, NULL, b, NULL, 4, 0), "from a directory");
    show(cfr(a, NULL, app, NULL, 4, 0), "to an O_APPEND file");
    int wo = open("a", O_WRONLY);
    show(cfr(wo, NULL, b, NULL, 4, 0), "from a write-only descriptor");
    show(cfr(a, NULL, f, NULL, 0, 0), "length 0");
    gt_exit();
}
