/* Hardware faults become signals that kill only the faulting process:
 * a NULL dereference and a write into the program's own (read-only) code
 * give SIGSEGV, ud2 gives SIGILL, an integer divide by zero gives SIGFPE,
 * int3 gives SIGTRAP.  Each fault happens in a child; the parent reaps it
 * and keeps running. */
#include "gt.h"

static int null_deref(void)
{
    volatile int *p = BAD_PTR;
    p = (volatile int *)((unsigned long)p - 1);      /* NULL */
    return *p;
}

static int write_code(void)
{
    volatile unsigned char *code = (volatile unsigned char *)(void *)&write_code;
    code[0] = 0xc3;
    return 0;
}

static int undefined_insn(void)
{
    __asm__ volatile("ud2");
    return 0;
}

static volatile int zero = 0;
static int divide_by_zero(void)
{
    volatile int x = 42;
    return x / zero;
}

static int breakpoint(void)
{
    __asm__ volatile("int3");
    return 0;
}

static void one(int (*fn)(void), const char *what, int sig)
{
    int st = run_child(fn);
    say("%s: %s\n", what, status_str(st));
    if (!WIFSIGNALED(st) || WTERMSIG(st) != sig)
        gt_failures++;
}

int main(void)
{
    one(null_deref, "NULL dereference", SIGSEGV);
    one(write_code, "write to own code", SIGSEGV);
    one(undefined_insn, "ud2", SIGILL);
    one(divide_by_zero, "divide by zero", SIGFPE);
    one(breakpoint, "int3", SIGTRAP);
    say("parent still running: yes\n");
    gt_exit();
}
