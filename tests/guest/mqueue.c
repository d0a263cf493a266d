/* POSIX message queues: mq_open's descriptor (close-on-exec, dup, fork,
 * fcntl O_NONBLOCK, poll and epoll readiness), priority order (highest
 * first, FIFO within one), a receiver and a sender blocked in other
 * processes and woken by the other side, absolute CLOCK_REALTIME timeouts,
 * EINTR, mq_notify with a signal (its siginfo, one registration per queue,
 * fired only on an empty queue with no blocked receiver, removed by
 * firing, by mq_notify(NULL) and by closing), the queue living on after
 * mq_unlink until its last close, the mqueue file system (mount -t mqueue:
 * the status line a queue file reads, stat, readdir, open(O_CREAT) and
 * unlink through it), the /proc/sys/fs/mqueue tunables and the limits
 * they set, queues_max (ENOSPC) and RLIMIT_MSGQUEUE (EMFILE), computed as
 * Linux does.  Queues are named /gt-mq-*, and removed again. */
#include "gt.h"
#include <mqueue.h>
#include <dirent.h>
#include <grp.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <time.h>

#define Q1 "/gt-mq-one"
#define Q2 "/gt-mq-two"
#define Q3 "/gt-mq-three"

static mqd_t make(const char *name, long maxmsg, long msgsize, mode_t mode)
{
    struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
    return mq_open(name, O_RDWR | O_CREAT | O_EXCL, mode, &a);
}

static void say_attr(const char *what, mqd_t q)
{
    struct mq_attr a;
    if (mq_getattr(q, &a) < 0) {
        say("%s: mq_getattr %s\n", what, errname(errno));
        return;
    }
    say("%s: flags %s maxmsg %ld msgsize %ld curmsgs %ld\n", what, a.mq_flags & O_NONBLOCK ? "O_NONBLOCK" : "0",
        (long)a.mq_maxmsg, (long)a.mq_msgsize, (long)a.mq_curmsgs);
}

static struct timespec in_ms(long ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += (ms % 1000) * 1000000L;
    t.tv_sec += ms / 1000 + t.tv_nsec / 1000000000L;
    t.tv_nsec %= 1000000000L;
    return t;
}

static void descriptor(void)
{
    mqd_t q = make(Q1, 4, 64, 0640);
    expect(q >= 0, "mq_open O_CREAT|O_EXCL");
    say("FD_CLOEXEC set: %s\n", fcntl(q, F_GETFD) & FD_CLOEXEC ? "yes" : "no");
    say("F_GETFL access: %s\n", (fcntl(q, F_GETFL) & O_ACCMODE) == O_RDWR ? "O_RDWR" : "other");
    say_attr("new queue", q);
    expect_err(make(Q1, 4, 64, 0640), EEXIST, "O_CREAT|O_EXCL again");
    mqd_t again = mq_open(Q1, O_RDWR | O_CREAT, 0600, NULL);
    expect(again >= 0 && again != q, "O_CREAT of an existing queue opens it");
    close(again);
    say("poll empty: %s\n", pollstr(poll1(q)));
    expect(mq_send(q, "x", 1, 0) == 0, "send one");
    say("poll one: %s\n", pollstr(poll1(q)));
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN }, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, q, &ev);
    say("epoll sees IN: %s\n", epoll_wait(ep, &out, 1, 0) == 1 && (out.events & EPOLLIN) ? "yes" : "no");
    for (int i = 0; i < 3; i++)
        mq_send(q, "y", 1, 0);
    say("poll full: %s\n", pollstr(poll1(q)));
    fcntl(q, F_SETFL, O_NONBLOCK);
    say_attr("after F_SETFL O_NONBLOCK", q);
    expect_err(mq_send(q, "z", 1, 0), EAGAIN, "send to a full queue, O_NONBLOCK");
    struct mq_attr na = { .mq_flags = 0 }, old;
    expect(mq_setattr(q, &na, &old) == 0 && (old.mq_flags & O_NONBLOCK), "mq_setattr clears O_NONBLOCK, old had it");
    say("F_GETFL O_NONBLOCK after mq_setattr: %s\n", fcntl(q, F_GETFL) & O_NONBLOCK ? "yes" : "no");
    int d = dup(q);
    char buf[64];
    unsigned prio;
    expect(mq_receive(d, buf, sizeof buf, &prio) == 1, "receive through a dup");
    pid_t c = fork();
    if (c == 0)
        _exit(mq_receive(q, buf, sizeof buf, NULL) == 1 ? 0 : 1);
    int st;
    waitpid(c, &st, 0);
    say("a forked child receives through the inherited descriptor: %s\n", status_str(st));
    say_attr("now", q);
    mq_receive(q, buf, sizeof buf, NULL);
    mq_receive(q, buf, sizeof buf, NULL);
    na.mq_flags = O_NONBLOCK;
    mq_setattr(q, &na, NULL);
    expect_err(mq_receive(q, buf, sizeof buf, NULL), EAGAIN, "receive from an empty queue, O_NONBLOCK");
    close(d);
    close(ep);
    close(q);
}

static void priorities(void)
{
    mqd_t q = mq_open(Q1, O_RDWR);
    static const struct { const char *m; unsigned p; } in[] = {
        { "low-1", 1 }, { "high-1", 7 }, { "low-2", 1 }, { "high-2", 7 },
    };
    for (int i = 0; i < 4; i++)
        mq_send(q, in[i].m, strlen(in[i].m), in[i].p);
    for (int i = 0; i < 4; i++) {
        char buf[65] = { 0 };
        unsigned prio = 99;
        ssize_t n = mq_receive(q, buf, 64, &prio);
        say("received %zd bytes \"%s\" prio %u\n", n, n > 0 ? buf : "", prio);
    }
    expect(mq_send(q, "", 0, 32767) == 0, "an empty message at MQ_PRIO_MAX - 1");
    char buf[64];
    unsigned prio;
    say("empty message: %zd bytes prio %u\n", mq_receive(q, buf, sizeof buf, &prio), prio);
    close(q);
}

/* A receiver blocked in another process, then a sender. */
static void blocking(void)
{
    mqd_t q = mq_open(Q1, O_RDWR);
    struct mq_attr na = { .mq_flags = 0 };
    mq_setattr(q, &na, NULL);
    pid_t c = fork();
    if (c == 0) {
        char buf[64] = { 0 };
        unsigned prio;
        ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
        say("child received %zd \"%s\" prio %u\n", n, buf, prio);
        _exit(0);
    }
    expect(wait_sleeping(c), "receiver blocks on the empty queue");
    mq_send(q, "wake", 4, 3);
    int st;
    waitpid(c, &st, 0);
    for (int i = 0; i < 4; i++)
        mq_send(q, "f", 1, 0);
    c = fork();
    if (c == 0) {
        int r = mq_send(q, "late", 4, 9);
        say("child send to the full queue: %s\n", r == 0 ? "ok" : errname(errno));
        _exit(0);
    }
    expect(wait_sleeping(c), "sender blocks on the full queue");
    char buf[64];
    unsigned prio;
    mq_receive(q, buf, sizeof buf, &prio);
    waitpid(c, &st, 0);
    say_attr("after the blocked sender", q);
    ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
    say("its message comes first: %zd bytes prio %u\n", n, prio);
    while (mq_timedreceive(q, buf, sizeof buf, NULL, &(struct timespec){ 0, 0 }) >= 0)
        ;
    close(q);
}

static void on_usr1(int s) { (void)s; }

static void timeouts(void)
{
    mqd_t q = mq_open(Q1, O_RDWR);
    char buf[64];
    struct timespec t = in_ms(50), before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    expect_err(mq_timedreceive(q, buf, sizeof buf, NULL, &t), ETIMEDOUT, "timedreceive, 50 ms, empty");
    clock_gettime(CLOCK_MONOTONIC, &after);
    long ms = (after.tv_sec - before.tv_sec) * 1000 + (after.tv_nsec - before.tv_nsec) / 1000000;
    expect(ms >= 45, "it waited the 50 ms");
    expect_err(mq_timedreceive(q, buf, sizeof buf, NULL, &(struct timespec){ 1, 0 }), ETIMEDOUT,
               "timedreceive, a time long past");
    struct timespec bad = { 0, 1000000000L };
    expect_err(mq_timedreceive(q, buf, sizeof buf, NULL, &bad), EINVAL, "timedreceive, tv_nsec 1e9, empty");
    mq_send(q, "m", 1, 0);
    errno = 0;
    ssize_t r = mq_timedreceive(q, buf, sizeof buf, NULL, &bad);
    say("timedreceive, tv_nsec 1e9, a message there: %s\n", r >= 0 ? "ok" : errname(errno));
    if (r < 0)
        mq_receive(q, buf, sizeof buf, NULL);
    for (int i = 0; i < 4; i++)
        mq_send(q, "f", 1, 0);
    t = in_ms(30);
    expect_err(mq_timedsend(q, "x", 1, 0, &t), ETIMEDOUT, "timedsend to a full queue, 30 ms");
    r = mq_timedsend(q, "x", 1, 0, &(struct timespec){ 0, -1 });
    say("timedsend, tv_nsec -1, full: %s\n", r == 0 ? "ok" : errname(errno));
    for (int i = 0; i < 4; i++)
        mq_receive(q, buf, sizeof buf, NULL);
    r = mq_timedsend(q, "x", 1, 0, &(struct timespec){ -1, 0 });
    say("timedsend, tv_sec -1, room: %s\n", r == 0 ? "ok" : errname(errno));
    if (r == 0)
        mq_receive(q, buf, sizeof buf, NULL);
    /* a signal with a handler (no SA_RESTART) ends a blocked receive */
    pid_t c = fork();
    if (c == 0) {
        struct sigaction sa = { .sa_handler = on_usr1 };
        sigaction(SIGUSR1, &sa, NULL);
        ssize_t n = mq_receive(q, buf, sizeof buf, NULL);
        say("child's blocked receive after a signal: %s\n", n >= 0 ? "ok" : errname(errno));
        _exit(0);
    }
    wait_sleeping(c);
    kill(c, SIGUSR1);
    waitpid(c, NULL, 0);
    close(q);
}

static void status_line(const char *what, const char *file)
{
    char buf[128];
    int n = read_file(file, buf, sizeof buf);
    if (n < 0) {
        say("%s: cannot read\n", what);
        return;
    }
    /* the pid field is the registered process: replaced by a word */
    char *p = strstr(buf, "NOTIFY_PID:");
    if (p) {
        long pid = strtol(p + 11, NULL, 10);
        snprintf(p + 11, sizeof buf - (size_t)(p + 11 - buf), "%s\n", pid == getpid() ? "self" : pid ? "other" : "0");
    }
    say("%s (%d bytes): %s", what, n, buf);
}

static void notification(void)
{
    mqd_t q = mq_open(Q1, O_RDWR);
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
    ev.sigev_value.sival_int = 42;
    expect(mq_notify(q, &ev) == 0, "mq_notify SIGEV_SIGNAL");
    pid_t c = fork();
    if (c == 0) {
        mqd_t q2 = mq_open(Q1, O_WRONLY);
        struct sigevent e2 = { .sigev_notify = SIGEV_NONE };
        int r = mq_notify(q2, &e2);
        say("another process registers: %s\n", r == 0 ? "ok" : errname(errno));
        r = mq_notify(q2, NULL);
        say("another process's mq_notify(NULL): %s\n", r == 0 ? "ok" : errname(errno));
        close(q2);
        _exit(mq_send(q, "n", 1, 0) == 0 ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    siginfo_t si;
    struct timespec zero = { 0, 0 }, wait1 = { 1, 0 };
    int s = sigtimedwait(&usr2, &si, &wait1);
    say("signal: %s\n", s == SIGUSR2 ? "SIGUSR2" : errname(errno));
    if (s == SIGUSR2) {
        say("si_code SI_MESGQ: %s\n", si.si_code == SI_MESGQ ? "yes" : "no");
        say("si_value %d\n", si.si_value.sival_int);
        say("si_pid is the sender: %s\n", si.si_pid == c ? "yes" : "no");
        say("si_uid %u\n", (unsigned)si.si_uid);
    }
    /* fired once: gone now, so another registration is free */
    char buf[64];
    mq_send(q, "m", 1, 0);
    expect_err(sigtimedwait(&usr2, &si, &zero), EAGAIN, "no signal for a second message");
    expect(mq_notify(q, &ev) == 0, "register again");
    mq_send(q, "m", 1, 0);
    expect_err(sigtimedwait(&usr2, &si, &zero), EAGAIN, "no signal for a message on a non-empty queue");
    while (mq_timedreceive(q, buf, sizeof buf, NULL, &zero) >= 0)
        ;
    /* a receiver blocked in another process takes it: no signal either */
    c = fork();
    if (c == 0)
        _exit(mq_receive(q, buf, sizeof buf, NULL) == 1 ? 0 : 1);
    wait_sleeping(c);
    mq_send(q, "r", 1, 0);
    waitpid(c, &st, 0);
    say("blocked receiver got it: %s\n", status_str(st));
    expect_err(sigtimedwait(&usr2, &si, &zero), EAGAIN, "no signal with a receiver blocked");
    expect_err(mq_notify(q, &ev), EBUSY, "still registered");
    expect(mq_notify(q, NULL) == 0, "mq_notify(NULL) removes it");
    expect(mq_notify(q, &ev) == 0, "register after the removal");
    mqd_t other = mq_open(Q1, O_RDONLY);
    close(other);
    expect(mq_notify(q, &ev) == 0, "closing any descriptor of the queue removed it");
    mq_notify(q, NULL);
    struct sigevent none = { .sigev_notify = SIGEV_NONE };
    expect(mq_notify(q, &none) == 0, "mq_notify SIGEV_NONE");
    mq_send(q, "m", 1, 0);
    expect(mq_notify(q, &ev) == 0, "SIGEV_NONE fired and went");
    mq_notify(q, NULL);
    mq_receive(q, buf, sizeof buf, NULL);
    sigprocmask(SIG_UNBLOCK, &usr2, NULL);
    close(q);
}

static int listed(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (!strcmp(e->d_name, name))
            found = e->d_type == DT_REG ? 1 : 2;
    closedir(d);
    return found;
}

static void filesystem(void)
{
    mkdir("mq", 0755);
    if (mount("none", "mq", "mqueue", 0, NULL) < 0) {
        say("mount -t mqueue: %s\n", errname(errno));
        if (errno == EPERM)
            return;
        gt_failures++;
        return;
    }
    expect_err(mount("none", "mq", "mqueue", 0, "bogus=1"), EINVAL, "mount -t mqueue with an unknown option");
    struct stat st;
    stat("mq", &st);
    say("root mode %o\n", (unsigned)st.st_mode);
    mqd_t q = mq_open(Q1, O_RDWR);
    mq_send(q, "12345", 5, 1);
    mq_send(q, "123", 3, 2);
    say("queue listed as a regular file: %s\n", listed("mq", Q1 + 1) == 1 ? "yes" : "no");
    stat("mq/gt-mq-one", &st);
    say("queue file: mode %o size %ld nlink %ld\n", (unsigned)st.st_mode, (long)st.st_size, (long)st.st_nlink);
    status_line("status", "mq/gt-mq-one");
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
    char buf[64];
    mq_receive(q, buf, sizeof buf, NULL);
    mq_receive(q, buf, sizeof buf, NULL);
    mq_notify(q, &ev);
    status_line("registered", "mq/gt-mq-one");
    mq_notify(q, NULL);
    char line[128];
    ssize_t n = read(q, line, sizeof line);
    say("read(2) on the mq_open descriptor: %zd bytes\n", n);
    expect_err(write(q, "x", 1), EINVAL, "write(2) on a queue");
    /* open(O_CREAT) through the file system makes a queue with the defaults */
    int fd = open("mq/gt-mq-two", O_CREAT | O_RDWR, 0600);
    expect(fd >= 0, "open(O_CREAT) in the mqueue file system");
    say_attr("made by open(2)", fd);
    expect(mq_send(fd, "via open", 8, 0) == 0, "mq_send on a descriptor from open(2)");
    mqd_t q2 = mq_open(Q2, O_RDONLY);
    expect(q2 >= 0, "mq_open finds it");
    n = mq_receive(q2, buf, 8192, NULL);
    say("mq_receive from it: %zd\n", n);
    close(q2);
    close(fd);
    expect(unlink("mq/gt-mq-two") == 0, "unlink through the file system");
    expect_err(mq_open(Q2, O_RDONLY), ENOENT, "gone for mq_open");
    expect_err(mkdir("mq/dir", 0755), EPERM, "mkdir in mqueue");
    expect_err(mknod("mq/fifo", S_IFIFO | 0600, 0), EPERM, "mknod a FIFO in mqueue");
    /* unlinked while open: it lives until the last close */
    expect(mq_unlink(Q1) == 0, "mq_unlink while open");
    say("listed after mq_unlink: %s\n", listed("mq", Q1 + 1) ? "yes" : "no");
    expect_err(mq_open(Q1, O_RDWR), ENOENT, "mq_open after mq_unlink");
    expect(mq_send(q, "still", 5, 0) == 0 && mq_receive(q, buf, sizeof buf, NULL) == 5,
           "the open descriptor still works");
    mqd_t q1 = make(Q1, 2, 16, 0600);
    expect(q1 >= 0, "the name is free for a new queue");
    say_attr("the new one", q1);
    close(q1);
    close(q);
    mq_unlink(Q1);
    expect(umount("mq") == 0, "umount");
    rmdir("mq");
}

static void tunables(void)
{
    static const char *const names[] = { "msg_max", "msgsize_max", "queues_max", "msg_default", "msgsize_default" };
    for (int i = 0; i < 5; i++) {
        char path[80], buf[64];
        snprintf(path, sizeof path, "/proc/sys/fs/mqueue/%s", names[i]);
        struct stat st;
        int n = read_file(path, buf, sizeof buf);
        stat(path, &st);
        say("%s: mode %o value %s", names[i], (unsigned)st.st_mode & 0777, n > 0 ? buf : "unreadable\n");
    }
    say("msg_max 0: %s\n", errname(write_val("/proc/sys/fs/mqueue/msg_max", "0")));
    say("msg_max 65537: %s\n", errname(write_val("/proc/sys/fs/mqueue/msg_max", "65537")));
    say("msgsize_max 127: %s\n", errname(write_val("/proc/sys/fs/mqueue/msgsize_max", "127")));
    say("msgsize_default 16777217: %s\n", errname(write_val("/proc/sys/fs/mqueue/msgsize_default", "16777217")));
    expect(write_val("/proc/sys/fs/mqueue/msg_default", "3") == 0, "msg_default 3");
    expect(write_val("/proc/sys/fs/mqueue/msgsize_default", "200") == 0, "msgsize_default 200");
    mqd_t q = mq_open(Q3, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
    say_attr("defaults from the tunables", q);
    close(q);
    mq_unlink(Q3);
    expect(write_val("/proc/sys/fs/mqueue/msg_max", "2") == 0, "msg_max 2");
    q = mq_open(Q3, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
    say_attr("msg_default above msg_max", q);
    close(q);
    mq_unlink(Q3);
    write_val("/proc/sys/fs/mqueue/msg_max", "10");
    write_val("/proc/sys/fs/mqueue/msg_default", "10");
    write_val("/proc/sys/fs/mqueue/msgsize_default", "8192");
}

static void as_nobody(void)
{
    /* Q2, root's with mode 0644, exists; nobody may read it only */
    mqd_t q = mq_open(Q2, O_RDONLY);
    expect(q >= 0, "nobody opens root's 0644 queue O_RDONLY");
    close(q);
    expect_err(mq_open(Q2, O_WRONLY), EACCES, "nobody opens it O_WRONLY");
    expect_err(mq_open(Q2, O_RDWR), EACCES, "nobody opens it O_RDWR");
    int r = mq_unlink(Q2);
    say("nobody's mq_unlink of root's queue: %s\n", r == 0 ? "ok" : errname(errno));
    expect_err(make(Q3, 11, 100, 0600), EINVAL, "nobody past msg_max");
    expect_err(make(Q3, 10, 8193, 0600), EINVAL, "nobody past msgsize_max");
    /* RLIMIT_MSGQUEUE: 2 * 100 bytes + 2 * 48 per message + 2 * 48 per priority node */
    struct rlimit rl = { 392, 392 };
    setrlimit(RLIMIT_MSGQUEUE, &rl);
    q = make(Q3, 2, 100, 0600);
    expect(q >= 0, "a queue of exactly RLIMIT_MSGQUEUE");
    expect_err(make("/gt-mq-four", 1, 1, 0600), EMFILE, "one more byte past it");
    close(q);
    mq_unlink(Q3);
    q = make(Q3, 2, 100, 0600);
    expect(q >= 0, "its charge went with the queue");
    close(q);
    mq_unlink(Q3);
    rl.rlim_cur = 391;
    setrlimit(RLIMIT_MSGQUEUE, &rl);
    expect_err(make(Q3, 2, 100, 0600), EMFILE, "a queue one byte over RLIMIT_MSGQUEUE");
}

static void queues_max(void)
{
    expect(write_val("/proc/sys/fs/mqueue/queues_max", "0") == 0, "queues_max 0");
    pid_t c = fork();
    if (c == 0) {
        setgroups(0, NULL);
        setresgid(65534, 65534, 65534);
        setresuid(65534, 65534, 65534);
        mqd_t r = make(Q3, 1, 1, 0600);
        say("nobody past queues_max: %s\n", r >= 0 ? "ok" : errname(errno));
        _exit(0);
    }
    waitpid(c, NULL, 0);
    write_val("/proc/sys/fs/mqueue/queues_max", "256");
}

int main(void)
{
    mq_unlink(Q1);
    mq_unlink(Q2);
    mq_unlink(Q3);
    mq_unlink("/gt-mq-four");
    umask(022);
    descriptor();
    priorities();
    blocking();
    timeouts();
    notification();
    filesystem();
    tunables();
    mqd_t q = make(Q2, 2, 16, 0644);
    close(q);
    pid_t c = fork();
    if (c == 0) {
        gt_failures = 0;
        setgroups(0, NULL);
        if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
            _exit(2);
        as_nobody();
        _exit(gt_failures ? 1 : 0);
    }
    int st;
    waitpid(c, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the checks as nobody held");
    mq_unlink(Q2);
    mq_unlink(Q3);
    queues_max();
    gt_exit();
}
