/* Open-file-description locks (fcntl F_OFD_SETLK, F_OFD_SETLKW,
 * F_OFD_GETLK): byte ranges like POSIX locks, owned like flock locks.  Two
 * opens in ONE process exclude each other, a dup or a fork child shares
 * the lock (the child can even let go of it), closing another descriptor
 * of the file drops nothing, the description's last close drops it and
 * wakes who waits; OFD and POSIX locks conflict with each other, even
 * through the same descriptor; the pid reported (F_GETLK, F_OFD_GETLK,
 * /proc/locks) is -1; F_OFD_GETLK with F_UNLCK finds the description's own
 * locks; a blocked F_OFD_SETLKW wakes when the holder unlocks and a signal
 * ends it with EINTR; and the errors: l_pid must be 0 (EINVAL), the access
 * mode must allow the type (EBADF), EFAULT, EINVAL, EOVERFLOW. */
#include "gt_locks.h"

static int fd;                      /* the parent's lock-holding open of "f" */

static void try(const char *what, int fd_, int cmd, int type, off_t start, off_t len)
{
    say("%s: %s\n", what, lk_rc(lk_fcntl(fd_, cmd, type, SEEK_SET, start, len)));
}

static int child_shares(void)
{
    try("child: F_OFD_SETLK write on byte 0 through the inherited descriptor", fd, F_OFD_SETLK, F_WRLCK, 0, 1);
    try("child: F_OFD_SETLK unlock through the inherited descriptor", fd, F_OFD_SETLK, F_UNLCK, 0, 0);
    int c = open("f", O_RDWR);
    try("child: F_OFD_SETLK write, whole file, its own open", c, F_OFD_SETLK, F_WRLCK, 0, 0);
    return 0;
}

static int ofd_lock_byte0(int c) { return lk_fcntl(c, F_OFD_SETLKW, F_WRLCK, SEEK_SET, 0, 1); }
static int ofd_lock_all(int c) { return lk_fcntl(c, F_OFD_SETLKW, F_WRLCK, SEEK_SET, 0, 0); }

static int posix_lock_all(int c)
{
    close(fd);                      /* else the parent's close would not be the last */
    return lk_fcntl(c, F_SETLKW, F_WRLCK, SEEK_SET, 0, 0);
}

static int child_waits_ofd(void) { return lk_child_wait("child: F_OFD_SETLKW on byte 0 returned", ofd_lock_byte0); }

static int child_waits_posix(void)
{
    return lk_child_wait("child: F_SETLKW (POSIX) behind the OFD lock returned", posix_lock_all);
}

static int child_interrupted(void)
{
    lk_catch_usr1(0);
    return lk_child_wait("child: F_OFD_SETLKW interrupted by a signal", ofd_lock_all);
}


/* fcntl with a struct flock whose l_pid is set. */
static int with_pid(int fd_, int cmd, int type, pid_t pid)
{
    struct flock l = {.l_type = (short)type, .l_whence = SEEK_SET, .l_pid = pid};
    return fcntl(fd_, cmd, &l);
}

static void errors(void)
{
    int rd = open("f", O_RDONLY), wr = open("f", O_WRONLY), path = open("f", O_PATH);
    expect_err(with_pid(fd, F_OFD_SETLK, F_WRLCK, 1), EINVAL, "F_OFD_SETLK with l_pid 1");
    expect_err(with_pid(fd, F_OFD_SETLKW, F_WRLCK, -1), EINVAL, "F_OFD_SETLKW with l_pid -1");
    expect_err(with_pid(fd, F_OFD_GETLK, F_WRLCK, getpid()), EINVAL, "F_OFD_GETLK with l_pid set");
    expect_err(with_pid(fd, F_OFD_SETLK, F_UNLCK, 1), EINVAL, "F_OFD_SETLK unlock with l_pid 1");
    expect_err(with_pid(rd, F_OFD_SETLK, F_WRLCK, 1), EBADF, "l_pid 1 and a read-only open: the mode first");
    expect_err(lk_fcntl(rd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 0), EBADF, "write lock through a read-only open");
    expect_err(lk_fcntl(wr, F_OFD_SETLKW, F_RDLCK, SEEK_SET, 0, 0), EBADF, "read lock through a write-only open");
    try("F_OFD_GETLK read through the write-only open", wr, F_OFD_GETLK, F_RDLCK, 0, 0);
    expect_err(lk_fcntl(path, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 0), EBADF, "O_PATH descriptor");
    expect_err(lk_fcntl(path, F_OFD_GETLK, F_RDLCK, SEEK_SET, 0, 0), EBADF, "F_OFD_GETLK, O_PATH descriptor");
    expect_err(lk_fcntl(999, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 0), EBADF, "descriptor not open");
    expect_err(lk_fcntl(fd, F_OFD_SETLK, 7, SEEK_SET, 0, 0), EINVAL, "l_type 7");
    expect_err(lk_fcntl(fd, F_OFD_GETLK, 7, SEEK_SET, 0, 0), EINVAL, "F_OFD_GETLK, l_type 7");
    expect_err(lk_fcntl(fd, F_OFD_SETLK, F_RDLCK, 5, 0, 0), EINVAL, "l_whence 5");
    expect_err(lk_fcntl(fd, F_OFD_SETLK, F_RDLCK, SEEK_SET, -2, 1), EINVAL, "start before byte 0");
    expect_err(lk_fcntl(fd, F_OFD_SETLK, F_RDLCK, SEEK_SET, INT64_MAX, 3), EOVERFLOW, "past the largest offset");
    expect_err(fcntl(fd, F_OFD_GETLK, BAD_PTR), EFAULT, "F_OFD_GETLK, bad pointer");
    expect_err(fcntl(fd, F_OFD_SETLK, BAD_PTR), EFAULT, "F_OFD_SETLK, bad pointer");
    expect_err(fcntl(fd, F_OFD_SETLKW, BAD_PTR), EFAULT, "F_OFD_SETLKW, bad pointer");
    close(rd);
    close(wr);
    close(path);
}

int main(void)
{
    lk_init();
    fd = open("f", O_RDWR | O_CREAT, 0644);
    write(fd, "0123456789", 10);
    int fd2 = open("f", O_RDWR);

    say("-- two opens in one process exclude each other\n");
    try("F_OFD_SETLK write on bytes 0-9, first open", fd, F_OFD_SETLK, F_WRLCK, 0, 10);
    try("F_OFD_SETLK write on byte 5, second open", fd2, F_OFD_SETLK, F_WRLCK, 5, 1);
    lk_probe("F_OFD_GETLK write, second open", fd2, F_OFD_GETLK, F_WRLCK, 0, 0);
    lk_probe("F_OFD_GETLK write, first open (its own)", fd, F_OFD_GETLK, F_WRLCK, 0, 0);
    try("F_OFD_SETLKW read on byte 10, second open", fd2, F_OFD_SETLKW, F_RDLCK, 10, 1);
    int fd3 = dup(fd);
    try("F_OFD_SETLK write on byte 5 through a dup of the first", fd3, F_OFD_SETLK, F_WRLCK, 5, 1);
    try("F_SETLK (POSIX) write on byte 0, first open", fd, F_SETLK, F_WRLCK, 0, 1);
    lk_probe("F_GETLK (POSIX) write, second open", fd2, F_GETLK, F_WRLCK, 0, 0);
    try("F_SETLK (POSIX) read on byte 10, second open", fd2, F_SETLK, F_RDLCK, 10, 1);
    try("F_OFD_SETLK write on byte 10, first open", fd, F_OFD_SETLK, F_WRLCK, 10, 1);
    lk_probe("F_OFD_GETLK write on byte 10, first open", fd, F_OFD_GETLK, F_WRLCK, 10, 1);
    lk_proc_locks("/proc/locks", fd);
    try("F_SETLK (POSIX) unlock, second open", fd2, F_SETLK, F_UNLCK, 0, 0);
    try("F_OFD_SETLK unlock on byte 10, second open", fd2, F_OFD_SETLK, F_UNLCK, 10, 1);

    say("-- F_OFD_GETLK with F_UNLCK finds the description's own locks\n");
    try("F_OFD_SETLK read on bytes 20-24, second open", fd2, F_OFD_SETLK, F_RDLCK, 20, 5);
    lk_probe("F_OFD_GETLK F_UNLCK, second open", fd2, F_OFD_GETLK, F_UNLCK, 0, 0);
    lk_probe("F_OFD_GETLK F_UNLCK, bytes 25-29, second open", fd2, F_OFD_GETLK, F_UNLCK, 25, 5);
    try("F_OFD_SETLK unlock, second open", fd2, F_OFD_SETLK, F_UNLCK, 0, 0);

    say("-- only the description's last close drops the lock\n");
    close(fd3);
    try("after closing the dup, second open", fd2, F_OFD_SETLK, F_WRLCK, 5, 1);
    int other = open("f", O_RDONLY);
    close(other);
    try("after closing a third open, second open", fd2, F_OFD_SETLK, F_WRLCK, 5, 1);
    close(fd);
    try("after closing the first open, second open", fd2, F_OFD_SETLK, F_WRLCK, 5, 1);
    fd = fd2;
    lk_proc_locks("/proc/locks", fd);

    say("-- a fork child shares the lock\n");
    lk_spawn(child_shares);
    say("child %s\n", lk_reap());
    lk_proc_locks("/proc/locks after the child exited", fd);

    say("-- F_OFD_SETLKW waits for the holder\n");
    try("F_OFD_SETLK write on bytes 0-9", fd, F_OFD_SETLK, F_WRLCK, 0, 10);
    lk_spawn(child_waits_ofd);
    lk_wait_sleeper();
    lk_proc_locks("/proc/locks with a waiter", fd);
    say("parent: unlocks, the child then gets its lock\n");
    if (lk_fcntl(fd, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0) < 0)
        say("unlock failed: %s\n", errname(errno));
    say("child %s\n", lk_reap());
    try("F_OFD_SETLK write once the child has exited", fd, F_OFD_SETLK, F_WRLCK, 0, 10);

    say("-- the last close wakes a POSIX waiter\n");
    lk_spawn(child_waits_posix);
    lk_wait_sleeper();
    lk_proc_locks("/proc/locks with a waiter", fd);
    say("parent: closes its open, the child then gets its lock\n");
    close(fd);
    say("child %s\n", lk_reap());

    say("-- a signal ends the wait\n");
    fd = open("f", O_RDWR);
    try("F_OFD_SETLK read, whole file", fd, F_OFD_SETLK, F_RDLCK, 0, 0);
    lk_spawn(child_interrupted);
    lk_wait_sleeper();
    kill(lk_child, SIGUSR1);
    say("child %s\n", lk_reap());

    say("-- errors\n");
    errors();
    gt_exit();
}
