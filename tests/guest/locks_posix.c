/* POSIX record locks (fcntl F_SETLK, F_SETLKW, F_GETLK) between two
 * processes: byte ranges exclude the other process but never the owner,
 * F_GETLK reports the first conflicting lock (type, range from SEEK_SET,
 * l_len 0 for "to end of file", the holder's pid) and leaves the request
 * alone when nothing is in the way; a lock placed over the owner's own
 * locks splits and merges them; l_whence SEEK_CUR and SEEK_END and negative
 * lengths; fork does not pass locks on, exit drops them, and closing ANY
 * descriptor of the file drops all of the process's locks on it; a blocked
 * F_SETLKW sleeps until its whole range is free (shown waiting in
 * /proc/locks), a two-process deadlock gives EDEADLK to the request that
 * would close the cycle, a signal ends the wait with EINTR; and the
 * errors: EAGAIN, EBADF (descriptor, O_PATH, access mode), EINVAL,
 * EOVERFLOW and EFAULT, in Linux's order. */
#include "gt_locks.h"

static int fd;                      /* the parent's open of "f", read-write */

/* Prints the outcome of one fcntl lock call. */
static void try(const char *what, int fd_, int cmd, int type, int whence, off_t start, off_t len)
{
    say("%s: %s\n", what, lk_rc(lk_fcntl(fd_, cmd, type, whence, start, len)));
}

/* A lock the parent must get (or let go of); only a failure is printed. */
static void must(int cmd, int type, off_t start, off_t len)
{
    if (lk_fcntl(fd, cmd, type, SEEK_SET, start, len) < 0) {
        say("parent: %s %lld+%lld failed: %s\n", lk_type(type), (long long)start, (long long)len, errname(errno));
        gt_failures++;
    }
}

static void probe(const char *what, int type, off_t start, off_t len)
{
    lk_probe(what, fd, F_GETLK, type, start, len);
}

static int child_excluded(void)
{
    /* fd is inherited, but the parent's locks are not */
    try("child: F_SETLK write lock on byte 5", fd, F_SETLK, F_WRLCK, SEEK_SET, 5, 1);
    try("child: F_SETLK read lock on byte 9", fd, F_SETLK, F_RDLCK, SEEK_SET, 9, 1);
    try("child: F_SETLK write lock on bytes 10-14", fd, F_SETLK, F_WRLCK, SEEK_SET, 10, 5);
    probe("child: F_GETLK write, whole file", F_WRLCK, 0, 0);
    probe("child: F_GETLK read, bytes 20-24", F_RDLCK, 20, 5);
    probe("child: F_GETLK write, bytes 10-14 (its own)", F_WRLCK, 10, 5);
    lk_tell();
    lk_hear();
    return 0;
}

static int child_probes_ranges(void)
{
    static const struct { int type; off_t at; } probes[] = {
        {F_WRLCK, 0}, {F_WRLCK, 10}, {F_RDLCK, 15}, {F_WRLCK, 19}, {F_WRLCK, 39},
        {F_WRLCK, 40}, {F_WRLCK, 59}, {F_WRLCK, 60}, {F_WRLCK, 109}, {F_WRLCK, 110},
    };
    for (unsigned i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "child: F_GETLK %s, byte %lld", lk_type(probes[i].type),
                 (long long)probes[i].at);
        probe(what, probes[i].type, probes[i].at, 1);
    }
    return 0;
}

static int child_probes_whence(void)
{
    probe("child: F_GETLK write, whole file", F_WRLCK, 0, 0);
    probe("child: F_GETLK read, byte 42", F_RDLCK, 42, 1);
    probe("child: F_GETLK write, byte 49", F_WRLCK, 49, 1);
    probe("child: F_GETLK write, byte 1000", F_WRLCK, 1000, 1);
    return 0;
}

static int lock_byte5(int c) { return lk_fcntl(c, F_SETLKW, F_WRLCK, SEEK_SET, 5, 1); }

static int child_waits(void) { return lk_child_wait("child: F_SETLKW write lock on byte 5 returned", lock_byte5); }

static int child_deadlocks(void)
{
    try("child: F_SETLK write lock on byte 1", fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1);
    lk_tell();
    int r = lk_fcntl(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
    say("child: F_SETLKW write lock on byte 0 returned: %s\n", lk_rc(r));
    return 0;
}

static int lock_all(int c) { return lk_fcntl(c, F_SETLKW, F_WRLCK, SEEK_SET, 0, 0); }

static int child_interrupted(void)
{
    lk_catch_usr1(0);
    return lk_child_wait("child: F_SETLKW interrupted by a signal", lock_all);
}


static void errors(void)
{
    int rd = open("f", O_RDONLY), wr = open("f", O_WRONLY), path = open("f", O_PATH);
    struct flock l = {.l_type = F_RDLCK};
    expect_err(lk_fcntl(rd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0), EBADF, "write lock through a read-only open");
    expect_err(lk_fcntl(rd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 0), EBADF, "F_SETLKW write lock, read-only open");
    expect_err(lk_fcntl(wr, F_SETLK, F_RDLCK, SEEK_SET, 0, 0), EBADF, "read lock through a write-only open");
    try("read lock through the read-only open", rd, F_SETLK, F_RDLCK, SEEK_SET, 0, 0);
    try("write lock through the write-only open", wr, F_SETLK, F_WRLCK, SEEK_SET, 100, 1);
    try("unlock through the read-only open", rd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
    try("unlock through the write-only open", wr, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
    try("F_GETLK read lock through the write-only open", wr, F_GETLK, F_RDLCK, SEEK_SET, 0, 0);
    expect_err(lk_fcntl(rd, F_SETLK, 7, SEEK_SET, 0, 0), EINVAL, "l_type 7 through the read-only open");
    expect_err(lk_fcntl(999, F_SETLK, F_RDLCK, SEEK_SET, 0, 0), EBADF, "F_SETLK, descriptor not open");
    expect_err(lk_fcntl(-1, F_GETLK, F_RDLCK, SEEK_SET, 0, 0), EBADF, "F_GETLK, descriptor -1");
    expect_err(fcntl(999, F_SETLK, BAD_PTR), EBADF, "bad descriptor and bad pointer");
    expect_err(lk_fcntl(path, F_SETLK, F_RDLCK, SEEK_SET, 0, 0), EBADF, "F_SETLK on an O_PATH descriptor");
    expect_err(lk_fcntl(path, F_GETLK, F_RDLCK, SEEK_SET, 0, 0), EBADF, "F_GETLK on an O_PATH descriptor");
    say("F_GETFL on an O_PATH descriptor: %s\n", lk_rc(fcntl(path, F_GETFL)));
    expect_err(fcntl(path, F_SETFL, 0), EBADF, "F_SETFL on an O_PATH descriptor");
    expect_err(lk_fcntl(fd, F_SETLK, 7, SEEK_SET, 0, 0), EINVAL, "l_type 7");
    expect_err(lk_fcntl(fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 0), EINVAL, "F_GETLK with F_UNLCK");
    expect_err(lk_fcntl(fd, F_GETLK, 7, SEEK_SET, 0, 0), EINVAL, "F_GETLK with l_type 7");
    expect_err(lk_fcntl(fd, F_SETLK, F_RDLCK, 3, 0, 0), EINVAL, "l_whence 3");
    expect_err(lk_fcntl(fd, F_GETLK, F_RDLCK, -1, 0, 0), EINVAL, "F_GETLK, l_whence -1");
    expect_err(lk_fcntl(fd, F_SETLK, F_RDLCK, SEEK_SET, -1, 1), EINVAL, "start before byte 0");
    expect_err(lk_fcntl(fd, F_SETLK, F_RDLCK, SEEK_SET, 5, -6), EINVAL, "negative length reaching before 0");
    try("negative length reaching byte 0", fd, F_SETLK, F_RDLCK, SEEK_SET, 5, -5);
    expect_err(lk_fcntl(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, INT64_MIN), EINVAL, "length INT64_MIN");
    expect_err(lk_fcntl(fd, F_SETLK, F_RDLCK, SEEK_SET, INT64_MAX, 2), EOVERFLOW, "past the largest offset");
    try("the largest offset itself", fd, F_SETLK, F_RDLCK, SEEK_SET, INT64_MAX, 1);
    try("from the largest offset to end of file", fd, F_SETLK, F_RDLCK, SEEK_SET, INT64_MAX, 0);
    lseek(fd, 10, SEEK_SET);
    expect_err(lk_fcntl(fd, F_SETLK, F_RDLCK, SEEK_CUR, INT64_MAX, 0), EOVERFLOW, "SEEK_CUR past the largest offset");
    expect_err(lk_fcntl(fd, F_SETLK, F_RDLCK, SEEK_CUR, INT64_MIN, 0), EINVAL, "SEEK_CUR far before 0");
    expect_err(lk_fcntl(fd, F_SETLK, 7, SEEK_SET, INT64_MAX, 2), EOVERFLOW, "bad type and bad range: the range first");
    l.l_pid = 12345;
    say("F_SETLK with l_pid set (ignored): %s\n", lk_rc(fcntl(fd, F_SETLK, &l)));
    expect_err(fcntl(fd, F_GETLK, BAD_PTR), EFAULT, "F_GETLK, bad pointer");
    expect_err(fcntl(fd, F_SETLK, BAD_PTR), EFAULT, "F_SETLK, bad pointer");
    expect_err(fcntl(fd, F_SETLKW, BAD_PTR), EFAULT, "F_SETLKW, bad pointer");
    expect_err(fcntl(fd, F_GETLK, (void *)-4096L), EFAULT, "F_GETLK, kernel address");
    close(rd);
    close(wr);
    close(path);
    must(F_SETLK, F_UNLCK, 0, 0);

    int p[2];
    pipe(p);
    try("read lock on a pipe's read end", p[0], F_SETLK, F_RDLCK, SEEK_SET, 0, 0);
    mkdir("d", 0755);
    int d = open("d", O_RDONLY | O_DIRECTORY);
    try("read lock on a directory", d, F_SETLK, F_RDLCK, SEEK_SET, 0, 0);
    try("write lock on a directory (opened read-only)", d, F_SETLK, F_WRLCK, SEEK_SET, 0, 0);
}

int main(void)
{
    lk_init();
    fd = open("f", O_RDWR | O_CREAT, 0644);
    char buf[100];
    memset(buf, 'x', sizeof buf);
    write(fd, buf, sizeof buf);

    say("-- exclusion and F_GETLK\n");
    try("parent: F_SETLK write lock on bytes 0-9", fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
    probe("parent: F_GETLK write, whole file (its own lock)", F_WRLCK, 0, 0);
    lk_spawn(child_excluded);
    lk_hear();
    lk_proc_locks("/proc/locks", fd);
    lk_tell();
    say("child %s\n", lk_reap());
    lk_proc_locks("/proc/locks after the child exited", fd);

    say("-- the owner's locks split and merge\n");
    must(F_SETLK, F_WRLCK, 0, 100);
    must(F_SETLK, F_UNLCK, 40, 20);
    must(F_SETLK, F_RDLCK, 10, 10);
    must(F_SETLK, F_RDLCK, 100, 10);
    lk_proc_locks("write 0-99, unlock 40-59, read 10-19, read 100-109", fd);
    must(F_SETLK, F_WRLCK, 100, 10);
    lk_proc_locks("then write 100-109", fd);
    lk_spawn(child_probes_ranges);
    say("child %s\n", lk_reap());
    must(F_SETLK, F_RDLCK, 0, 0);
    lk_proc_locks("then read over the whole file", fd);

    say("-- l_whence and negative lengths\n");
    must(F_SETLK, F_UNLCK, 0, 0);
    lseek(fd, 50, SEEK_SET);
    try("write lock, SEEK_CUR (50) -10, length 5", fd, F_SETLK, F_WRLCK, SEEK_CUR, -10, 5);
    try("write lock, SEEK_END (100) -10, to end of file", fd, F_SETLK, F_WRLCK, SEEK_END, -10, 0);
    try("read lock, SEEK_SET 30, length -10", fd, F_SETLK, F_RDLCK, SEEK_SET, 30, -10);
    try("read lock, SEEK_CUR 0, length -1", fd, F_SETLK, F_RDLCK, SEEK_CUR, 0, -1);
    lk_proc_locks("/proc/locks", fd);
    lk_spawn(child_probes_whence);
    say("child %s\n", lk_reap());

    say("-- closing any descriptor of the file drops the process's locks\n");
    must(F_SETLK, F_WRLCK, 0, 0);
    int other = open("g", O_RDWR | O_CREAT, 0644);
    close(other);
    lk_proc_locks("after closing another file", fd);
    other = open("f", O_RDONLY);
    close(other);
    lk_proc_locks("after opening the file again and closing that", fd);
    must(F_SETLK, F_WRLCK, 0, 0);
    close(dup(fd));
    lk_proc_locks("after closing a dup", fd);

    say("-- F_SETLKW waits until its whole range is free\n");
    must(F_SETLK, F_WRLCK, 0, 10);
    lk_spawn(child_waits);
    lk_wait_sleeper();
    lk_proc_locks("/proc/locks with a waiter", fd);
    must(F_SETLK, F_UNLCK, 0, 5);
    usleep(100000);
    lk_proc_locks("after unlocking 0-4, the child still waits", fd);
    say("parent: unlocks 5-9, the child then gets byte 5\n");
    must(F_SETLK, F_UNLCK, 5, 5);
    say("child %s\n", lk_reap());

    say("-- deadlock\n");
    must(F_SETLK, F_WRLCK, 0, 1);
    lk_spawn(child_deadlocks);
    lk_wait_sleeper();
    try("parent: F_SETLK write lock on byte 1", fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1);
    try("parent: F_SETLKW write lock on byte 1", fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1);
    lk_proc_locks("/proc/locks", fd);
    say("parent: unlocks byte 0, the child then gets it\n");
    must(F_SETLK, F_UNLCK, 0, 1);
    say("child %s\n", lk_reap());
    try("parent: F_SETLKW write lock on byte 1 once the child is gone", fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1);

    say("-- a signal ends the wait\n");
    lk_spawn(child_interrupted);
    lk_wait_sleeper();
    kill(lk_child, SIGUSR1);
    say("child %s\n", lk_reap());
    must(F_SETLK, F_UNLCK, 0, 0);

    say("-- errors\n");
    errors();
    gt_exit();
}
