/* pthread_cancel, which musl builds on a signal (SIGCANCEL) sent with
 * tgkill to the target thread, whose handler inspects the interrupted
 * context: a thread blocked in read, nanosleep, poll, pthread_cond_wait or
 * sem_wait is cancelled (the call is interrupted, the cleanup handlers run,
 * pthread_join gets PTHREAD_CANCELED, the condition variable's mutex is
 * handed back); a cancel while cancellation is disabled waits until it is
 * enabled again; an asynchronous cancel stops a thread spinning in user
 * code on another CPU.
 * Guards against: a signal to a thread asleep in the kernel that does not
 * wake it (the cancel hangs), a signal to a thread running on another CPU
 * noticed only at its next system call (never, for a spinning thread), a
 * signal frame whose saved context the handler cannot see or change. */
#include "gt_thread.h"
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

static volatile int cleanup_ran, reached;
static void note_cleanup(void *arg) { cleanup_ran = 1; }

static int cancel_pipe[2];
static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cc = PTHREAD_COND_INITIALIZER;
static sem_t csem;

static void unlock_cm(void *arg)
{
    cleanup_ran = 1;
    pthread_mutex_unlock(&cm);
}

static void *blocker(void *arg)
{
    int kind = (int)(intptr_t)arg;
    char b;
    struct timespec ts = { 10, 0 };
    struct pollfd pfd = { .fd = cancel_pipe[0], .events = POLLIN };
    if (kind == 3) {
        pthread_mutex_lock(&cm);
        pthread_cleanup_push(unlock_cm, NULL);
        reached = 1;
        for (;;)
            pthread_cond_wait(&cc, &cm);
        pthread_cleanup_pop(0);
        return NULL;
    }
    pthread_cleanup_push(note_cleanup, NULL);
    reached = 1;
    switch (kind) {
    case 0: read(cancel_pipe[0], &b, 1); break;
    case 1: nanosleep(&ts, NULL); break;
    case 2: poll(&pfd, 1, 10000); break;
    case 4: sem_wait(&csem); break;
    }
    pthread_cleanup_pop(0);
    return (void *)1;                   /* the call returned: not cancelled */
}

static void *deferred(void *arg)
{
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    reached = 1;
    for (int i = 0; i < 50; i++)
        msleep(2);                      /* the cancel arrives meanwhile */
    reached = 2;                        /* the disabled section ran to its end */
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
    pthread_testcancel();
    return (void *)1;
}

static void *async_spin(void *arg)
{
    pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
    reached = 1;
    for (volatile unsigned long i = 0;; i++)
        ;
    return NULL;
}

static void cancel_one(void *(*fn)(void *), void *arg, const char *what)
{
    step = what;
    cleanup_ran = 0;
    reached = 0;
    pthread_t t;
    pthread_create(&t, NULL, fn, arg);
    wait_for(&reached, 1, 5000);
    msleep(20);                         /* let it block */
    pthread_cancel(t);
    void *r = NULL;
    pthread_join(t, &r);
    say("%s: %s%s\n", what, r == PTHREAD_CANCELED ? "cancelled" : "NOT cancelled",
        cleanup_ran ? ", cleanup ran" : "");
    if (r != PTHREAD_CANCELED)
        gt_failures++;
}

static void cancellation(void)
{
    pipe(cancel_pipe);
    sem_init(&csem, 0, 0);
    cancel_one(blocker, (void *)0, "cancel a thread blocked in read");
    cancel_one(blocker, (void *)1, "cancel a thread blocked in nanosleep");
    cancel_one(blocker, (void *)2, "cancel a thread blocked in poll");
    cancel_one(blocker, (void *)3, "cancel a thread blocked in pthread_cond_wait");
    expect(pthread_mutex_trylock(&cm) == 0, "  its cleanup handed the mutex back");
    pthread_mutex_unlock(&cm);
    cancel_one(blocker, (void *)4, "cancel a thread blocked in sem_wait");
    cancel_one(deferred, NULL, "cancel while cancellation is disabled");
    expect(reached == 2, "  acted on only once enabled again");
    cancel_one(async_spin, NULL, "asynchronous cancel of a thread spinning in user code");
    close(cancel_pipe[0]);
    close(cancel_pipe[1]);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(60);
    cancellation();
    gt_exit();
}
