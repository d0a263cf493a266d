/* The core-dump flag of a wait status, made deterministic.
 *
 * A "core" signal (SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE,
 * SIGSEGV, SIGSYS) kills with a core dump only if one is written; with
 * RLIMIT_CORE set to 0 (and the process made non-dumpable, so a host whose
 * core_pattern is a pipe writes nothing either) none is, so:
 *   - getrlimit reads back 0, in the process and in a forked child;
 *   - wait4's status has no core flag (WCOREDUMP false), WTERMSIG is the
 *     signal, whether the signal was raised or sent by kill();
 *   - waitid says CLD_KILLED, not CLD_DUMPED, and so does the SIGCHLD
 *     siginfo;
 *   - a real fault (a write through a null pointer) gives the same.
 *
 * Guards against: a core flag (and "core dumped" in shells) for a dump
 * that was never written, RLIMIT_CORE ignored or not inherited. */
#include "lifecycle.h"

static volatile sig_atomic_t chld_code, chld_status, chld_count;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    chld_code = si->si_code;
    chld_status = si->si_status;
    chld_count++;
}

static void no_dump(void)
{
    struct rlimit rl;
    getrlimit(RLIMIT_CORE, &rl);
    rl.rlim_cur = 0;
    setrlimit(RLIMIT_CORE, &rl);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);  /* no dump through a core_pattern pipe either */
}

int main(void)
{
    lc_init();
    no_dump();
    struct rlimit rl;
    getrlimit(RLIMIT_CORE, &rl);
    lc_is("RLIMIT_CORE soft limit after setting it to 0", rl.rlim_cur == 0 ? "0" : "not 0", "0");
    pid_t c = lc_fork();
    if (c == 0) {
        getrlimit(RLIMIT_CORE, &rl);
        _exit(rl.rlim_cur == 0 ? 0 : 1);
    }
    int st;
    lc_wait(c, &st, 0, "child");
    lc_is("RLIMIT_CORE in a forked child", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "0" : "not 0", "0");

    struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_RESTART };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t chld, none;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &none);
    sigdelset(&none, SIGCHLD);

    static const int sigs[] = { SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGSYS };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        for (int how = 0; how < 3; how++) {
            int sig = sigs[i];
            pid_t k = lc_fork();
            if (k == 0) {
                if (how == 0)
                    raise(sig);
                else
                    for (;;)
                        pause();
                _exit(0);
            }
            char what[80], want[64], got[96];
            if (how > 0) {
                lc_msleep(1);
                kill(k, sig);
            }
            if (how < 2) {
                lc_wait(k, &st, 0, "wait");
                snprintf(what, sizeof what, "%s by %s: wait4", lc_signame(sig), how ? "kill" : "raise");
                snprintf(want, sizeof want, "killed by %s", lc_signame(sig));
                lc_is(what, lc_st(st), want);
            } else {
                siginfo_t si;
                chld_count = 0;
                lc_waitid(P_PID, k, &si, WEXITED, "waitid");
                snprintf(got, sizeof got, "%s %s", lc_cld(si.si_code), lc_signame(si.si_status));
                snprintf(what, sizeof what, "%s by kill: waitid", lc_signame(sig));
                snprintf(want, sizeof want, "CLD_KILLED %s", lc_signame(sig));
                lc_is(what, got, want);
                lc_alarmed = 0;
                alarm(LC_TIMEOUT);
                while (!chld_count && !lc_alarmed)
                    sigsuspend(&none);
                alarm(0);
                snprintf(got, sizeof got, "%s %s", chld_count ? lc_cld(chld_code) : "none",
                         chld_count ? lc_signame(chld_status) : "");
                snprintf(what, sizeof what, "%s by kill: SIGCHLD", lc_signame(sig));
                lc_is(what, got, want);
            }
        }
    }

    c = lc_fork();
    if (c == 0) {
        *(volatile int *)BAD_PTR = 1;
        _exit(0);
    }
    lc_wait(c, &st, 0, "fault");
    lc_is("write through a bad pointer", lc_st(st), "killed by SIGSEGV");
    gt_exit();
}
