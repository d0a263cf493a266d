/* gt-side: guest-only.  A thread bomb on the host would hit the machine's
 * real limits; inside Tessera the tasks (threads included) meet
 * threads-max, an eighth of memory in kernel stacks as Linux sets it.
 *
 * Exhaustion by threads: a process that creates threads until
 * pthread_create fails must see EAGAIN (threads-max) or ENOMEM (memory),
 * never crash the kernel; the threads it made all run and can be joined;
 * once they are gone, threads and processes can be created again.  It
 * tries for more threads than threads-max allows, whatever the memory. */
#define _GNU_SOURCE
#include "gt.h"
#include <pthread.h>

static pthread_t *tids;
static volatile int started;
static int gate[2];                 /* the threads block reading it until it is closed */

static void *sleeper(void *arg)
{
    (void)arg;
    __atomic_add_fetch(&started, 1, __ATOMIC_RELAXED);
    char c;
    while (read(gate[0], &c, 1) > 0)
        ;
    return (void *)1;
}

int main(void)
{
    expect(pipe(gate) == 0, "pipe");
    char buf[32];
    int maxt = (read_file("/proc/sys/kernel/threads-max", buf, sizeof buf) > 0 ? atoi(buf) : 4096) + 64;
    tids = calloc(maxt, sizeof *tids);
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 16384);   /* small stacks: the task table runs out first */
    int n = 0, err = 0;
    while (n < maxt) {
        int r = pthread_create(&tids[n], &a, sleeper, NULL);
        if (r) {
            err = r;
            break;
        }
        n++;
    }
    say("pthread_create failed with: %s\n", err == EAGAIN ? "EAGAIN" : err == ENOMEM ? "ENOMEM" : "something else");
    expect(err == EAGAIN || err == ENOMEM, "the bomb ends in EAGAIN or ENOMEM");
    expect(n > 100, "more than 100 threads were created first");
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    expect(c < 0 && errno == EAGAIN, "fork while the table is full: EAGAIN");
    if (c > 0)
        waitpid(c, NULL, 0);
    while (__atomic_load_n(&started, __ATOMIC_RELAXED) < n)
        usleep(10000);
    expect(1, "every thread created ran");
    close(gate[1]);                 /* EOF: every thread returns */
    int joined = 0;
    for (int i = 0; i < n; i++) {
        void *v = NULL;
        if (pthread_join(tids[i], &v) == 0 && v == (void *)1)
            joined++;
    }
    expect(joined == n, "every thread joined with its value");
    pthread_t t;
    expect(pthread_create(&t, NULL, sleeper, NULL) == 0 && pthread_join(t, NULL) == 0,
           "a thread can be created again");
    c = fork();
    if (c == 0)
        _exit(7);
    int st = 0;
    expect(c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7, "and a process");
    gt_exit();
}
