/* System V semaphores across processes, compared with Linux:
 *  - semget/semctl: SETVAL/GETVAL, SETALL/GETALL, GETPID, IPC_STAT's
 *    nsems and times, a key found again, IPC_EXCL, a set too small;
 *  - semop: several operations done all or none, IPC_NOWAIT (EAGAIN),
 *    wait-for-zero, a sleeper woken when the value allows, GETNCNT and
 *    GETZCNT counting sleepers, sleepers served first come first served;
 *  - a semaphore as a mutex between two processes guarding a shared counter;
 *  - SEM_UNDO undone when the process exits (a thread shares its process's);
 *  - semtimedop's timeout (EAGAIN), a signal (EINTR, never restarted),
 *    IPC_RMID while a process sleeps (EIDRM);
 *  - SEM_INFO, SEM_STAT, /proc/sysvipc/sem and /proc/sys/kernel/sem.
 * Guards against: partial operations, lost wake-ups, undo never applied. */
#define _GNU_SOURCE
#include "gt.h"
#include <pthread.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <time.h>

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

static int getval(int id, int n) { return semctl(id, n, GETVAL); }

static int op(int id, int num, int delta, int flags)
{
    struct sembuf b = { (unsigned short)num, (short)delta, (short)flags };
    return semop(id, &b, 1);
}

/* Waits until `count` (GETNCNT or GETZCNT) of semaphore num reaches n. */
static int wait_count(int id, int num, int cmd, int n)
{
    for (int i = 0; i < 2000; i++) {
        if (semctl(id, num, cmd) == n)
            return 1;
        usleep(2000);
    }
    return 0;
}

static int child_status(pid_t c)
{
    int st = 0;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static void on_alarm(int sig) { (void)sig; }

static void basics(void)
{
    int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    expect(id >= 0, "semget(IPC_PRIVATE, 3)");
    struct semid_ds ds;
    expect(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0, "IPC_STAT");
    say("nsems %lu, otime %s, ctime set %s, mode %o\n", (unsigned long)ds.sem_nsems, ds.sem_otime ? "set" : "0",
        ds.sem_ctime ? "yes" : "no", ds.sem_perm.mode & 0777);
    expect(getval(id, 0) == 0 && getval(id, 2) == 0, "a new set starts at 0");
    expect(semctl(id, 1, SETVAL, (union semun){ .val = 5 }) == 0 && getval(id, 1) == 5, "SETVAL 5");
    unsigned short all[3] = { 1, 2, 3 }, back[3] = { 0 };
    expect(semctl(id, 0, SETALL, (union semun){ .array = all }) == 0, "SETALL");
    expect(semctl(id, 0, GETALL, (union semun){ .array = back }) == 0 && back[0] == 1 && back[1] == 2 && back[2] == 3,
           "GETALL gives them back");
    /* all or none: the second operation cannot go, so the first is undone */
    struct sembuf two[2] = { { 0, -1, 0 }, { 1, -5, IPC_NOWAIT } };
    expect_err(semop(id, two, 2), EAGAIN, "semop with one operation that would block, IPC_NOWAIT");
    expect(getval(id, 0) == 1, "the other operation was not done");
    two[1].sem_op = -2;
    expect(semop(id, two, 2) == 0 && getval(id, 0) == 0 && getval(id, 1) == 0, "both done together");
    expect(semctl(id, 0, GETPID) == getpid(), "GETPID is the caller");
    expect(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0 && ds.sem_otime != 0, "sem_otime set by semop");
    struct sembuf zero = { 2, 0, IPC_NOWAIT };
    expect_err(semop(id, &zero, 1), EAGAIN, "wait-for-zero on 3, IPC_NOWAIT");
    expect(op(id, 2, -3, 0) == 0, "take 3");
    expect(semop(id, &zero, 1) == 0, "wait-for-zero on 0 goes at once");
    struct sembuf dup[2] = { { 0, 2, 0 }, { 0, -1, 0 } };
    expect(semop(id, dup, 2) == 0 && getval(id, 0) == 1, "two operations on one semaphore, in order");
    expect_err(op(id, 0, 32767, 0), ERANGE, "past SEMVMX");
    expect(semctl(id, 0, IPC_RMID) == 0, "IPC_RMID");
    expect_err(semctl(id, 0, GETVAL), EINVAL, "GETVAL after IPC_RMID");

    key_t key = 0x5e3a0001;
    int k = semget(key, 2, IPC_CREAT | IPC_EXCL | 0640);
    expect(k >= 0, "semget with a key");
    expect(semget(key, 0, 0) == k && semget(key, 2, 0) == k, "the key finds it");
    expect_err(semget(key, 3, 0), EINVAL, "asking for more semaphores than it has");
    expect_err(semget(key, 2, IPC_CREAT | IPC_EXCL | 0640), EEXIST, "IPC_EXCL again");
    char buf[4096];
    read_file("/proc/sysvipc/sem", buf, sizeof buf);
    char line[64];
    snprintf(line, sizeof line, " %10d  %4o %10d ", k, 0640, 2);
    const char *head = "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n";
    expect(!strncmp(buf, head, strlen(head)), "/proc/sysvipc/sem header");
    expect(strstr(buf, line) != NULL, "/proc/sysvipc/sem lists the set");
    struct seminfo si;
    int maxidx = semctl(0, 0, SEM_INFO, (union semun){ .buf = (void *)&si });
    expect(maxidx >= 0 && si.semusz >= 1 && si.semaem >= 2, "SEM_INFO counts sets and semaphores");
    int found = 0;
    for (int i = 0; i <= maxidx; i++)
        if (semctl(i, 0, SEM_STAT, (union semun){ .buf = &ds }) == k)
            found = ds.sem_nsems == 2 && ds.sem_perm.__key == key;
    expect(found, "SEM_STAT by index finds it");
    expect(semctl(k, 0, IPC_RMID) == 0, "IPC_RMID");
    expect_err(semget(key, 0, 0), ENOENT, "the key is gone");
    expect(sysctl_get("sem", buf, sizeof buf) > 0, "read /proc/sys/kernel/sem");
    say("kernel.sem: %s\n", buf);
    char same[4100];
    snprintf(same, sizeof same, "%s\n", buf);
    expect(sysctl_put("sem", same) == 0, "root writes the same four numbers back");
    say("SEMMNI past 32768: %s\n", errname(sysctl_put("sem", "32000 1024000000 500 40000")));
    sysctl_get("sem", buf, sizeof buf);
    expect(!strncmp(buf, same, strlen(buf)), "nothing changed");
}

/* A sleeper woken when another process raises the value, counted by GETNCNT;
 * a wait-for-zero sleeper counted by GETZCNT; first come, first served. */
static void sleepers(void)
{
    int id = semget(IPC_PRIVATE, 2, 0600);
    int p[2];
    if (pipe(p))
        return;
    pid_t a = fork();
    if (a == 0) {
        int r = op(id, 0, -1, 0);
        say_to(p[1], "a");
        _exit(r == 0 ? 0 : 1);
    }
    expect(wait_count(id, 0, GETNCNT, 1), "GETNCNT sees the first sleeper");
    pid_t b = fork();
    if (b == 0) {
        int r = op(id, 0, -1, 0);
        say_to(p[1], "b");
        _exit(r == 0 ? 0 : 1);
    }
    expect(wait_count(id, 0, GETNCNT, 2), "and the second");
    expect(op(id, 0, 1, 0) == 0, "one post");
    char c[3] = { 0 };
    expect(read(p[0], c, 1) == 1 && c[0] == 'a', "the first sleeper goes first");
    expect(child_status(a) == 0, "it finished its semop");
    expect(semctl(id, 0, GETNCNT) == 1, "one still sleeps");
    expect(op(id, 0, 1, 0) == 0 && read(p[0], c + 1, 1) == 1 && c[1] == 'b' && child_status(b) == 0,
           "a second post wakes the second");
    expect(getval(id, 0) == 0, "both took theirs");

    semctl(id, 1, SETVAL, (union semun){ .val = 2 });
    pid_t z = fork();
    if (z == 0)
        _exit(op(id, 1, 0, 0) == 0 ? 0 : 1);
    expect(wait_count(id, 1, GETZCNT, 1), "GETZCNT sees a wait-for-zero sleeper");
    expect(op(id, 1, -1, 0) == 0 && semctl(id, 1, GETZCNT) == 1, "still waiting at 1");
    expect(op(id, 1, -1, 0) == 0 && child_status(z) == 0, "woken at 0");
    semctl(id, 0, IPC_RMID);
    close(p[0]);
    close(p[1]);
}

/* Two processes increment a shared counter under a semaphore mutex. */
static void mutex(void)
{
    int id = semget(IPC_PRIVATE, 1, 0600);
    semctl(id, 0, SETVAL, (union semun){ .val = 1 });
    volatile long *counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *counter = 0;
    pid_t c[2];
    for (int k = 0; k < 2; k++)
        if ((c[k] = fork()) == 0) {
            for (int i = 0; i < 2000; i++) {
                if (op(id, 0, -1, SEM_UNDO))
                    _exit(1);
                long v = *counter;
                if (i % 97 == 0)
                    sched_yield();      /* hold the lock across a switch now and then */
                *counter = v + 1;
                if (op(id, 0, 1, SEM_UNDO))
                    _exit(1);
            }
            _exit(0);
        }
    expect(child_status(c[0]) == 0 && child_status(c[1]) == 0, "both workers finished");
    expect(*counter == 4000, "the counter is 4000 (no lost update)");
    expect(getval(id, 0) == 1, "the mutex is free afterwards");
    semctl(id, 0, IPC_RMID);
}

static void *take_undo(void *arg)
{
    op(*(int *)arg, 0, -1, SEM_UNDO);
    return NULL;
}

static void undo(void)
{
    int id = semget(IPC_PRIVATE, 2, 0600);
    semctl(id, 0, SETVAL, (union semun){ .val = 3 });
    pid_t c = fork();
    if (c == 0) {
        struct sembuf b[2] = { { 0, -2, SEM_UNDO }, { 1, 4, SEM_UNDO } };
        semop(id, b, 2);
        op(id, 1, 1, 0);                /* no undo for this one */
        _exit(getval(id, 0) == 1 && getval(id, 1) == 5 ? 0 : 1);
    }
    expect(child_status(c) == 0, "the child took 2 and added 4 (+1 without undo)");
    expect(getval(id, 0) == 3, "its exit gave the 2 back");
    expect(getval(id, 1) == 1, "and took the 4 back, not the 1");
    expect(semctl(id, 0, GETPID) == c, "GETPID: the exiting process did it");
    /* an adjustment that would go below zero stops at zero */
    c = fork();
    if (c == 0) {
        op(id, 1, 2, SEM_UNDO);         /* 1 + 2, to be undone */
        op(id, 1, -3, 0);               /* 0 */
        _exit(0);
    }
    child_status(c);
    expect(getval(id, 1) == 0, "an undo that would go below 0 stops at 0");
    /* SETVAL clears the adjustments */
    c = fork();
    if (c == 0) {
        op(id, 0, -1, SEM_UNDO);
        semctl(id, 0, SETVAL, (union semun){ .val = 7 });
        _exit(0);
    }
    child_status(c);
    expect(getval(id, 0) == 7, "SETVAL dropped the pending undo");
    /* a thread's SEM_UNDO is its process's: applied when the process ends */
    c = fork();
    if (c == 0) {
        pthread_t t;
        pthread_create(&t, NULL, take_undo, &id);
        pthread_join(t, NULL);
        _exit(getval(id, 0) == 6 ? 0 : 1);
    }
    expect(child_status(c) == 0, "a thread took one with SEM_UNDO and ended");
    expect(getval(id, 0) == 7, "given back when the process ended");
    semctl(id, 0, IPC_RMID);
}

static void timeouts_and_removal(void)
{
    int id = semget(IPC_PRIVATE, 1, 0600);
    struct sembuf b = { 0, -1, 0 };
    struct timespec ts = { 0, 100 * 1000 * 1000 }, t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    expect_err(semtimedop(id, &b, 1, &ts), EAGAIN, "semtimedop times out");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    expect(ms >= 95, "after its 100 ms");
    expect(semctl(id, 0, GETNCNT) == 0, "and left the queue");
    ts.tv_nsec = 0;
    expect_err(semtimedop(id, &b, 1, &ts), EAGAIN, "a zero timeout");
    ts.tv_nsec = 1000000000;
    expect_err(semtimedop(id, &b, 1, &ts), EINVAL, "tv_nsec out of range");

    struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
    sigaction(SIGALRM, &sa, NULL);
    ualarm(50000, 0);
    expect_err(semop(id, &b, 1), EINTR, "a signal ends semop with EINTR, even with SA_RESTART");
    signal(SIGALRM, SIG_DFL);

    pid_t c = fork();
    if (c == 0) {
        int r = op(id, 0, -1, 0);
        _exit(r < 0 && errno == EIDRM ? 0 : 1);
    }
    expect(wait_count(id, 0, GETNCNT, 1), "a child sleeps on the set");
    expect(semctl(id, 0, IPC_RMID) == 0, "IPC_RMID");
    expect(child_status(c) == 0, "the sleeper got EIDRM");
}

int main(void)
{
    basics();
    sleepers();
    mutex();
    undo();
    timeouts_and_removal();
    gt_exit();
}
