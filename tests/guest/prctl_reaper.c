/* Child subreapers and the parent-death signal (prctl), compared with Linux:
 *  - PR_SET_CHILD_SUBREAPER: the orphans of a descendant go to the nearest
 *    living subreaper among their ancestors (not to init): getppid says so,
 *    and its wait collects them, running ones and zombies alike (a zombie
 *    handed over brings a SIGCHLD, ahead of its old parent's); a subreaper that exits hands them on to
 *    the next one up; the attribute is not inherited by fork;
 *  - PR_SET_PDEATHSIG: the child gets its signal when the thread that
 *    created it exits, even while the rest of its parent process runs (it
 *    then belongs to another thread of that process), and again when that
 *    one exits; the signal comes as from the exiting process (SI_USER); a
 *    child without it gets nothing; the default action of SIGTERM kills;
 *  - PR_GET_CHILD_SUBREAPER and PR_GET_PDEATHSIG into a bad pointer EFAULT,
 *    PR_SET_PDEATHSIG of signal 65 EINVAL.
 * Each grandchild reports over a pipe; the subreaper (this test) collects. */
#include "gt.h"
#include <pthread.h>
#include <sys/prctl.h>
#include <time.h>

static int rep[2];                      /* reports to the test */
static volatile sig_atomic_t usr1_count;
static volatile int usr1_code, usr1_pid;

static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
    usr1_count++;
    usr1_code = si->si_code;
    usr1_pid = si->si_pid;
}

#define report(...) say_to(rep[1], __VA_ARGS__)    /* one line to the test, in one write */

static const char *yesno(int c) { return c ? "yes" : "no"; }

/* Read reports until `lines` newlines have come. */
static void show_reports(int lines)
{
    char buf[2048];
    size_t got = 0;
    int seen = 0;
    while (seen < lines && got < sizeof buf - 1) {
        ssize_t n = read(rep[0], buf + got, sizeof buf - 1 - got);
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            seen += buf[got + i] == '\n';
        got += n;
    }
    buf[got] = 0;
    say("%s", buf);
}

static void wait_byte(int fd)
{
    char c;
    read(fd, &c, 1);
}

/* --- orphans go to the nearest subreaper --- */
static void orphans(void)
{
    pid_t me = getpid();
    int go[2];
    pipe(go);
    pid_t a = fork();
    if (a == 0) {
        /* A, itself a subreaper, forks B; B forks C and exits */
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        pid_t apid = getpid();
        int seen[2];
        pipe(seen);
        pid_t b = fork();
        if (b == 0) {
            pid_t c = fork();
            if (c == 0) {
                close(go[1]);
                while (getppid() != apid)
                    usleep(1000);
                report("C: ppid is A once B has gone\n");
                write(seen[1], "s", 1);
                wait_byte(go[0]);       /* until A has exited */
                while (getppid() != me)
                    usleep(1000);
                report("C: ppid is the test once A has gone too\n");
                _exit(7);
            }
            _exit(0);
        }
        int st;
        waitpid(b, &st, 0);
        wait_byte(seen[0]);
        _exit(0);                       /* C is A's now: it goes to the test */
    }
    close(go[0]);
    show_reports(1);
    int st;
    expect(waitpid(a, &st, 0) == a, "A reaped");
    close(go[1]);                       /* C may go on */
    show_reports(1);
    pid_t w = wait(&st);
    expect(w > 0, "the test's wait collects C");
    say("C: %s\n", status_str(st));
    expect_err(wait(&st), ECHILD, "then no child is left");
}

/* --- a zombie handed over brings a SIGCHLD, before its parent's own --- */
static void zombie(void)
{
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    pid_t b = fork();
    if (b == 0) {
        pid_t c = fork();
        if (c == 0)
            _exit(3);
        /* C is a zombie once B's wait sees it, without reaping it */
        siginfo_t si;
        waitid(P_PID, c, &si, WEXITED | WNOWAIT);
        report("%d\n", (int)c);
        _exit(0);
    }
    char line[32] = "";
    read(rep[0], line, sizeof line - 1);
    pid_t c = atoi(line);
    int st;
    waitpid(b, &st, 0);
    siginfo_t si;
    struct timespec ts = { 2, 0 };
    int sig = sigtimedwait(&chld, &si, &ts);
    expect(sig == SIGCHLD && si.si_pid == c, "the SIGCHLD pending is the zombie's");
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    pid_t w = waitpid(-1, &st, WNOHANG);
    expect(w == c, "the zombie is the test's to reap");
    say("zombie: %s\n", status_str(st));
}

/* --- parent-death signal --- */
static pid_t grandchild_with_pdeathsig(int sig, int ready_fd)
{
    pid_t c = fork();
    if (c == 0) {
        struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
        sigaction(SIGUSR1, &sa, NULL);
        if (sig)
            prctl(PR_SET_PDEATHSIG, sig);
        write(ready_fd, "r", 1);
        return 0;
    }
    return c;
}

static void *thread_forks(void *arg)
{
    int *fds = arg, tready[2];
    pipe(tready);
    pid_t c = grandchild_with_pdeathsig(SIGUSR1, tready[1]);
    if (c == 0) {
        pid_t parent = getppid();
        while (usr1_count < 1)
            usleep(1000);
        report("C: SIGUSR1 once its parent thread exited, code SI_USER: %s\n", yesno(usr1_code == SI_USER));
        report("C: still a child of the same process: %s\n", yesno(getppid() == parent));
        while (usr1_count < 2)
            usleep(1000);
        report("C: SIGUSR1 again when the process exited, from it: %s\n", yesno(usr1_pid == parent));
        _exit(0);
    }
    wait_byte(tready[0]);               /* C has its PR_SET_PDEATHSIG: this thread may end */
    write(fds[1], "r", 1);
    return NULL;
}

static void pdeath(void)
{
    int ready[2];
    pipe(ready);
    /* B has a thread that forks C (with PR_SET_PDEATHSIG) and exits; B
     * exits once it is told to */
    int go[2];
    pipe(go);
    pid_t b = fork();
    if (b == 0) {
        close(go[1]);
        int fds[2] = { ready[0], ready[1] };
        pthread_t t;
        pthread_create(&t, NULL, thread_forks, fds);
        pthread_join(t, NULL);
        wait_byte(go[0]);
        _exit(0);
    }
    wait_byte(ready[0]);
    show_reports(2);
    close(go[1]);
    show_reports(1);
    int st;
    waitpid(b, &st, 0);
    pid_t c = wait(&st);
    expect(c > 0, "C collected");
    say("C: %s\n", status_str(st));

    /* SIGTERM's default action; a sibling without the attribute survives */
    pipe(go);
    b = fork();
    if (b == 0) {
        pid_t c1 = grandchild_with_pdeathsig(SIGTERM, ready[1]);
        if (c1 == 0) {
            pause();
            _exit(0);
        }
        pid_t c2 = grandchild_with_pdeathsig(0, ready[1]);
        if (c2 == 0) {
            close(go[1]);
            wait_byte(go[0]);
            _exit(5);
        }
        wait_byte(ready[0]);            /* both are ready: B may end */
        wait_byte(ready[0]);
        _exit(0);
    }
    waitpid(b, &st, 0);
    pid_t w = wait(&st);
    expect(w > 0, "the one with SIGTERM collected first");
    say("with PR_SET_PDEATHSIG SIGTERM: %s\n", status_str(st));
    close(go[1]);
    w = wait(&st);
    expect(w > 0, "the other one collected");
    say("without: %s\n", status_str(st));
}

int main(void)
{
    pipe(rep);
    int v = -1;
    expect(prctl(PR_GET_CHILD_SUBREAPER, &v) == 0 && v == 0, "PR_GET_CHILD_SUBREAPER is 0 at first");
    expect(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "PR_SET_CHILD_SUBREAPER 1");
    expect(prctl(PR_GET_CHILD_SUBREAPER, &v) == 0 && v == 1, "PR_GET_CHILD_SUBREAPER is 1");
    expect_err(prctl(PR_GET_CHILD_SUBREAPER, BAD_PTR), EFAULT, "PR_GET_CHILD_SUBREAPER into a bad pointer");
    pid_t c = fork();
    if (c == 0) {
        int w = -1;
        prctl(PR_GET_CHILD_SUBREAPER, &w);
        _exit(w);
    }
    int st;
    waitpid(c, &st, 0);
    say("a fork child's PR_GET_CHILD_SUBREAPER: %s\n", status_str(st));
    expect(prctl(PR_GET_PDEATHSIG, &v) == 0 && v == 0, "PR_GET_PDEATHSIG is 0 at first");
    expect_err(prctl(PR_SET_PDEATHSIG, 65), EINVAL, "PR_SET_PDEATHSIG 65");
    expect_err(prctl(PR_GET_PDEATHSIG, BAD_PTR), EFAULT, "PR_GET_PDEATHSIG into a bad pointer");
    expect(prctl(PR_SET_PDEATHSIG, SIGHUP) == 0 && prctl(PR_GET_PDEATHSIG, &v) == 0 && v == SIGHUP,
           "PR_SET_PDEATHSIG SIGHUP reads back");
    c = fork();
    if (c == 0) {
        int w = -1;
        prctl(PR_GET_PDEATHSIG, &w);
        _exit(w);
    }
    waitpid(c, &st, 0);
    say("a fork child's PR_GET_PDEATHSIG: %s\n", status_str(st));
    prctl(PR_SET_PDEATHSIG, 0);

    say("-- orphans\n");
    orphans();
    say("-- a zombie orphan\n");
    zombie();
    say("-- parent-death signal\n");
    pdeath();
    gt_exit();
}
