/* Signal calls, error by error as their man pages list them:
 * rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend,
 * rt_sigtimedwait, rt_sigqueueinfo, rt_tgsigqueueinfo, sigaltstack, kill,
 * tkill/tgkill (errors_ids has more) and pause.  Unknown signals and bad
 * sigset sizes (EINVAL), SIGKILL/SIGSTOP handlers (EINVAL), bad pointers
 * (EFAULT), unknown pids (ESRCH), a timed-out wait (EAGAIN), an
 * interrupted one (EINTR), and as the user nobody EPERM. */
#include "gt_errors.h"
#include <time.h>

#define NOPID 4000000
#define SS 8                            /* the kernel's sigset size */

struct ksigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask;
};

static volatile int got;
static void on_usr1(int sig) { got = sig; }

static void as_nobody(void)
{
    siginfo_t si = { .si_code = SI_QUEUE };
    E(syscall(SYS_kill, 1, SIGUSR1), EPERM);
    E(syscall(SYS_rt_sigqueueinfo, 1, SIGUSR1, &si), EPERM);
    E(syscall(SYS_tgkill, 1, 1, SIGUSR1), EPERM);
}

int main(void)
{
    gt_errors_init();
    struct ksigaction ka = { SIG_DFL, 0, NULL, 0 };
    unsigned long set = 0, old;
    siginfo_t si;
    struct timespec zero = { 0, 0 }, bad_ns = { 0, 1000000000 };

    say("-- rt_sigaction\n");
    E(syscall(SYS_rt_sigaction, 0, &ka, NULL, SS), EINVAL);
    E(syscall(SYS_rt_sigaction, 65, &ka, NULL, SS), EINVAL);
    E(syscall(SYS_rt_sigaction, -1, &ka, NULL, SS), EINVAL);
    E(syscall(SYS_rt_sigaction, SIGKILL, &ka, NULL, SS), EINVAL);
    E(syscall(SYS_rt_sigaction, SIGSTOP, &ka, NULL, SS), EINVAL);
    OK(syscall(SYS_rt_sigaction, SIGKILL, NULL, &ka, SS));
    E(syscall(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 4), EINVAL);
    E(syscall(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 16), EINVAL);
    E(syscall(SYS_rt_sigaction, SIGUSR1, BAD_PTR, NULL, SS), EFAULT);
    E(syscall(SYS_rt_sigaction, SIGUSR1, NULL, BAD_PTR, SS), EFAULT);

    say("-- rt_sigprocmask, rt_sigpending\n");
    E(syscall(SYS_rt_sigprocmask, 99, &set, NULL, SS), EINVAL);
    E(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL);
    E(syscall(SYS_rt_sigprocmask, SIG_BLOCK, BAD_PTR, NULL, SS), EFAULT);
    E(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, BAD_PTR, SS), EFAULT);
    OK(syscall(SYS_rt_sigprocmask, 99, NULL, &old, SS));
    set = (1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1));
    OK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, SS));
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &old, SS);
    say("SIGKILL and SIGSTOP cannot be blocked: %s\n", old & set ? "no" : "yes");
    OK(syscall(SYS_rt_sigpending, &set, 4));
    E(syscall(SYS_rt_sigpending, &set, 16), EINVAL);
    E(syscall(SYS_rt_sigpending, BAD_PTR, SS), EFAULT);
    OK(syscall(SYS_rt_sigpending, &set, SS));

    say("-- rt_sigtimedwait, rt_sigsuspend, pause\n");
    set = 1UL << (SIGUSR2 - 1);
    E(syscall(SYS_rt_sigtimedwait, &set, &si, &zero, SS), EAGAIN);
    E(syscall(SYS_rt_sigtimedwait, &set, &si, &bad_ns, SS), EINVAL);
    E(syscall(SYS_rt_sigtimedwait, &set, &si, &zero, 4), EINVAL);
    E(syscall(SYS_rt_sigtimedwait, BAD_PTR, &si, &zero, SS), EFAULT);
    E(syscall(SYS_rt_sigtimedwait, &set, &si, BAD_PTR, SS), EFAULT);
    E(syscall(SYS_rt_sigsuspend, &set, 4), EINVAL);
    E(syscall(SYS_rt_sigsuspend, BAD_PTR, SS), EFAULT);
    signal(SIGUSR1, on_usr1);
    set = 1UL << (SIGUSR1 - 1);
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, SS);
    kill(getpid(), SIGUSR1);
    unsigned long none = 0;
    E(syscall(SYS_rt_sigsuspend, &none, SS), EINTR);
    say("the handler ran: %s\n", got == SIGUSR1 ? "yes" : "no");
    syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, SS);
    alarm(1);
    signal(SIGALRM, on_usr1);
    E(syscall(SYS_pause), EINTR);

    say("-- kill, rt_sigqueueinfo, rt_tgsigqueueinfo\n");
    E(syscall(SYS_kill, getpid(), 65), EINVAL);
    E(syscall(SYS_kill, getpid(), -1), EINVAL);
    E(syscall(SYS_kill, NOPID, 0), ESRCH);
    E(syscall(SYS_kill, -NOPID, 0), ESRCH);
    E(syscall(SYS_kill, 0x80000000L, 0), ESRCH);
    OK(syscall(SYS_kill, getpid(), 0));
    memset(&si, 0, sizeof si);
    si.si_code = SI_QUEUE;
    E(syscall(SYS_rt_sigqueueinfo, getpid(), 65, &si), EINVAL);
    E(syscall(SYS_rt_sigqueueinfo, NOPID, SIGUSR1, &si), ESRCH);
    E(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, BAD_PTR), EFAULT);
    /* a code the kernel's own (>= 0) or SI_TKILL: only to oneself */
    pid_t c = fork_sleeper();
    si.si_code = SI_USER;
    E(syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &si), EPERM);
    si.si_code = SI_KERNEL;
    OK(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si));
    si.si_code = SI_TKILL;
    E(syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &si), EPERM);
    E(syscall(SYS_rt_tgsigqueueinfo, c, c, SIGUSR1, &si), EPERM);
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    si.si_code = SI_QUEUE;
    E(syscall(SYS_rt_tgsigqueueinfo, getpid(), NOPID, SIGUSR1, &si), ESRCH);
    E(syscall(SYS_rt_tgsigqueueinfo, 0, getpid(), SIGUSR1, &si), EINVAL);
    E(syscall(SYS_rt_tgsigqueueinfo, getpid(), getpid(), 65, &si), EINVAL);
    E(syscall(SYS_rt_tgsigqueueinfo, getpid(), getpid(), SIGUSR1, BAD_PTR), EFAULT);
    si.si_code = SI_TKILL;
    OK(syscall(SYS_rt_tgsigqueueinfo, getpid(), getpid(), SIGUSR1, &si));

    say("-- sigaltstack\n");
    static char stack_mem[1 << 16];
    stack_t ss = { .ss_sp = stack_mem, .ss_size = 1024, .ss_flags = 0 };
    E(syscall(SYS_sigaltstack, &ss, NULL), ENOMEM);
    ss.ss_size = sizeof stack_mem;
    ss.ss_flags = 0x10;
    E(syscall(SYS_sigaltstack, &ss, NULL), EINVAL);
    ss.ss_flags = SS_ONSTACK;
    OK(syscall(SYS_sigaltstack, &ss, NULL));
    E(syscall(SYS_sigaltstack, BAD_PTR, NULL), EFAULT);
    E(syscall(SYS_sigaltstack, NULL, BAD_PTR), EFAULT);
    ss.ss_flags = SS_DISABLE;
    OK(syscall(SYS_sigaltstack, &ss, NULL));

    say("-- as nobody\n");
    in_child_as_nobody(as_nobody);
    gt_exit();
}
