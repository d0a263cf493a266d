/* The vector registers as a program sees them across the kernel: AVX is
 * usable (CPUID's OSXSAVE, XCR0 with the AVX state), the full YMM registers
 * survive a signal handler that clobbers them, a fork and a switch to
 * another process on the same CPU; a handler starts with clean registers
 * and finds Linux's extended FPU image in its signal frame (magic words,
 * sizes, UC_FP_XSTATE), and what it changes there is what the interrupted
 * code resumes with; a frame whose MXCSR would fault is refused with
 * SIGSEGV; AT_MINSIGSTKSZ covers a frame; and sigaltstack's rules
 * (EPERM on the stack, bad flags, SS_AUTODISARM, fork and exec). */
#include "gt.h"
#include <sched.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <ucontext.h>

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define UC_FP_XSTATE 0x1

struct sw_bytes {
    uint32_t magic1, extended_size;
    uint64_t xfeatures;
    uint32_t xstate_size, pad[7];
};

static uint8_t pat_a[32], pat_b[32], pat_c[32], zero[32];

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

/* ymm12 := in; a system call (nr, a1, a2); out := ymm12, out2 := ymm13.
 * Nothing but the kernel (and a handler it runs) can touch the registers
 * in between. */
static long ymm_around_syscall(const uint8_t *in, uint8_t *out, uint8_t *out2, long nr, long a1, long a2)
{
    long ret;
    __asm__ volatile("vmovdqu (%[in]), %%ymm12\n\t"
                     "vmovdqu (%[in]), %%ymm13\n\t"
                     "syscall\n\t"
                     "vmovdqu %%ymm12, (%[out])\n\t"
                     "vmovdqu %%ymm13, (%[out2])\n\t"
                     "vzeroupper"
                     : "=a"(ret)
                     : "a"(nr), "D"(a1), "S"(a2), [in] "r"(in), [out] "r"(out), [out2] "r"(out2)
                     : "rcx", "r11", "memory", "xmm12", "xmm13");
    return ret;
}

static uint8_t in_handler_ymm12[32];
static int frame_magic_ok, frame_flags_ok, frame_size_ok;
static unsigned avx_offset;
static volatile int edit_frame, bad_mxcsr;

static void on_usr1(int sig, siginfo_t *si, void *ucv)
{
    __asm__ volatile("vmovdqu %%ymm12, (%0)\n\t"
                     "vpcmpeqd %%ymm12, %%ymm12, %%ymm12\n\t"   /* clobber: all ones */
                     "vpcmpeqd %%ymm13, %%ymm13, %%ymm13"
                     : : "r"(in_handler_ymm12) : "memory", "xmm12", "xmm13");
    ucontext_t *uc = ucv;
    uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;
    struct sw_bytes *sw = (struct sw_bytes *)(fp + 464);
    frame_flags_ok = (uc->uc_flags & UC_FP_XSTATE) != 0;
    frame_magic_ok = sw->magic1 == FP_XSTATE_MAGIC1 &&
                     *(uint32_t *)(fp + sw->xstate_size) == FP_XSTATE_MAGIC2;
    frame_size_ok = sw->extended_size == sw->xstate_size + 4 && (sw->xfeatures & 7) == 7;
    if (edit_frame) {
        /* ymm13 resumes as pat_c: low half in the legacy XMM area, high
         * half in the AVX component */
        memcpy(fp + 160 + 13 * 16, pat_c, 16);
        memcpy(fp + avx_offset + 13 * 16, pat_c + 16, 16);
    }
    if (bad_mxcsr)
        *(uint32_t *)(fp + 24) = 0xffffffffU;
}

static int bad_mxcsr_child(void)
{
    uint8_t o1[32], o2[32];
    bad_mxcsr = 1;
    ymm_around_syscall(pat_a, o1, o2, SYS_kill, getpid(), SIGUSR1);
    return 0;                       /* not reached: sigreturn refuses the frame */
}

static void avx_state(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    int osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1;
    expect(avx, "CPU has AVX");
    expect(osxsave, "OSXSAVE reported: the kernel enabled XSAVE");
    if (!osxsave)
        gt_exit();
    uint64_t xcr0 = xgetbv0();
    expect((xcr0 & 7) == 7, "XCR0 has x87, SSE and AVX state");
    cpuid(0xd, 2, r);
    avx_offset = r[1];
    expect(avx_offset >= 576, "AVX component after the XSAVE header");
}

static void across_signal(void)
{
    struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
    sigaction(SIGUSR1, &sa, NULL);
    uint8_t o12[32], o13[32];
    ymm_around_syscall(pat_a, o12, o13, SYS_kill, getpid(), SIGUSR1);
    expect(memcmp(in_handler_ymm12, zero, 32) == 0, "handler starts with ymm12 zeroed");
    expect(memcmp(o12, pat_a, 32) == 0, "all 256 bits of ymm12 survive the handler");
    expect(memcmp(o13, pat_a, 32) == 0, "ymm13 survives the handler");
    expect(frame_flags_ok, "uc_flags has UC_FP_XSTATE");
    expect(frame_magic_ok, "frame's FPU image has both magic words");
    expect(frame_size_ok, "extended size is the XSAVE size + 4, with x87/SSE/AVX");
    edit_frame = 1;
    ymm_around_syscall(pat_a, o12, o13, SYS_kill, getpid(), SIGUSR1);
    edit_frame = 0;
    expect(memcmp(o13, pat_c, 32) == 0, "ymm13 resumes with what the handler wrote in the frame");
    expect(memcmp(o12, pat_a, 32) == 0, "ymm12 untouched by that edit");
    say("bad MXCSR in the frame: %s\n", status_str(run_child(bad_mxcsr_child)));
}

static void across_fork(void)
{
    uint8_t o12[32], o13[32];
    long pid = ymm_around_syscall(pat_b, o12, o13, SYS_fork, 0, 0);
    if (pid == 0)
        _exit(memcmp(o12, pat_b, 32) == 0 && memcmp(o13, pat_b, 32) == 0 ? 0 : 1);
    int st;
    waitpid(pid, &st, 0);
    expect(memcmp(o12, pat_b, 32) == 0, "parent keeps ymm12 across fork");
    say("child sees the parent's ymm12: %s\n", status_str(st));
}

/* Two processes on one CPU, each with its own ymm12, yielding to each other. */
static int switch_worker(int id)
{
    uint8_t mine[32], o12[32], o13[32];
    for (int i = 0; i < 32; i++)
        mine[i] = (uint8_t)(id * 37 + i * 11);
    for (int n = 0; n < 300; n++) {
        ymm_around_syscall(mine, o12, o13, SYS_sched_yield, 0, 0);
        if (memcmp(o12, mine, 32) || memcmp(o13, mine, 32))
            return 1;
    }
    return 0;
}

static void across_switch(void)
{
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    pid_t p[2];
    for (int i = 0; i < 2; i++) {
        p[i] = fork();
        if (p[i] == 0) {
            sched_setaffinity(0, sizeof one, &one);
            _exit(switch_worker(i + 1));
        }
    }
    for (int i = 0; i < 2; i++) {
        int st;
        waitpid(p[i], &st, 0);
        say("yielding process %d keeps its ymm12: %s\n", i + 1, status_str(st));
    }
}

static volatile uintptr_t frame_low;
static volatile int alt_flags_in_handler, alt_eperm, alt_flags_seen;

static void on_usr2(int sig, siginfo_t *si, void *ucv)
{
    frame_low = (uintptr_t)ucv - 8;     /* the return address below the ucontext */
    stack_t cur, again = { .ss_size = 65536 };
    sigaltstack(NULL, &cur);
    alt_flags_in_handler = cur.ss_flags;
    again.ss_sp = malloc(65536);
    alt_eperm = syscall(SYS_sigaltstack, &again, NULL) == -1 ? errno : 0;
    free(again.ss_sp);
    alt_flags_seen = ((ucontext_t *)ucv)->uc_stack.ss_flags;
}

static void altstack(void)
{
    long minsig = (long)getauxval(AT_MINSIGSTKSZ);
    expect(minsig >= 1024, "AT_MINSIGSTKSZ given and at least 1 KiB");
    size_t size = minsig + 16384;
    char *mem = malloc(size);
    stack_t ss = { .ss_sp = mem, .ss_size = size }, old;
    expect(sigaltstack(NULL, &old) == 0 && old.ss_flags == SS_DISABLE, "no alternate stack at first");
    /* the system call itself (libc checks some of these first) */
    expect_err(syscall(SYS_sigaltstack, &(stack_t){ .ss_sp = mem, .ss_size = size, .ss_flags = 5 }, NULL), EINVAL,
               "bad ss_flags");
    expect_err(syscall(SYS_sigaltstack, &(stack_t){ .ss_sp = mem, .ss_size = 100 }, NULL), ENOMEM, "too small a stack");
    expect_err(syscall(SYS_sigaltstack, BAD_PTR, NULL), EFAULT, "bad new-stack pointer");
    expect(syscall(SYS_sigaltstack, &(stack_t){ .ss_sp = mem, .ss_size = size, .ss_flags = SS_ONSTACK }, NULL) == 0,
           "SS_ONSTACK accepted as 0");
    expect(sigaltstack(&ss, NULL) == 0, "sigaltstack set");
    expect_err(syscall(SYS_sigaltstack, NULL, BAD_PTR), EFAULT, "bad old-stack pointer");
    struct sigaction sa = { .sa_sigaction = on_usr2, .sa_flags = SA_SIGINFO | SA_ONSTACK };
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    uintptr_t top = (uintptr_t)mem + size;
    expect(frame_low >= (uintptr_t)mem && frame_low < top, "handler ran on the alternate stack");
    expect(top - frame_low <= (uintptr_t)minsig, "the frame fits in AT_MINSIGSTKSZ");
    say("in the handler: ss_flags %#x, changing it: %s, uc_stack flags %#x\n", alt_flags_in_handler,
        errname(alt_eperm), alt_flags_seen);
    sigaltstack(NULL, &old);
    say("after the handler: ss_flags %#x\n", old.ss_flags);

    ss.ss_flags = SS_AUTODISARM;
    expect(sigaltstack(&ss, NULL) == 0, "sigaltstack with SS_AUTODISARM");
    raise(SIGUSR2);
    say("autodisarm, in the handler: ss_flags %#x, changing it: %s, uc_stack flags %#x\n",
        alt_flags_in_handler, errname(alt_eperm), alt_flags_seen);
    sigaltstack(NULL, &old);
    say("autodisarm, after the handler: ss_flags %#x, same stack %s\n", old.ss_flags,
        old.ss_sp == mem && old.ss_size == size ? "yes" : "no");
    pid_t pid = fork();
    if (pid == 0) {
        sigaltstack(NULL, &old);
        _exit(old.ss_sp == mem && old.ss_size == size ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    say("fork keeps the alternate stack: %s\n", status_str(st));
}

int main(int argc, char **argv)
{
    if (argc > 1) {                 /* after exec: the alternate stack is gone */
        stack_t old;
        sigaltstack(NULL, &old);
        say("after exec: stack %s, size %zu, ss_flags %#x\n", old.ss_sp ? "set" : "none", old.ss_size,
            old.ss_flags);
        return 0;
    }
    for (int i = 0; i < 32; i++) {
        pat_a[i] = (uint8_t)(i * 7 + 1);
        pat_b[i] = (uint8_t)(0xa5 ^ i);
        pat_c[i] = (uint8_t)(0x3c + i * 3);
    }
    avx_state();
    across_signal();
    across_fork();
    across_switch();
    altstack();
    pid_t pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    say("exec: %s\n", status_str(st));
    gt_exit();
}
