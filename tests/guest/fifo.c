/* Named pipes and mknod: mkfifo/mknod/mknodat create the node kinds Linux
 * allows (and refuse the rest with Linux's errno), a FIFO opened by path
 * blocks a reader until a writer comes (and the other way round), the
 * O_NONBLOCK rules (a reader opens at once, a writer with no reader gets
 * ENXIO), O_RDWR never blocks, data flows as through a pipe, EOF when the
 * last writer leaves, EPIPE/SIGPIPE with no reader, the data goes away with
 * the last close, poll's answers (no POLLHUP for a reader no writer ever
 * joined), F_GETPIPE_SZ/F_SETPIPE_SZ, and a signal ending a blocked open. */
#include "gt.h"
#include <sys/ioctl.h>
#include <sys/sysmacros.h>

static void nodes(void)
{
    struct stat st;
    expect(mkfifo("f", 0666) == 0, "mkfifo");
    expect(stat("f", &st) == 0 && S_ISFIFO(st.st_mode), "stat shows S_IFIFO");
    say("fifo mode %o size %ld nlink %ld\n", st.st_mode & 07777, (long)st.st_size, (long)st.st_nlink);
    expect_err(mkfifo("f", 0600), EEXIST, "mkfifo over an existing name");
    expect(mknod("r", S_IFREG | 0640, 0) == 0, "mknod S_IFREG");
    expect(stat("r", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0, "regular file made");
    say("regular mode %o\n", st.st_mode & 07777);
    expect(mknod("z", 0600, 0) == 0, "mknod with no type");
    expect(stat("z", &st) == 0 && S_ISREG(st.st_mode), "no type makes a regular file");
    expect(mknod("c", S_IFCHR | 0600, makedev(240, 123)) == 0, "mknod S_IFCHR as root");
    expect(stat("c", &st) == 0 && S_ISCHR(st.st_mode), "character device made");
    say("chr rdev %u:%u\n", major(st.st_rdev), minor(st.st_rdev));
    expect(mknod("b", S_IFBLK | 0600, makedev(259, 70000)) == 0, "mknod S_IFBLK as root");
    expect(stat("b", &st) == 0 && S_ISBLK(st.st_mode), "block device made");
    say("blk rdev %u:%u\n", major(st.st_rdev), minor(st.st_rdev));
    expect(mknod("s", S_IFSOCK | 0644, 0) == 0, "mknod S_IFSOCK");
    expect(stat("s", &st) == 0 && S_ISSOCK(st.st_mode), "socket node made");
    expect_err(open("s", O_RDONLY), ENXIO, "open a socket node");
    expect_err(mknod("d", S_IFDIR | 0755, 0), EPERM, "mknod S_IFDIR");
    expect_err(mknod("bad", 0170000 | 0644, 0), EINVAL, "mknod unknown type");
    expect_err(mknod("f", S_IFIFO | 0644, 0), EEXIST, "mknod existing name");
    expect_err(mknod("f/", S_IFIFO | 0644, 0), EEXIST, "mknod existing name with slash");
    expect_err(mknod("new/", S_IFIFO | 0644, 0), ENOENT, "mknod new name with slash");
    expect_err(mknod("nodir/x", S_IFIFO | 0644, 0), ENOENT, "mknod in a missing directory");
    expect_err(mknod("r/x", S_IFIFO | 0644, 0), ENOTDIR, "mknod under a file");
    expect_err(mknod("", S_IFIFO | 0644, 0), ENOENT, "mknod empty path");
    expect_err(mknod(".", S_IFIFO | 0644, 0), EEXIST, "mknod dot");
    expect_err(mknod(BAD_PTR, S_IFIFO | 0644, 0), EFAULT, "mknod bad pointer");
    mkdir("sub", 0755);
    int dfd = open("sub", O_RDONLY | O_DIRECTORY);
    expect(mknodat(dfd, "g", S_IFIFO | 0600, 0) == 0, "mknodat relative to a directory fd");
    expect(fstatat(dfd, "g", &st, 0) == 0 && S_ISFIFO(st.st_mode), "mknodat made a FIFO");
    expect(mkfifoat(dfd, "h", 0600) == 0, "mkfifoat");
    expect_err(mknodat(1000, "g2", S_IFIFO | 0600, 0), EBADF, "mknodat bad dirfd");
    int ffd = open("r", O_RDONLY);
    expect_err(mknodat(ffd, "g3", S_IFIFO | 0600, 0), ENOTDIR, "mknodat file as dirfd");
    close(ffd);
    close(dfd);
    struct dirent;
    unlink("sub/g");
    unlink("sub/h");
    rmdir("sub");
    unlink("r");
    unlink("z");
    unlink("c");
    unlink("b");
    unlink("s");
}

static void nonblocking(void)
{
    int r = open("f", O_RDONLY | O_NONBLOCK);
    expect(r >= 0, "non-blocking read-only open with no writer");
    char buf[64];
    expect(read(r, buf, sizeof buf) == 0, "read with no writer: EOF");
    say("reader poll, no writer yet: %s\n", pollstr(poll1(r)));
    close(r);
    expect_err(open("f", O_WRONLY | O_NONBLOCK | O_CLOEXEC), ENXIO, "non-blocking write-only open, no reader");

    r = open("f", O_RDONLY | O_NONBLOCK);
    int w = open("f", O_WRONLY | O_NONBLOCK);
    expect(w >= 0, "non-blocking writer open with a reader there");
    say("reader poll, writer open, empty: %s\n", pollstr(poll1(r)));
    say("writer poll: %s\n", pollstr(poll1(w)));
    expect_err(read(r, buf, sizeof buf), EAGAIN, "empty with a writer: EAGAIN");
    expect(write(w, "hello", 5) == 5, "write 5");
    int n = -1;
    ioctl(r, FIONREAD, &n);
    say("FIONREAD %d\n", n);
    say("reader poll with data: %s\n", pollstr(poll1(r)));
    struct stat a, b;
    fstat(r, &a);
    stat("f", &b);
    expect(S_ISFIFO(a.st_mode) && a.st_ino == b.st_ino, "fstat of the open FIFO is the node");
    expect_err(lseek(r, 0, SEEK_SET), ESPIPE, "lseek on a FIFO");
    expect_err(pread(r, buf, 1, 0), ESPIPE, "pread on a FIFO");
    expect_err(write(r, "x", 1), EBADF, "write on the read end");
    expect_err(read(w, buf, 1), EBADF, "read on the write end");
    close(w);
    say("reader poll, writer gone, data left: %s\n", pollstr(poll1(r)));
    n = read(r, buf, sizeof buf);
    expect(n == 5 && memcmp(buf, "hello", 5) == 0, "data read after the writer left");
    expect(read(r, buf, sizeof buf) == 0, "then EOF");
    say("reader poll, writer gone: %s\n", pollstr(poll1(r)));
    /* a writer that comes back resets the end of file */
    w = open("f", O_WRONLY | O_NONBLOCK);
    expect_err(read(r, buf, sizeof buf), EAGAIN, "writer back: EAGAIN again");
    say("reader poll, new writer: %s\n", pollstr(poll1(r)));
    close(r);
    say("writer poll, reader gone: %s\n", pollstr(poll1(w)));
    signal(SIGPIPE, SIG_IGN);
    expect_err(write(w, "x", 1), EPIPE, "write with no reader");
    signal(SIGPIPE, SIG_DFL);
    close(w);
}

static void rdwr(void)
{
    int fd = open("f", O_RDWR);
    expect(fd >= 0, "O_RDWR open does not block");
    expect(write(fd, "abc", 3) == 3, "write through O_RDWR");
    int r = open("f", O_RDONLY);
    expect(r >= 0, "blocking reader open with a writer there");
    char buf[8];
    expect(read(r, buf, 8) == 3 && memcmp(buf, "abc", 3) == 0, "another reader gets it");
    expect(write(fd, "xyz", 3) == 3, "write again");
    say("O_RDWR poll: %s\n", pollstr(poll1(fd)));
    close(r);
    close(fd);
    /* nobody has it open: the data went away */
    fd = open("f", O_RDWR | O_NONBLOCK);
    expect_err(read(fd, buf, 8), EAGAIN, "data gone after the last close");
    close(fd);
}

static int blocking_reader_child(void)
{
    wait_sleeping(getppid());           /* the parent is in its open */
    int w = open("f", O_WRONLY);
    if (w < 0)
        return 1;
    write(w, "from child", 10);
    close(w);
    return 0;
}

static int blocking_writer_child(void)
{
    wait_sleeping(getppid());
    int r = open("f", O_RDONLY);
    if (r < 0)
        return 1;
    char buf[32];
    int n = read(r, buf, sizeof buf);
    close(r);
    return n == 11 && memcmp(buf, "from parent", 11) == 0 ? 0 : 2;
}

static void blocking(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(blocking_reader_child());
    int r = open("f", O_RDONLY);
    expect(r >= 0, "blocking reader open waited for the writer");
    char buf[32];
    int n = read(r, buf, sizeof buf);
    expect(n == 10 && memcmp(buf, "from child", 10) == 0, "reader got the child's data");
    expect(read(r, buf, sizeof buf) == 0, "EOF once the writer closed");
    int st;
    waitpid(pid, &st, 0);
    say("writer child: %s\n", status_str(st));
    close(r);

    pid = fork();
    if (pid == 0)
        _exit(blocking_writer_child());
    int w = open("f", O_WRONLY);
    expect(w >= 0, "blocking writer open waited for the reader");
    expect(write(w, "from parent", 11) == 11, "writer wrote");
    waitpid(pid, &st, 0);
    say("reader child: %s\n", status_str(st));
    close(w);
}

static int quick_reader_child(void)
{
    wait_sleeping(getppid());
    int r = open("f", O_RDONLY | O_NONBLOCK);
    close(r);
    return r >= 0 ? 0 : 1;
}

/* A reader that comes and goes while a writer sleeps in open still lets
 * the writer's open finish; its write then finds nobody. */
static void come_and_go(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(quick_reader_child());
    alarm(5);
    int w = open("f", O_WRONLY);
    alarm(0);
    expect(w >= 0, "writer open finished after a reader came and went");
    int st;
    waitpid(pid, &st, 0);               /* the reader is surely gone now */
    say("quick reader: %s\n", status_str(st));
    signal(SIGPIPE, SIG_IGN);
    expect_err(write(w, "x", 1), EPIPE, "its write: EPIPE");
    signal(SIGPIPE, SIG_DFL);
    close(w);
}

static void on_alarm(int sig) { (void)sig; }

static void interrupted(void)
{
    struct sigaction sa = {.sa_handler = on_alarm};   /* no SA_RESTART */
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    expect_err(open("f", O_RDONLY), EINTR, "blocked reader open interrupted");
    alarm(1);
    expect_err(open("f", O_WRONLY), EINTR, "blocked writer open interrupted");
    /* the interrupted opens left no end behind */
    expect_err(open("f", O_WRONLY | O_NONBLOCK), ENXIO, "no reader left behind");
    signal(SIGALRM, SIG_DFL);
}

static int stream_child(void)
{
    int w = open("f", O_WRONLY);
    char buf[1000];
    for (int i = 0; i < 200; i++) {
        for (int j = 0; j < 1000; j++)
            buf[j] = (char)(i + j);
        if (write(w, buf, sizeof buf) != sizeof buf)
            return 1;
    }
    close(w);
    return 0;
}

static void stream(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(stream_child());
    int r = open("f", O_RDONLY);
    unsigned long sum = 0, total = 0;
    char buf[777];
    int n;
    while ((n = read(r, buf, sizeof buf)) > 0) {
        for (int i = 0; i < n; i++)
            sum = sum * 31 + (unsigned char)buf[i];
        total += n;
    }
    close(r);
    unsigned long want = 0;
    for (int i = 0; i < 200; i++)
        for (int j = 0; j < 1000; j++)
            want = want * 31 + (unsigned char)(char)(i + j);
    int st;
    waitpid(pid, &st, 0);
    say("streamed %lu bytes, checksum %s, child %s\n", total, sum == want ? "matches" : "differs", status_str(st));
}

static void unlinked(void)
{
    int r = open("f", O_RDONLY | O_NONBLOCK);
    int w = open("f", O_WRONLY);
    expect(unlink("f") == 0, "unlink an open FIFO");
    expect(write(w, "still", 5) == 5, "write after unlink");
    char buf[8];
    expect(read(r, buf, 8) == 5, "read after unlink");
    close(w);
    close(r);
}

static void pipe_size(void)
{
    mkfifo("p", 0600);
    int fd = open("p", O_RDWR | O_NONBLOCK);
    say("F_GETPIPE_SZ %d\n", fcntl(fd, F_GETPIPE_SZ));
    say("F_SETPIPE_SZ 5000 -> %d\n", fcntl(fd, F_SETPIPE_SZ, 5000));
    say("F_GETPIPE_SZ %d\n", fcntl(fd, F_GETPIPE_SZ));
    char buf[4096];
    memset(buf, 'x', sizeof buf);
    long total = 0;
    int n;
    while ((n = write(fd, buf, sizeof buf)) > 0)
        total += n;
    say("filled %ld bytes, then %s\n", total, n < 0 ? errname(errno) : "0");
    expect_err(fcntl(fd, F_SETPIPE_SZ, 4096), EBUSY, "shrink below the data held");
    say("F_SETPIPE_SZ 100000 -> %d\n", fcntl(fd, F_SETPIPE_SZ, 100000));
    expect_err(fcntl(fd, F_SETPIPE_SZ, -1), EINVAL, "F_SETPIPE_SZ -1");
    char rb[8192];
    total = 0;
    while ((n = read(fd, rb, sizeof rb)) > 0)
        total += n;
    say("read back %ld bytes\n", total);
    close(fd);
    unlink("p");
    int pfd[2];
    pipe(pfd);
    say("pipe F_GETPIPE_SZ %d\n", fcntl(pfd[0], F_GETPIPE_SZ));
    say("pipe F_SETPIPE_SZ 1 -> %d\n", fcntl(pfd[1], F_SETPIPE_SZ, 1));
    close(pfd[0]);
    close(pfd[1]);
    int rf = open("f2", O_CREAT | O_RDWR, 0600);
    expect_err(fcntl(rf, F_GETPIPE_SZ), EBADF, "F_GETPIPE_SZ on a regular file");
    close(rf);
    unlink("f2");
}

int main(void)
{
    umask(022);
    nodes();
    nonblocking();
    rdwr();
    blocking();
    come_and_go();
    interrupted();
    stream();
    unlinked();
    pipe_size();
    gt_exit();
}
