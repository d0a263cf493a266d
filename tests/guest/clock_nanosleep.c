/* clock_nanosleep's arguments as Linux checks them: which clocks may be
 * slept on (CPU-time clocks, raw and coarse clocks are refused, each with
 * its own errno), a bad request pointer, a negative or overlong time,
 * unknown flag bits (ignored), an absolute time already past (returns at
 * once), a relative sleep interrupted by a handler (EINTR, the rest in
 * *rem), and clock_getres for every clock. */
#include "gt.h"
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>

static long cns(int clk, int flags, const struct timespec *req, struct timespec *rem)
{
    return syscall(SYS_clock_nanosleep, clk, flags, req, rem);
}

static void on_alrm(int sig) { (void)sig; }

static volatile int stop;
static void *burn(void *a)
{
    while (!stop)
        ;
    return a;
}

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

int main(void)
{
    struct timespec short_ = { 0, 1000 }, rem;
    static const struct { int clk; const char *name; } clocks[] = {
        { CLOCK_REALTIME, "CLOCK_REALTIME" }, { CLOCK_MONOTONIC, "CLOCK_MONOTONIC" },
        { CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID" }, { CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID" },
        { CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW" }, { CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE" },
        { CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE" }, { CLOCK_BOOTTIME, "CLOCK_BOOTTIME" },
        { 11, "CLOCK_TAI" }, { 12, "clock 12" }, { -1, "clock -1" },
    };
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        if (clocks[i].clk == CLOCK_PROCESS_CPUTIME_ID)
            continue;               /* allowed, but a lone sleeper's CPU time never moves */
        long r = cns(clocks[i].clk, 0, &short_, NULL);
        say("sleep on %s: %s\n", clocks[i].name, r == 0 ? "ok" : errname(errno));
    }
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec res;
        long r = syscall(SYS_clock_getres, clocks[i].clk, &res);
        say("clock_getres %s: %s\n", clocks[i].name, r == 0 ? (res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000 ? "ok" : "odd") : errname(errno));
    }
    /* sleeping on the process's CPU clock while another thread uses it */
    pthread_t th;
    pthread_create(&th, NULL, burn, NULL);
    uint64_t c0 = cpu_ns();
    expect(cns(CLOCK_PROCESS_CPUTIME_ID, 0, &(struct timespec){ 0, 30000000 }, NULL) == 0,
           "sleep on CLOCK_PROCESS_CPUTIME_ID while a thread spins");
    expect(cpu_ns() - c0 >= 30000000, "it ends once the process has used that much CPU time");
    stop = 1;
    pthread_join(th, NULL);
    expect_err(cns(CLOCK_MONOTONIC, 0, BAD_PTR, NULL), EFAULT, "bad request pointer");
    expect_err(cns(CLOCK_MONOTONIC, 0, &(struct timespec){ -1, 0 }, NULL), EINVAL, "negative seconds");
    expect_err(cns(CLOCK_MONOTONIC, 0, &(struct timespec){ 0, -1 }, NULL), EINVAL, "negative nanoseconds");
    expect_err(cns(CLOCK_MONOTONIC, 0, &(struct timespec){ 0, 1000000000 }, NULL), EINVAL, "tv_nsec of 1e9");
    expect_err(cns(12, 0, BAD_PTR, NULL), EINVAL, "an unknown clock is refused before the pointer is read");
    expect_err(cns(-1, 0, BAD_PTR, NULL), EFAULT, "a CPU-clock id is checked after it");
    expect(cns(CLOCK_MONOTONIC, 0x100, &short_, NULL) == 0, "unknown flag bits are ignored");
    expect(cns(CLOCK_MONOTONIC, TIMER_ABSTIME, &(struct timespec){ 1, 0 }, NULL) == 0, "an absolute time long past returns at once");
    struct sigaction sa = { .sa_handler = on_alrm };
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    struct timespec ten = { 10, 0 };
    expect_err(cns(CLOCK_MONOTONIC, 0, &ten, &rem), EINTR, "a relative sleep interrupted by a handler");
    expect(rem.tv_sec >= 8 && rem.tv_sec <= 9, "the rest of it in *rem");
    alarm(1);
    struct timespec abs_;
    clock_gettime(CLOCK_MONOTONIC, &abs_);
    abs_.tv_sec += 10;
    rem.tv_sec = 77;
    expect_err(cns(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs_, &rem), EINTR, "an absolute sleep interrupted");
    expect(rem.tv_sec == 77, "an absolute sleep leaves *rem alone");
    gt_exit();
}
