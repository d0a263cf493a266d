/* RLIMIT_NPROC: how many tasks (threads included) a user other than root
 * may have.  Run as root; the limited parts run in children that become
 * uid 54321 (a user with no other task), so the counts are the test's own.
 *   - with RLIMIT_NPROC 3, a user with one task can fork twice more; the
 *     next fork is EAGAIN, and so is a thread (a thread counts too);
 *     once a child is reaped, fork works again;
 *   - root is not held to it (RLIMIT_NPROC 1 and two more forks);
 *   - setuid into a user that already has more tasks than the caller's
 *     limit succeeds, but the next execve fails with EAGAIN; once that
 *     user is back under the limit, execve works (Linux's
 *     PF_NPROC_EXCEEDED). */
#include "gt.h"
#include <pthread.h>

#define USER 54321

static void set_nproc(rlim_t n)
{
    struct rlimit r = { n, n };
    setrlimit(RLIMIT_NPROC, &r);
}

/* A child that becomes USER, says so on `ready`, and sleeps until killed. */
static pid_t sleeper_as_user(int ready)
{
    pid_t c = fork();
    if (c == 0) {
        if (setuid(USER) != 0 || write(ready, "r", 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    return c;
}

static void *idle_thread(void *arg) { return arg; }

static int limited_user(void)
{
    set_nproc(3);
    if (setuid(USER) != 0)
        return 10;
    pid_t a = fork();
    if (a == 0) {
        pause();
        _exit(0);
    }
    pid_t b = fork();
    if (b == 0) {
        pause();
        _exit(0);
    }
    say("user with RLIMIT_NPROC 3: two forks: %s\n", a > 0 && b > 0 ? "ok" : "failed");
    errno = 0;
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    say("the third fork: %s\n", c < 0 ? errname(errno) : "ok");
    pthread_t th;
    int r = pthread_create(&th, NULL, idle_thread, NULL);
    say("a thread: %s\n", r ? errname(r) : "ok");
    if (r == 0)
        pthread_join(th, NULL);
    kill(a, SIGKILL);
    waitpid(a, NULL, 0);
    c = fork();
    if (c == 0)
        _exit(0);
    say("fork after one child was reaped: %s\n", c < 0 ? errname(errno) : "ok");
    if (c > 0)
        waitpid(c, NULL, 0);
    kill(b, SIGKILL);
    waitpid(b, NULL, 0);
    return 0;
}

static int root_unlimited(void)
{
    set_nproc(1);
    pid_t a = fork();
    if (a == 0)
        _exit(0);
    pid_t b = fork();
    if (b == 0)
        _exit(0);
    say("root with RLIMIT_NPROC 1 forks twice: %s\n", a > 0 && b > 0 ? "ok" : "failed");
    while (wait(NULL) > 0)
        ;
    return 0;
}

static const char *self_path;
static int gate[2];

static int exec_after_setuid(void)
{
    set_nproc(1);
    int r = setuid(USER);
    say("setuid into a user with 2 tasks, RLIMIT_NPROC 1: %s\n", r == 0 ? "ok" : errname(errno));
    char *argv[] = { (char *)self_path, "exec-ok", NULL };
    execv(self_path, argv);
    say("execve while over the limit: %s\n", errname(errno));
    /* the parent ends the other two tasks of that user, then lets us go */
    char ch;
    if (write(gate[1], "w", 1) != 1 || read(gate[0], &ch, 1) != 1)
        return 2;
    execv(self_path, argv);
    say("execve once under the limit: %s\n", errname(errno));
    return 3;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "exec-ok")) {
        say("execve once under the limit: ok\n");
        return 0;
    }
    self_path = argv[0];
    int st = run_child(limited_user);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the limited user's run ended well");
    st = run_child(root_unlimited);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "root's run ended well");

    /* two tasks of USER exist; a third becomes USER with a limit of 1 */
    int ready[2], to_child[2], from_child[2];
    if (pipe(ready) || pipe(to_child) || pipe(from_child))
        return 1;
    pid_t s1 = sleeper_as_user(ready[1]), s2 = sleeper_as_user(ready[1]);
    char one;
    expect(read(ready[0], &one, 1) == 1 && read(ready[0], &one, 1) == 1, "two tasks of that user sleep");
    pid_t c = fork();
    if (c == 0) {
        gate[0] = to_child[0];
        gate[1] = from_child[1];
        _exit(exec_after_setuid());
    }
    close(from_child[1]);               /* a child that never reports is EOF, not a hang */
    close(to_child[0]);
    char ch;
    expect(read(from_child[0], &ch, 1) == 1, "the child reports its first execve");
    kill(s1, SIGKILL);
    kill(s2, SIGKILL);
    expect(waitpid(s1, NULL, 0) == s1 && waitpid(s2, NULL, 0) == s2, "the other tasks of that user are gone");
    if (write(to_child[1], "g", 1) != 1)    /* only now may the child print again */
        gt_failures++;
    expect(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "the execve succeeded then");
    gt_exit();
}
