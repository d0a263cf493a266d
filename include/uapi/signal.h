/* Linux x86-64 signal ABI: numbers, sets, the kernel sigaction, siginfo. */
#ifndef UAPI_SIGNAL_H
#define UAPI_SIGNAL_H

#include <stdint.h>

#define NSIG 65            /* signals 1..64 */
typedef uint64_t sigset_t; /* bit (n-1) = signal n */
#define SIGBIT(n) (1ULL << ((n) - 1))

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN 32

#define SIG_DFL 0UL
#define SIG_IGN 1UL

#define SA_NOCLDSTOP 0x00000001UL
#define SA_NOCLDWAIT 0x00000002UL
#define SA_SIGINFO   0x00000004UL
#define SA_RESTORER  0x04000000UL
#define SA_ONSTACK   0x08000000UL
#define SA_RESTART   0x10000000UL
#define SA_NODEFER   0x40000000UL
#define SA_RESETHAND 0x80000000UL

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* rt_sigaction's struct, 32 bytes (not libc's). */
struct k_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    sigset_t mask;
};

/* siginfo_t, 128 bytes; the union members Tessera fills. */
typedef struct {
    int32_t si_signo;
    int32_t si_errno;
    int32_t si_code;
    int32_t _pad0;
    union {
        struct { int32_t pid; uint32_t uid; int32_t status; int32_t _p; int64_t utime, stime; } chld;
        struct { int32_t pid; uint32_t uid; } kill;
        struct { int32_t pid; uint32_t uid; uint64_t value; } rt;     /* sigqueue, SI_MESGQ: si_value */
        struct { uint64_t addr; } fault;
        struct { int32_t tid; int32_t overrun; uint64_t value; } timer;   /* si_timerid, si_overrun, si_value */
        struct { uint64_t call_addr; int32_t syscall; uint32_t arch; } sys;   /* SIGSYS: si_call_addr, ... */
        struct { int64_t band; int32_t fd; } poll;    /* SIGIO/F_SETSIG: si_band, si_fd */
        uint8_t _raw[112];
    } u;
} siginfo_t;

#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TKILL (-6)
#define SI_TIMER (-2)
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define BUS_ADRERR 2

#define MINSIGSTKSZ 2048
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1U << 31)

#endif
