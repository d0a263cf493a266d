/* flock(2) between two processes: an exclusive lock keeps out every other
 * open file description (even the same process's second open), shared locks
 * coexist, changing a lock's type first drops it (a failed LOCK_NB upgrade
 * leaves no lock, as Linux documents), a blocked LOCK_EX sleeps until the
 * holder lets go and is shown waiting in /proc/locks, the lock belongs to
 * the open file description (dup and fork share it, a child's LOCK_UN
 * releases the parent's lock, it goes only with the description's last
 * close or its holder's exit), a signal ends the wait (EINTR, or a restart
 * with SA_RESTART), flock and fcntl locks ignore each other, and the
 * errors: EINVAL for a bad operation (checked before the descriptor),
 * EBADF for a bad or O_PATH descriptor, LOCK_MAND requests ignored. */
#include "gt_locks.h"

static int fd;                      /* the parent's open of "f" */

static int child_kept_out(void)
{
    int c = open("f", O_RDWR);
    say("child: LOCK_EX|LOCK_NB on its own open: %s\n", lk_rc(flock(c, LOCK_EX | LOCK_NB)));
    say("child: LOCK_SH|LOCK_NB on its own open: %s\n", lk_rc(flock(c, LOCK_SH | LOCK_NB)));
    return 0;
}

static int child_shares(void)
{
    int c = open("f", O_RDWR);
    say("child: LOCK_SH|LOCK_NB beside the parent's shared lock: %s\n", lk_rc(flock(c, LOCK_SH | LOCK_NB)));
    lk_tell();
    lk_hear();
    say("child: upgrade to LOCK_EX|LOCK_NB: %s\n", lk_rc(flock(c, LOCK_EX | LOCK_NB)));
    lk_tell();
    lk_hear();
    return 0;
}

static int lock_ex(int c) { return flock(c, LOCK_EX); }

static int child_waits(void) { return lk_child_wait("child: blocking LOCK_EX returned", lock_ex); }

static int child_unlocks_inherited(void)
{
    say("child: LOCK_UN on the inherited descriptor: %s\n", lk_rc(flock(fd, LOCK_UN)));
    return 0;
}

static int child_just_exits(void) { return 0; }

static int sa_restart;              /* child_signalled installs its handler with SA_RESTART */

static int child_signalled(void)
{
    lk_catch_usr1(sa_restart);
    return lk_child_wait(sa_restart ? "child: blocking LOCK_EX with a signal, SA_RESTART"
                                    : "child: blocking LOCK_EX with a signal, no SA_RESTART",
                         lock_ex);
}

static int child_posix_beside_flock(void)
{
    int c = open("f", O_RDWR);
    say("child: F_SETLK F_WRLCK beside the parent's flock LOCK_EX: %s\n",
        lk_rc(lk_fcntl(c, F_SETLK, F_WRLCK, SEEK_SET, 0, 0)));
    say("child: LOCK_EX|LOCK_NB: %s\n", lk_rc(flock(c, LOCK_EX | LOCK_NB)));
    return 0;
}

/* Lets go of fd's lock while the child waits for it: said first, since the
 * child prints as soon as it gets the lock. */
static void unlock_for_child(void)
{
    say("parent: LOCK_UN, the child then gets its lock\n");
    if (flock(fd, LOCK_UN) < 0) {
        say("parent: LOCK_UN failed: %s\n", errname(errno));
        gt_failures++;
    }
}

int main(void)
{
    lk_init();
    fd = open("f", O_RDWR | O_CREAT, 0644);
    write(fd, "0123456789", 10);

    say("-- exclusion\n");
    say("parent: LOCK_EX: %s\n", lk_rc(flock(fd, LOCK_EX)));
    say("parent: LOCK_EX again (held already): %s\n", lk_rc(flock(fd, LOCK_EX | LOCK_NB)));
    lk_spawn(child_kept_out);
    say("child %s\n", lk_reap());

    say("-- shared locks, and an upgrade that fails drops the lock\n");
    say("parent: LOCK_EX to LOCK_SH: %s\n", lk_rc(flock(fd, LOCK_SH)));
    lk_spawn(child_shares);
    lk_hear();
    lk_proc_locks("/proc/locks with two shared locks", fd);
    lk_tell();
    lk_hear();
    say("parent: LOCK_EX|LOCK_NB after the child's failed upgrade: %s\n", lk_rc(flock(fd, LOCK_EX | LOCK_NB)));
    lk_proc_locks("/proc/locks after the upgrade", fd);
    lk_tell();
    say("child %s\n", lk_reap());

    say("-- a blocked LOCK_EX waits for the holder\n");
    lk_spawn(child_waits);
    lk_wait_sleeper();
    lk_proc_locks("/proc/locks with a waiter", fd);
    unlock_for_child();
    say("child %s\n", lk_reap());
    say("parent: LOCK_EX|LOCK_NB once the child has exited: %s\n", lk_rc(flock(fd, LOCK_EX | LOCK_NB)));

    say("-- the open file description owns the lock\n");
    int fd2 = dup(fd);
    int fd3 = open("f", O_RDWR);
    say("LOCK_EX|LOCK_NB through a dup: %s\n", lk_rc(flock(fd2, LOCK_EX | LOCK_NB)));
    say("LOCK_EX|LOCK_NB through a second open in the same process: %s\n", lk_rc(flock(fd3, LOCK_EX | LOCK_NB)));
    close(fd);
    say("after closing the first descriptor, second open: %s\n", lk_rc(flock(fd3, LOCK_EX | LOCK_NB)));
    close(fd2);
    say("after closing the dup too, second open: %s\n", lk_rc(flock(fd3, LOCK_EX | LOCK_NB)));
    fd = fd3;
    lk_spawn(child_unlocks_inherited);
    say("child %s\n", lk_reap());
    int other = open("f", O_RDONLY);
    say("after the child's LOCK_UN, another open: %s\n", lk_rc(flock(other, LOCK_EX | LOCK_NB)));
    close(other);
    say("parent: LOCK_EX again: %s\n", lk_rc(flock(fd, LOCK_EX | LOCK_NB)));
    lk_spawn(child_just_exits);
    say("child %s\n", lk_reap());
    other = open("f", O_RDONLY);
    say("after a child that shared it exited, another open: %s\n", lk_rc(flock(other, LOCK_EX | LOCK_NB)));
    close(other);

    say("-- signals\n");
    lk_spawn(child_signalled);
    lk_wait_sleeper();
    kill(lk_child, SIGUSR1);
    say("child %s\n", lk_reap());
    sa_restart = 1;
    lk_spawn(child_signalled);
    lk_wait_sleeper();
    kill(lk_child, SIGUSR1);
    usleep(100000);
    expect(wait_sleeping(lk_child), "child asleep again after its handler");
    unlock_for_child();
    say("child %s\n", lk_reap());

    say("-- flock and fcntl locks are separate\n");
    say("parent: LOCK_EX: %s\n", lk_rc(flock(fd, LOCK_EX | LOCK_NB)));
    lk_spawn(child_posix_beside_flock);
    say("child %s\n", lk_reap());
    say("parent: LOCK_UN: %s\n", lk_rc(flock(fd, LOCK_UN)));
    say("LOCK_UN with no lock held: %s\n", lk_rc(flock(fd, LOCK_UN)));

    say("-- errors\n");
    expect_err(flock(fd, 0), EINVAL, "operation 0");
    expect_err(flock(fd, LOCK_NB), EINVAL, "LOCK_NB alone");
    expect_err(flock(fd, LOCK_SH | LOCK_EX), EINVAL, "LOCK_SH|LOCK_EX");
    expect_err(flock(fd, LOCK_SH | LOCK_UN), EINVAL, "LOCK_SH|LOCK_UN");
    expect_err(flock(fd, LOCK_SH | 64), EINVAL, "LOCK_SH with an unknown bit");
    expect_err(flock(-1, LOCK_SH), EBADF, "descriptor -1");
    expect_err(flock(999, LOCK_EX | LOCK_NB), EBADF, "descriptor not open");
    expect_err(flock(999, 0), EINVAL, "descriptor not open, operation 0");
    int path = open("f", O_PATH);
    expect_err(flock(path, LOCK_SH), EBADF, "O_PATH descriptor, LOCK_SH");
    expect_err(flock(path, LOCK_UN), EBADF, "O_PATH descriptor, LOCK_UN");
    close(path);
    say("LOCK_MAND (32) is ignored: %s\n", lk_rc(flock(fd, 32)));
    say("LOCK_MAND on a descriptor not open: %s\n", lk_rc(flock(999, 32 | 64)));

    say("-- other files\n");
    int rd = open("f", O_RDONLY), wr = open("f", O_WRONLY);
    say("LOCK_EX through a read-only open: %s\n", lk_rc(flock(rd, LOCK_EX | LOCK_NB)));
    say("LOCK_SH through a write-only open: %s\n", lk_rc(flock(wr, LOCK_SH | LOCK_NB)));
    close(rd);
    say("LOCK_SH through the write-only open once the other closed: %s\n", lk_rc(flock(wr, LOCK_SH | LOCK_NB)));
    close(wr);
    int p[2];
    pipe(p);
    say("LOCK_EX on a pipe: %s\n", lk_rc(flock(p[0], LOCK_EX | LOCK_NB)));
    mkdir("d", 0755);
    int d = open("d", O_RDONLY | O_DIRECTORY);
    say("LOCK_EX on a directory: %s\n", lk_rc(flock(d, LOCK_EX | LOCK_NB)));
    gt_exit();
}
