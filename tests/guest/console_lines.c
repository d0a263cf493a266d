/* gt-side: guest-only.  It checks the serial console itself, which only the
 * host sees: booted as init by `make test-console`, it floods the console;
 * tests/guest/console_check.py then reads what came out.  Run by the test
 * driver (not as pid 1) it only says so.
 *
 * Kernel log lines and program output on one console never mix: one
 * process, on CPU 0, writes USER_LINES lines of 100 'U's to the console,
 * 40 lines per write(2); another, on CPU 1, meanwhile makes the kernel log
 * until the writer is done, two ways: messages of 100 'K's through
 * /dev/kmsg (at error level, so every console shows them) and switches of
 * the scheduling policy, each logged as "sched: system policy is now X"
 * (this works on kernels without /dev/kmsg too, which is how the test was
 * seen to fail before the console lock).  Every console line must then be
 * either exactly a program line or exactly a kernel line; the last line
 * says how many of each were written. */
#include "gt.h"
#include <sched.h>
#include <sys/mman.h>

#define USER_LINES 4000
#define PER_WRITE 40
#define WIDTH 100

int main(void)
{
    if (getpid() != 1) {
        say("console_lines: runs as init (make test-console)\n");
        gt_exit();
    }
    volatile int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED)
        return 1;
    int con = open("/dev/console", O_WRONLY);
    static char lines[PER_WRITE * (WIDTH + 1)];
    for (int i = 0; i < PER_WRITE; i++) {
        memset(lines + i * (WIDTH + 1), 'U', WIDTH);
        lines[i * (WIDTH + 1) + WIDTH] = '\n';
    }
    pid_t writer = fork();
    if (writer == 0) {
        gt_pin(0);
        while (!shared[1])              /* both sides start together */
            sched_yield();
        for (int i = 0; i < USER_LINES / PER_WRITE; i++)
            if (write(con, lines, sizeof lines) != (ssize_t)sizeof lines)
                _exit(1);
        shared[0] = 1;
        _exit(0);
    }
    pid_t logger = fork();
    if (logger == 0) {
        gt_pin(1);
        int k = open("/dev/kmsg", O_WRONLY);
        char msg[WIDTH + 16];
        int n = snprintf(msg, sizeof msg, "<3>kmix ");
        memset(msg + n, 'K', WIDTH);
        msg[n + WIDTH] = '\n';
        char names[512], *policy[16];
        int npolicies = 0;
        if (read_file("/proc/sys/kernel/sched_policies", names, sizeof names) > 0)
            for (char *w = strtok(names, " \n"); w && npolicies < 16; w = strtok(NULL, " \n"))
                policy[npolicies++] = w;
        int p = open("/proc/sys/kernel/sched_policy", O_WRONLY);
        shared[1] = 1;
        for (int i = 0; !shared[0]; i++) {
            if (k >= 0 && write(k, msg, (size_t)n + WIDTH + 1) > 0)
                shared[2]++;
            /* a different policy each time: each switch logs one line */
            if (p >= 0 && npolicies > 1 && write(p, policy[i % npolicies], strlen(policy[i % npolicies])) > 0)
                shared[2]++;
        }
        _exit(0);
    }
    int st1 = -1, st2 = -1;
    waitpid(writer, &st1, 0);
    waitpid(logger, &st2, 0);
    char sum[128];
    int n = snprintf(sum, sizeof sum, "console_lines: wrote %d user lines and %d kernel lines (%s)\n", USER_LINES,
                     shared[2], st1 == 0 && st2 == 0 ? "ok" : "a writer failed");
    write(con, sum, (size_t)n);
    return st1 == 0 && st2 == 0 ? 0 : 1;
}
