/* A signal caught while a process is blocked in a slow system call: read
 * on an empty pipe returns -1 EINTR when the handler was installed without
 * SA_RESTART, and is restarted transparently with SA_RESTART (it then
 * returns the data written later). */
#include "gt.h"
#include <sys/mman.h>

static volatile sig_atomic_t hits;
static void on_usr1(int sig) { (void)sig; hits++; }

/* The child keeps signalling every 100 ms until the parent's read has
 * returned (a flag in shared memory), so a signal that arrives before the
 * parent blocks does not change the outcome.  With SA_RESTART it writes
 * the data after the third signal. */
static void trial(int flags, const char *what)
{
    struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = flags };
    sigaction(SIGUSR1, &sa, NULL);
    volatile int *done = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int p[2];
    pipe(p);
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0) {
        for (int i = 0; i < 100 && !*done; i++) {
            usleep(100000);
            kill(parent, SIGUSR1);
            if (i == 2 && (flags & SA_RESTART))
                write(p[1], "data", 4);
        }
        _exit(0);
    }
    char buf[8];
    errno = 0;
    ssize_t n = read(p[0], buf, sizeof buf);
    int e = errno;
    *done = 1;
    waitpid(c, NULL, 0);
    say("%s: read=%zd errno=%s handler ran: %s\n", what, n, n < 0 ? errname(e) : "-",
        hits > 0 ? "yes" : "no");
    close(p[0]);
    close(p[1]);
    munmap((void *)done, 4096);
    hits = 0;
}

int main(void)
{
    trial(0, "without SA_RESTART");
    trial(SA_RESTART, "with SA_RESTART");
    gt_exit();
}
