/* The errors of the POSIX message-queue calls (mq_open, mq_unlink,
 * mq_timedsend, mq_timedreceive, mq_notify, mq_getsetattr), called
 * through syscall(2) so the kernel sees exactly these arguments: names
 * (the kernel's, without libc's leading '/'), attributes, descriptors of
 * the wrong kind or access mode, sizes, priorities, timeouts, bad
 * pointers, notification requests.  Queues are named gt-mqe-*, and
 * removed again. */
#include "gt_errors.h"
#include <mqueue.h>
#include <sys/socket.h>
#include <time.h>

#define N1 "gt-mqe-one"
#define N2 "gt-mqe-two"

static long mqo(const char *name, long flags, long mode, const struct mq_attr *a)
{
    return syscall(SYS_mq_open, name, flags, mode, a);
}

static long snd(long q, const void *p, long len, long prio, const struct timespec *t)
{
    return syscall(SYS_mq_timedsend, q, p, len, prio, t);
}

static long rcv(long q, void *p, long len, unsigned *prio, const struct timespec *t)
{
    return syscall(SYS_mq_timedreceive, q, p, len, prio, t);
}

static void opens(void)
{
    struct mq_attr a = { .mq_maxmsg = 2, .mq_msgsize = 32 };
    E(mqo(BAD_PTR, O_RDWR, 0, NULL), EFAULT);
    E(mqo("", O_RDWR | O_CREAT, 0600, NULL), ENOENT);
    E(mqo("a/b", O_RDWR | O_CREAT, 0600, NULL), EACCES);
    E(mqo("/abs", O_RDWR | O_CREAT, 0600, NULL), EACCES);
    E(mqo(".", O_RDWR | O_CREAT, 0600, NULL), EACCES);
    E(mqo("..", O_RDWR | O_CREAT, 0600, NULL), EACCES);
    E(mqo(LONGNAME, O_RDWR | O_CREAT, 0600, NULL), ENAMETOOLONG);
    E(mqo(LONGPATH, O_RDWR | O_CREAT, 0600, NULL), ENAMETOOLONG);
    E(mqo(N1, O_RDWR, 0, NULL), ENOENT);
    E(mqo(N1, O_RDWR | O_CREAT, 0600, UNMAPPED), EFAULT);
    E(mqo(N1, O_RDWR, 0, UNMAPPED), EFAULT);
    struct mq_attr z = { .mq_maxmsg = 0, .mq_msgsize = 32 };
    E(mqo(N1, O_RDWR | O_CREAT, 0600, &z), EINVAL);
    z = (struct mq_attr){ .mq_maxmsg = 2, .mq_msgsize = -1 };
    E(mqo(N1, O_RDWR | O_CREAT, 0600, &z), EINVAL);
    z = (struct mq_attr){ .mq_maxmsg = 65537, .mq_msgsize = 1 };
    E(mqo(N1, O_RDWR | O_CREAT, 0600, &z), EINVAL);
    z = (struct mq_attr){ .mq_maxmsg = 1, .mq_msgsize = 16 * 1024 * 1024 + 1 };
    E(mqo(N1, O_RDWR | O_CREAT, 0600, &z), EINVAL);
    long q = mqo(N1, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
    OK(q);
    E(mqo(N1, O_RDWR | O_CREAT | O_EXCL, 0600, &a), EEXIST);
    E(mqo(N1, O_RDWR | O_WRONLY, 0, NULL), EINVAL);
    close((int)q);
    E(syscall(SYS_mq_unlink, BAD_PTR), EFAULT);
    E(syscall(SYS_mq_unlink, ""), ENOENT);
    E(syscall(SYS_mq_unlink, "a/b"), EACCES);
    E(syscall(SYS_mq_unlink, LONGNAME), ENAMETOOLONG);
    E(syscall(SYS_mq_unlink, N2), ENOENT);
}

static void transfers(void)
{
    long q = mqo(N1, O_RDWR, 0, NULL);
    long ro = mqo(N1, O_RDONLY, 0, NULL), wo = mqo(N1, O_WRONLY, 0, NULL);
    int p[2];
    pipe(p);
    char buf[64];
    unsigned prio;
    struct timespec past = { 1, 0 }, bad = { 0, 1000000000L }, neg = { -1, 0 };
    E(snd(-1, "x", 1, 0, NULL), EBADF);
    E(snd(999, "x", 1, 0, NULL), EBADF);
    E(snd(p[1], "x", 1, 0, NULL), EBADF);
    E(snd(ro, "x", 1, 0, NULL), EBADF);
    E(snd(q, "x", 1, 32768, NULL), EINVAL);
    E(snd(-1, "x", 1, 32768, NULL), EINVAL);
    E(snd(q, "x", 33, 0, NULL), EMSGSIZE);
    E(snd(q, BAD_PTR, 1, 0, NULL), EFAULT);
    E(snd(q, "x", 1, 0, UNMAPPED), EFAULT);
    E(snd(-1, "x", 1, 0, &bad), EINVAL);
    E(snd(q, "x", 1, 0, &neg), EINVAL);
    OK(snd(wo, "x", 1, 5, &past));
    OK(snd(q, "y", 1, 0, NULL));
    E(snd(q, "z", 1, 0, &past), ETIMEDOUT);
    E(rcv(-1, buf, sizeof buf, NULL, NULL), EBADF);
    E(rcv(p[0], buf, sizeof buf, NULL, NULL), EBADF);
    E(rcv(wo, buf, sizeof buf, NULL, NULL), EBADF);
    E(rcv(q, buf, 31, NULL, NULL), EMSGSIZE);
    E(rcv(q, buf, sizeof buf, NULL, UNMAPPED), EFAULT);
    E(rcv(q, buf, sizeof buf, NULL, &bad), EINVAL);
    E(rcv(q, buf, sizeof buf, UNMAPPED, NULL), EFAULT);
    struct mq_attr a;
    syscall(SYS_mq_getsetattr, q, NULL, &a);
    say("a receive that faulted took its message: curmsgs %ld\n", (long)a.mq_curmsgs);
    E(rcv(q, BAD_PTR, sizeof buf, &prio, NULL), EFAULT);
    OK(snd(q, "w", 1, 0, NULL));
    OK(rcv(ro, buf, sizeof buf, &prio, NULL));
    E(rcv(q, buf, sizeof buf, NULL, &past), ETIMEDOUT);
    close(p[0]);
    close(p[1]);
    close((int)ro);
    close((int)wo);
    close((int)q);
}

static void notify_attr(void)
{
    long q = mqo(N1, O_RDWR, 0, NULL);
    int p[2];
    pipe(p);
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    char cookie[32] = { 0 };
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
    E(syscall(SYS_mq_notify, -1, &ev), EBADF);
    E(syscall(SYS_mq_notify, p[0], &ev), EBADF);
    E(syscall(SYS_mq_notify, -1, NULL), EBADF);
    E(syscall(SYS_mq_notify, q, UNMAPPED), EFAULT);
    ev.sigev_notify = 99;
    E(syscall(SYS_mq_notify, q, &ev), EINVAL);
    ev.sigev_notify = SIGEV_THREAD_ID;
    E(syscall(SYS_mq_notify, q, &ev), EINVAL);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = 65;
    E(syscall(SYS_mq_notify, q, &ev), EINVAL);
    ev.sigev_signo = -1;
    E(syscall(SYS_mq_notify, q, &ev), EINVAL);
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_value.sival_ptr = UNMAPPED;
    ev.sigev_signo = s;
    E(syscall(SYS_mq_notify, q, &ev), EFAULT);
    ev.sigev_value.sival_ptr = cookie;
    ev.sigev_signo = -1;
    E(syscall(SYS_mq_notify, q, &ev), EBADF);
    ev.sigev_signo = p[0];
    E(syscall(SYS_mq_notify, q, &ev), ENOTSOCK);
    ev.sigev_signo = s;
    E(syscall(SYS_mq_notify, q, &ev), EINVAL);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = 0;
    OK(syscall(SYS_mq_notify, q, &ev));
    E(syscall(SYS_mq_notify, q, &ev), EBUSY);
    OK(syscall(SYS_mq_notify, q, NULL));
    OK(syscall(SYS_mq_notify, q, NULL));
    struct mq_attr a = { .mq_flags = O_NONBLOCK }, old;
    E(syscall(SYS_mq_getsetattr, -1, NULL, &old), EBADF);
    E(syscall(SYS_mq_getsetattr, p[0], NULL, &old), EBADF);
    E(syscall(SYS_mq_getsetattr, q, UNMAPPED, &old), EFAULT);
    E(syscall(SYS_mq_getsetattr, q, NULL, UNMAPPED), EFAULT);
    a.mq_flags = O_NONBLOCK | O_APPEND;
    E(syscall(SYS_mq_getsetattr, q, &a, &old), EINVAL);
    a.mq_flags = O_NONBLOCK;
    a.mq_maxmsg = 100;
    OK(syscall(SYS_mq_getsetattr, q, &a, &old));
    OK(syscall(SYS_mq_getsetattr, q, NULL, &old));
    say("only O_NONBLOCK changed: flags %s maxmsg %ld\n", old.mq_flags == O_NONBLOCK ? "O_NONBLOCK" : "other",
        (long)old.mq_maxmsg);
    OK(syscall(SYS_mq_getsetattr, q, NULL, NULL));
    close(s);
    close(p[0]);
    close(p[1]);
    close((int)q);
}

int main(void)
{
    gt_errors_init();
    syscall(SYS_mq_unlink, N1);
    syscall(SYS_mq_unlink, N2);
    opens();
    transfers();
    notify_attr();
    OK(syscall(SYS_mq_unlink, N1));
    E(syscall(SYS_mq_unlink, N1), ENOENT);
    gt_exit();
}
