/* Locks under contention: four processes each add 1 to a counter kept in
 * a file, 300 times, reading and writing it only while they hold a lock
 * (flock LOCK_EX, F_SETLKW on the counter's bytes, F_OFD_SETLKW), waiting
 * for each other in the kernel.  With real exclusion and no lost wake-up
 * the counter ends at 1200 and every process finishes; a lock that lets
 * two in at once loses increments, a lost wake-up leaves a process asleep
 * until its alarm.  A fifth process meanwhile locks and unlocks other
 * bytes of the file in a loop, which must never keep anyone out.  Run on
 * 2 CPUs by test-guest and on 4 by test-smp4. */
#include "gt_locks.h"
#include <sched.h>

#define WORKERS 4
#define ROUNDS 300

enum how { BY_FLOCK, BY_POSIX, BY_OFD };

static int lock(int fd, enum how how, int type)
{
    switch (how) {
    case BY_FLOCK: return flock(fd, type == F_UNLCK ? LOCK_UN : LOCK_EX);
    case BY_POSIX: return lk_fcntl(fd, type == F_UNLCK ? F_SETLK : F_SETLKW, type, SEEK_SET, 0, 8);
    default: return lk_fcntl(fd, type == F_UNLCK ? F_OFD_SETLK : F_OFD_SETLKW, type, SEEK_SET, 0, 8);
    }
}

/* One worker: its own open (flock and OFD locks belong to it). */
static int worker(enum how how)
{
    alarm(LK_TIMEOUT * 3);
    int fd = open("counter", O_RDWR);
    for (int i = 0; i < ROUNDS; i++) {
        long v;
        if (lock(fd, how, F_WRLCK) < 0)
            return 10;
        if (pread(fd, &v, sizeof v, 0) != sizeof v)
            return 11;
        if (i % 7 == 0)
            sched_yield();              /* give the others a chance to try */
        v++;
        if (pwrite(fd, &v, sizeof v, 0) != sizeof v)
            return 12;
        if (lock(fd, how, F_UNLCK) < 0)
            return 13;
    }
    return 0;
}

/* Locks and unlocks bytes the workers never touch until told to stop. */
static int bystander(int stop_fd)
{
    alarm(LK_TIMEOUT * 3);
    int fd = open("counter", O_RDWR);
    char c;
    while (read(stop_fd, &c, 1) < 0 && errno == EAGAIN) {
        if (lk_fcntl(fd, F_SETLKW, F_WRLCK, SEEK_SET, 8, 8) < 0 || lk_fcntl(fd, F_SETLK, F_UNLCK, SEEK_SET, 8, 8) < 0)
            return 20;
    }
    return 0;
}

static void run(const char *name, enum how how)
{
    int fd = open("counter", O_RDWR | O_CREAT | O_TRUNC, 0644);
    long zero = 0;
    pwrite(fd, &zero, sizeof zero, 0);
    int stop[2];
    pipe(stop);
    fcntl(stop[0], F_SETFL, O_NONBLOCK);
    pid_t by = fork();
    if (by == 0) {
        close(stop[1]);
        _exit(bystander(stop[0]));
    }
    close(stop[0]);
    pid_t kids[WORKERS];
    for (int k = 0; k < WORKERS; k++)
        if ((kids[k] = fork()) == 0)
            _exit(worker(how));
    int ok = 1;
    for (int k = 0; k < WORKERS; k++) {
        int st;
        waitpid(kids[k], &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            say("%s: worker %d %s\n", name, k, status_str(st));
            ok = 0;
        }
    }
    write(stop[1], "x", 1);
    int st;
    waitpid(by, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        say("%s: bystander %s\n", name, status_str(st));
        ok = 0;
    }
    close(stop[1]);
    long v = -1;
    pread(fd, &v, sizeof v, 0);
    close(fd);
    expect(ok, name);
    say("%s: counter %ld (want %d)\n", name, v, WORKERS * ROUNDS);
    if (v != WORKERS * ROUNDS)
        gt_failures++;
}

int main(void)
{
    lk_init();
    alarm(LK_TIMEOUT * 4);
    run("flock LOCK_EX", BY_FLOCK);
    run("F_SETLKW", BY_POSIX);
    run("F_OFD_SETLKW", BY_OFD);
    gt_exit();
}
