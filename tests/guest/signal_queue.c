/* sigqueue and rt_tgsigqueueinfo, compared with Linux: the value and
 * SI_QUEUE reach the handler (process-directed and thread-directed), and a
 * siginfo claiming a kernel code (SI_USER) sent to another process is
 * EPERM; a bad signal number EINVAL, a missing process ESRCH.
 * Guards against: rt_sigqueueinfo/rt_tgsigqueueinfo returning ENOSYS. */
#define _GNU_SOURCE
#include "gt.h"
#include <sys/syscall.h>

static volatile int got, val, code;

static void handler(int s, siginfo_t *si, void *u)
{
    (void)s;
    (void)u;
    got++;
    val = si->si_value.sival_int;
    code = si->si_code;
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGRTMIN, &sa, NULL);
    union sigval v = { .sival_int = 1234 };
    expect(sigqueue(getpid(), SIGRTMIN, v) == 0, "sigqueue to itself");
    expect(got == 1 && val == 1234 && code == SI_QUEUE, "the handler got the value with SI_QUEUE");
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_value.sival_int = 77;
    expect(syscall(SYS_rt_tgsigqueueinfo, getpid(), syscall(SYS_gettid), SIGRTMIN, &si) == 0,
           "rt_tgsigqueueinfo to its own thread");
    expect(got == 2 && val == 77, "the handler got that value");
    si.si_code = SI_USER;
    expect_err(syscall(SYS_rt_sigqueueinfo, 1, SIGRTMIN, &si), EPERM, "a kernel si_code sent to another process");
    expect_err(sigqueue(getpid(), 99, v), EINVAL, "signal 99");
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    waitpid(c, NULL, 0);
    expect_err(sigqueue(c, SIGRTMIN, v), ESRCH, "a reaped process");
    gt_exit();
}
