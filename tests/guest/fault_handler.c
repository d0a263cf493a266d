/* A SIGSEGV handler sees the fault: si_addr is the faulting address and
 * si_code tells an unmapped address (SEGV_MAPERR) from a permission
 * violation (SEGV_ACCERR).  The handler leaves with siglongjmp, so the
 * faulting instruction is not retried; the signal mask is restored. */
#include "gt.h"
#include <setjmp.h>
#include <sys/mman.h>

static sigjmp_buf env;
static volatile void *fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)uc;
    fault_addr = si->si_addr;
    fault_code = si->si_code;
    siglongjmp(env, 1);
}

static const char *code(int c)
{
    return c == SEGV_MAPERR ? "SEGV_MAPERR" : c == SEGV_ACCERR ? "SEGV_ACCERR" : "other";
}

static void probe(volatile char *addr, int write, const char *what)
{
    fault_addr = NULL;
    if (sigsetjmp(env, 1) == 0) {
        if (write)
            *addr = 1;
        else
            (void)*addr;
        say("%s: no fault\n", what);
        gt_failures++;
        return;
    }
    say("%s: SIGSEGV %s, si_addr is the address: %s\n", what, code(fault_code),
        fault_addr == addr ? "yes" : "no");
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
    sigaction(SIGSEGV, &sa, NULL);
    char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    probe(page + 100, 1, "write to a PROT_READ page");
    mprotect(page, 4096, PROT_NONE);
    probe(page + 8, 0, "read from a PROT_NONE page");
    munmap(page, 4096);
    probe(page + 16, 0, "read after munmap");
    probe((volatile char *)8, 0, "read at address 8");
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    expect(!sigismember(&now, SIGSEGV), "SIGSEGV unblocked after siglongjmp");
    gt_exit();
}
