/* CPU affinity: a process pinned with sched_setaffinity runs only on the
 * CPU it was given (getcpu says so, also after it has been running a while),
 * the mask reads back, an empty or out-of-range mask is EINVAL, and a child
 * inherits its parent's mask. */
#define _GNU_SOURCE
#include "gt.h"
#include <sched.h>
#include <sys/syscall.h>

static int cpus_online(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 1;
    return CPU_COUNT(&set);
}

static void spin(void)
{
    for (volatile unsigned long i = 0; i < 20000000UL; i++)
        ;
}

int main(void)
{
    int n = cpus_online();
    int target = n - 1;                 /* the last CPU (CPU 0 on a uniprocessor) */
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(target, &set);
    expect(sched_setaffinity(0, sizeof set, &set) == 0, "pin to the last CPU");
    spin();
    unsigned cpu = 99;
    expect(syscall(SYS_getcpu, &cpu, NULL, NULL) == 0 && (int)cpu == target, "running on it after a while");
    cpu_set_t back;
    CPU_ZERO(&back);
    expect(sched_getaffinity(0, sizeof back, &back) == 0 && CPU_EQUAL(&back, &set), "mask reads back");

    pid_t c = fork();
    if (c == 0) {
        cpu_set_t mine;
        CPU_ZERO(&mine);
        sched_getaffinity(0, sizeof mine, &mine);
        spin();
        unsigned where = 99;
        syscall(SYS_getcpu, &where, NULL, NULL);
        _exit(CPU_EQUAL(&mine, &set) && (int)where == target ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child inherits the mask and runs there");

    CPU_ZERO(&set);
    CPU_SET(0, &set);
    expect(sched_setaffinity(0, sizeof set, &set) == 0, "move to CPU 0");
    spin();
    expect(syscall(SYS_getcpu, &cpu, NULL, NULL) == 0 && cpu == 0, "now on CPU 0");

    cpu_set_t empty;
    CPU_ZERO(&empty);
    expect_err(sched_setaffinity(0, sizeof empty, &empty), EINVAL, "empty mask");
    gt_exit();
}
