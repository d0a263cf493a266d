/* gt-side: guest-only.  Reads Tessera's /proc/<pid>/sched "cpu:" line.
 *
 * Load balancing: two CPU-bound processes started together end up on
 * different CPUs when there are two (an idle CPU pulls a waiting task from
 * a busy one), so both make progress at once. */
#define _GNU_SOURCE
#include "gt.h"
#include <sched.h>

static int cpu_of(pid_t p)
{
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%d/sched", p);
    if (read_file(path, buf, sizeof buf) <= 0)
        return -1;
    char *l = strstr(buf, "\ncpu:");
    return l ? atoi(l + 5) : -1;
}

int main(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof set, &set);
    int n = CPU_COUNT(&set);
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = fork();
        if (kids[i] == 0)
            for (;;)
                ;
    }
    int a = -1, b = -1;
    for (int tries = 0; tries < 100; tries++) {
        usleep(20000);
        a = cpu_of(kids[0]);
        b = cpu_of(kids[1]);
        if (n < 2 || (a >= 0 && b >= 0 && a != b))
            break;
    }
    for (int i = 0; i < 2; i++) {
        kill(kids[i], SIGKILL);
        waitpid(kids[i], NULL, 0);
    }
    say("cpus: %s\n", n >= 2 ? "several" : "one");
    if (n >= 2)
        expect(a >= 0 && b >= 0 && a != b, "the two spinners run on different CPUs");
    gt_exit();
}
