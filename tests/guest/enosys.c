/* Unknown system calls: every number without a handler answers ENOSYS, the
 * first time and every time after (numbers in the table's range, beyond
 * it, and -1), leaving every register but rax, rcx and r11 as it was; and
 * a tracer with PTRACE_SYSCALL still stops at the entry and the exit of
 * such a call, with orig_rax the number and rax -ENOSYS, however often the
 * number was used before. */
#include "gt.h"
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>

/* syscall(nr) with every other general register set to a pattern; returns
 * rax and how many of the 13 preserved registers kept their value. */
static long raw_call(long nr, int *kept)
{
    uint64_t in[13], out[13];
    for (int i = 0; i < 13; i++)
        in[i] = 0x1111111111111111ULL * (uint64_t)(i + 1);
    long ret;
    uint64_t *ip = in, *op = out;
    __asm__ volatile(
        "sub $128, %%rsp\n\t"                 /* past the red zone, where in/out may live */
        "push %%rbp\n\t"
        "push %%rbx\n\t"
        "push %%rdx\n\t"                       /* &out */
        "mov 0(%%rsi), %%rbx\n\t"  "mov 8(%%rsi), %%rbp\n\t"  "mov 16(%%rsi), %%rdi\n\t"
        "mov 32(%%rsi), %%r8\n\t"  "mov 40(%%rsi), %%r9\n\t"  "mov 48(%%rsi), %%r10\n\t"
        "mov 56(%%rsi), %%r12\n\t" "mov 64(%%rsi), %%r13\n\t" "mov 72(%%rsi), %%r14\n\t"
        "mov 80(%%rsi), %%r15\n\t" "mov 88(%%rsi), %%rdx\n\t"
        "mov 24(%%rsi), %%rsi\n\t"
        "syscall\n\t"
        "xchg %%rdx, (%%rsp)\n\t"              /* rdx's value on the stack, &out in rdx */
        "mov %%rbx, 0(%%rdx)\n\t"  "mov %%rbp, 8(%%rdx)\n\t"  "mov %%rdi, 16(%%rdx)\n\t"
        "mov %%rsi, 24(%%rdx)\n\t" "mov %%r8, 32(%%rdx)\n\t"  "mov %%r9, 40(%%rdx)\n\t"
        "mov %%r10, 48(%%rdx)\n\t" "mov %%r12, 56(%%rdx)\n\t" "mov %%r13, 64(%%rdx)\n\t"
        "mov %%r14, 72(%%rdx)\n\t" "mov %%r15, 80(%%rdx)\n\t"
        "pop %%rbx\n\t"  "mov %%rbx, 88(%%rdx)\n\t"
        "mov %%rsp, 96(%%rdx)\n\t"
        "pop %%rbx\n\t"
        "pop %%rbp\n\t"
        "add $128, %%rsp\n\t"
        : "=a"(ret), "+S"(ip), "+d"(op)
        : "a"(nr)
        : "rcx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rdi", "memory");
    int k = 0;
    for (int i = 0; i < 12; i++)
        k += out[i] == in[i];
    k += 1;                                    /* rsp: checked by returning at all */
    *kept = k;
    return ret;
}

int main(void)
{
    long nrs[] = { 500, 500, 500, 1500, -1 };
    for (unsigned i = 0; i < sizeof nrs / sizeof nrs[0]; i++) {
        int kept;
        long r = raw_call(nrs[i], &kept);
        say("syscall %ld: %s, registers kept: %d of 13\n", nrs[i], r == -ENOSYS ? "ENOSYS" : "other", kept);
    }
    pid_t c = fork();
    if (c == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        int kept;
        raw_call(500, &kept);
        _exit(raw_call(500, &kept) == -ENOSYS ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    int entries = 0, exits = 0;
    for (int i = 0; i < 20; i++) {
        ptrace(PTRACE_SYSCALL, c, 0, 0);
        if (waitpid(c, &st, 0) != c || !WIFSTOPPED(st))
            break;
        struct user_regs_struct regs;
        ptrace(PTRACE_GETREGS, c, 0, &regs);
        if (regs.orig_rax == 500 && (long)regs.rax == -ENOSYS && (i % 2) == 0)
            entries++;                          /* at entry rax reads -ENOSYS too, as on Linux */
        else if (regs.orig_rax == 500 && (long)regs.rax == -ENOSYS)
            exits++;
    }
    say("traced: %d stops at calls of 500 (entry and exit of each)\n", entries + exits);
    waitpid(c, &st, 0);
    say("tracee: %s\n", status_str(st));
    gt_exit();
}
