/* The /proc files busybox and ps rely on, checked as relations:
 * /proc/self/stat starts with our pid, our command name in parentheses and
 * state R; field 4 is our ppid; /proc/self/exe resolves to the program we
 * were started as; /proc/self/cmdline holds argv NUL-separated; a child's
 * /proc/<pid>/stat names the child and shows Z once it is a zombie. */
#include "gt.h"


static volatile sig_atomic_t got;
static void on_chld(int sig) { (void)sig; got = 1; }

int main(int argc, char **argv)
{
    char buf[1024], comm[64];
    int pid, ppid;
    char state;
    expect(read_file("/proc/self/stat", buf, sizeof buf) > 0, "read /proc/self/stat");
    int fields = sscanf(buf, "%d (%63[^)]) %c %d", &pid, comm, &state, &ppid);
    say("parsed fields: %d\n", fields);
    say("pid matches: %s, comm: %s, state: %c, ppid matches: %s\n",
        pid == getpid() ? "yes" : "no", comm, state, ppid == getppid() ? "yes" : "no");

    char exe[512] = { 0 };
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    expect(n > 0 && !strcmp(exe, argv[0]), "/proc/self/exe is argv[0]");
    n = read_file("/proc/self/cmdline", buf, sizeof buf);
    expect(n == (ssize_t)strlen(argv[0]) + 1 && !strcmp(buf, argv[0]), "cmdline is argv[0] plus NUL");

    signal(SIGCHLD, on_chld);
    sigset_t block, empty;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, NULL);
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    while (!got)
        sigsuspend(&empty);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)c);
    read_file(path, buf, sizeof buf);
    sscanf(buf, "%d (%63[^)]) %c", &pid, comm, &state);
    say("zombie child: pid matches: %s, comm: %s, state: %c\n", pid == c ? "yes" : "no", comm, state);
    waitpid(c, NULL, 0);
    expect_err(open(path, O_RDONLY), ENOENT, "stat file of a reaped child");
    (void)argc;
    gt_exit();
}
