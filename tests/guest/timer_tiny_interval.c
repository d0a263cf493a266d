/* A periodic timer whose interval is 1 ns and whose first expiry lies
 * seconds in the past (LTP's timer_settime03): the expiries missed are
 * more than an int holds, so timer_getoverrun reports DELAYTIMER_MAX
 * (INT_MAX); the signal comes, the handler disarms the timer, and the
 * machine goes on (a kernel that ran the callback once per nanosecond
 * would never return to the program). */
#include "gt.h"
#include <limits.h>
#include <time.h>

static timer_t timer;
static volatile int called, overrun = -2;

static void on_usr1(int sig)
{
    (void)sig;
    if (called)
        return;
    overrun = timer_getoverrun(timer);
    struct itimerspec zero = { { 0, 0 }, { 0, 0 } };
    timer_settime(timer, 0, &zero, NULL);
    called = 1;
}

int main(void)
{
    struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
    signal(SIGUSR1, on_usr1);
    expect(timer_create(CLOCK_REALTIME, &sev, &timer) == 0, "timer_create");
    struct itimerspec spec = { { 0, 1 }, { 0, 0 } };
    clock_gettime(CLOCK_REALTIME, &spec.it_value);
    spec.it_value.tv_sec -= 3;              /* 3e9 periods ago: more than INT_MAX */
    expect(timer_settime(timer, TIMER_ABSTIME, &spec, NULL) == 0, "armed 3 s in the past, 1 ns interval");
    double end = gt_now_s() + 10;
    while (!called && gt_now_s() < end)
        ;
    say("handler ran: %s\n", called ? "yes" : "no");
    say("overrun is INT_MAX: %s\n", overrun == INT_MAX ? "yes" : "no");
    struct itimerspec cur;
    expect(timer_gettime(timer, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0,
           "disarmed by the handler");
    timer_delete(timer);

    return 0;
}
