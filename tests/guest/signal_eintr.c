/* A signal caught while a process is blocked in a slow system call: read
 * on an empty pipe returns -1 EINTR when the handler was installed without
 * SA_RESTART, and is restarted transparently with SA_RESTART (it then
 * returns the data written later).  The signal comes from a child that
 * waits until the parent is likely blocked; either way the outcome is the
 * same. */
#include "gt.h"

static volatile sig_atomic_t hits;
static void on_usr1(int sig) { (void)sig; hits++; }

static void trial(int flags, const char *what)
{
    struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = flags };
    sigaction(SIGUSR1, &sa, NULL);
    int p[2];
    pipe(p);
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0) {
        usleep(200000);
        kill(parent, SIGUSR1);
        usleep(200000);
        write(p[1], "data", 4);
        _exit(0);
    }
    char buf[8];
    errno = 0;
    ssize_t n = read(p[0], buf, sizeof buf);
    say("%s: read=%zd errno=%s hits=%d\n", what, n, n < 0 ? errname(errno) : "-", hits);
    waitpid(c, NULL, 0);
    close(p[0]);
    close(p[1]);
    hits = 0;
}

int main(void)
{
    trial(0, "without SA_RESTART");
    trial(SA_RESTART, "with SA_RESTART");
    gt_exit();
}
