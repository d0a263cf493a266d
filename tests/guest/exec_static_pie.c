/* A static position-independent executable (ET_DYN without an interpreter,
 * linked with musl's rcrt1.o): the kernel must choose a load base, relocate
 * the entry point and AT_PHDR, and libc then relocates itself.  Checks that
 * globals, thread-local storage and function pointers all work, and that
 * the program was not loaded at address 0.  Re-executes itself once to see
 * that exec of a static-PIE works from a running program too. */
#include "gt.h"

static int global = 42;
static __thread int tls = 7;
static int twice(int x) { return 2 * x; }
static int (*volatile fp)(int) = twice;

int main(int argc, char **argv)
{
    expect(global == 42, "initialized global");
    expect(tls == 7, "initialized thread-local");
    tls = 9;
    expect(tls == 9, "thread-local writable");
    expect(fp(21) == 42, "function pointer relocated");
    expect((unsigned long)&main >= 0x10000, "loaded above 64 KiB");
    if (argc == 1) {
        pid_t c = fork();
        if (c == 0) {
            char *args[] = { argv[0], "again", NULL };
            execv(argv[0], args);
            _exit(99);
        }
        int st;
        waitpid(c, &st, 0);
        say("re-exec: %s\n", status_str(st));
    }
    gt_exit();
}
