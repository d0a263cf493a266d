/* gt-side: guest-only.  Random system calls on the host could do real harm
 * (they run as the invoking user); inside Tessera they must not.
 *
 * Robustness: children make thousands of system calls with random numbers
 * and arguments: wild pointers (NULL, unmapped, kernel addresses, misaligned),
 * huge and negative sizes, bogus descriptors and flags.  Each child may fail
 * its calls or die of a signal, but the kernel must stay up, and afterwards
 * ordinary fork, pipe, exec and file I/O must still work.  Calls that would
 * hit other processes (kill, pidfd_send_signal, reboot, renice, re-class, lend tickets) or the
 * whole system (host name), or multiply processes (fork, clone, execve),
 * are left out.  Each child runs the calls in three threads at once, so
 * the random calls also race on one address space, descriptor table and
 * signal state.  prctl and seccomp stay in: a random seccomp mode or filter
 * (random programs are almost always refused by the validator) binds only
 * the fuzzing thread that set it, or its process, and at worst ends them,
 * which the test allows; the validator meets random programs this way. */
#include "gt.h"
#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#define CHILDREN 16
#define CALLS 3000
#define THREADS 3                       /* per child, the first included */

static __thread uint64_t rng;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char buf[8192] __attribute__((aligned(64)));

static long pick_arg(void)
{
    switch (next() % 12) {
    case 0: return 0;
    case 1: return 1;
    case 2: return -1;
    case 3: return (long)(next() % 64);                  /* small ints, fds */
    case 4: return (long)buf + (long)(next() % 4096);    /* a valid, maybe misaligned buffer */
    case 5: return (long)0xffff800000000000UL + (long)(next() % (1UL << 30));   /* kernel direct map */
    case 6: return (long)0xffffffff80000000UL + (long)(next() % (1UL << 20));   /* kernel image */
    case 7: return (long)(next() & 0x00007fffffffffffUL);  /* random user address */
    case 8: return (long)0x00007ffffffff000UL;            /* the top user page */
    case 9: return (long)(next() % 100000);
    case 10: return (long)(1UL << (next() % 63));
    default: return (long)next();
    }
}

static bool excluded(long nr)
{
    switch (nr) {
    case SYS_kill: case SYS_tkill: case SYS_tgkill: case SYS_rt_sigqueueinfo: case SYS_rt_tgsigqueueinfo:
    case SYS_reboot: case SYS_fork: case SYS_vfork: case SYS_clone: case SYS_execve: case SYS_execveat:
    case 435 /* clone3 */: case SYS_exit: case SYS_exit_group:
    /* calls that change other processes or the whole system, so later tests
     * in the same boot would see the damage */
    case SYS_setpriority: case SYS_sched_setscheduler: case SYS_sched_setparam: case SYS_sched_setaffinity:
    case SYS_sethostname: case SYS_setdomainname: case 1001 /* tessera_sched_set */: case 1002 /* lend */:
    case SYS_sched_setattr: case SYS_syslog /* console level */:
    /* calls that reach into other processes: tracing one stops it, and
     * writing another's memory would corrupt it (on the host too) */
    case SYS_ptrace: case SYS_process_vm_writev:
    /* signals another process through a pidfd (pidfd_open of a random pid) */
    case 424 /* pidfd_send_signal */:
    /* a System V segment, semaphore set or message queue outlives its
     * creator by design (until IPC_RMID): the leak check after the test
     * would count one made at random */
    case SYS_shmget: case SYS_semget: case SYS_msgget:
        return true;
    }
    return false;
}

static void *fuzz_calls(void *arg)
{
    rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)arg;
    for (int i = 0; i < CALLS / THREADS; i++) {
        /* Linux's numbers 0-339 and 424-451 (pidfds, epoll_pwait2...), and
         * Tessera's own from 1000 */
        uint64_t pick = next() % 9;
        long nr = pick == 0 ? 1000 + (long)(next() % 4) : pick == 1 ? 424 + (long)(next() % 28) : (long)(next() % 340);
        if (excluded(nr))
            continue;
        long r = syscall(nr, pick_arg(), pick_arg(), pick_arg(), pick_arg(), pick_arg(), pick_arg());
        /* a System V segment outlives its creator (as on Linux): removed,
         * so later tests do not find it (nor the leak check count it) */
        if (nr == SYS_shmget && r >= 0)
            shmctl((int)r, IPC_RMID, NULL);
    }
    return NULL;
}

static void fuzz(unsigned seed)
{
    /* nothing the calls do may reach the test's output or other processes */
    int devnull = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; fd++)
        dup2(devnull, fd);
    setpgid(0, 0);
    alarm(1);                           /* a call that blocks forever ends the process here */
    rng = 0x9e3779b97f4a7c15ULL ^ seed;
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = "abcdefgh"[next() % 8];
    buf[sizeof buf - 1] = 0;
    pthread_t t[THREADS];
    int n = 0;
    for (int i = 1; i < THREADS; i++)
        if (pthread_create(&t[n], NULL, fuzz_calls, (void *)(uintptr_t)(seed * 31 + i)) == 0)
            n++;
    fuzz_calls((void *)(uintptr_t)seed);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    _exit(0);
}

/* POSIX message queues made at random (mq_open with O_CREAT) outlive
 * their creators until unlinked, as on Linux: removed through the mqueue
 * file system, so later tests do not find them (nor the leak check count
 * them). */
static void remove_queues(void)
{
    mkdir("mq", 0755);
    if (mount("none", "mq", "mqueue", 0, NULL) < 0)
        return;
    DIR *d = opendir("mq");
    struct dirent *e;
    char path[300];
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "mq/%s", e->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
    umount("mq");
    rmdir("mq");
}

int main(void)
{
    int exited = 0, signaled = 0;
    for (unsigned c = 0; c < CHILDREN; c++) {
        pid_t p = fork();
        if (p == 0)
            fuzz(c * 7919 + 1);
        int st = 0;
        /* the child may have ignored SIGALRM or stopped itself: after two
         * seconds it gets SIGKILL, which nothing can refuse */
        pid_t r = 0;
        for (int waited = 0; waited < 200 && (r = waitpid(p, &st, WNOHANG)) == 0; waited++)
            usleep(10000);
        if (r == 0) {
            kill(p, SIGKILL);
            waitpid(p, &st, 0);
        }
        if (WIFEXITED(st))
            exited++;
        else if (WIFSIGNALED(st))
            signaled++;
        kill(-p, SIGKILL);              /* anything it left behind */
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
    }
    say("children finished: %s\n", exited + signaled == CHILDREN ? "all" : "some missing");
    remove_queues();
    /* the system still works */
    int fds[2];
    expect(pipe(fds) == 0, "pipe after fuzzing");
    pid_t p = fork();
    if (p == 0) {
        dup2(fds[1], 1);
        execl("/bin/busybox", "echo", "alive", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char out[16] = { 0 };
    ssize_t n = read(fds[0], out, sizeof out - 1);
    int st;
    waitpid(p, &st, 0);
    expect(n == 6 && !strcmp(out, "alive\n"), "fork, exec and pipe still work");
    int fd = open("after-fuzz", O_CREAT | O_RDWR | O_TRUNC, 0644);
    expect(fd >= 0 && write(fd, "ok", 2) == 2 && lseek(fd, 0, SEEK_SET) == 0 && read(fd, out, 2) == 2,
           "file I/O still works");
    gt_exit();
}
