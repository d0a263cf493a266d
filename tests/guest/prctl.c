/* prctl's process attributes and their errors, compared with Linux (the
 * subreaper and the parent-death signal at work: prctl_reaper):
 *  - PR_GET_DUMPABLE is 1; PR_SET_DUMPABLE 0 and 1 read back, 2 is EINVAL;
 *    a fork child inherits it, an exec sets it to 1 again; a change of
 *    user id (setuid, or the exec of a set-user-id file) makes it 0;
 *  - the parent-death signal survives an ordinary exec and goes with a
 *    change of user id (setuid, or the exec of a set-user-id file);
 *  - PR_SET_NO_NEW_PRIVS takes exactly (1, 0, 0, 0), reads back, is
 *    inherited and kept across exec, and makes exec ignore the set-user-id
 *    bit; PR_GET_NO_NEW_PRIVS with arguments is EINVAL;
 *  - PR_SET_KEEPCAPS 0/1 read back (2 EINVAL), inherited by fork, cleared
 *    by exec;
 *  - PR_GET_SECCOMP is 0, PR_CAPBSET_READ of a capability is 1 (41 and -1
 *    are EINVAL), PR_SET_NAME/PR_GET_NAME with bad pointers EFAULT, an
 *    unknown option EINVAL.
 * The set-user-id file is a copy of this program owned by uid 65534 with
 * mode 4755; run as "NAME report" it prints what it finds. */
#include "gt.h"
#include <sys/prctl.h>

static char self[4096];

static void report(void)
{
    int sig = -1;
    prctl(PR_GET_PDEATHSIG, &sig);
    say("  euid %s, pdeathsig %d, dumpable %d, no_new_privs %d, keepcaps %d\n",
        geteuid() == 0 ? "0" : geteuid() == 65534 ? "65534" : "other", sig, prctl(PR_GET_DUMPABLE),
        prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), prctl(PR_GET_KEEPCAPS));
}

/* Runs fn in a child; the child's report lines come out in order. */
static void in_child(const char *what, void (*fn)(void))
{
    say("%s:\n", what);
    pid_t p = fork();
    if (p == 0) {
        fn();
        _exit(0);
    }
    int st;
    waitpid(p, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st))
        say("  child: %s\n", status_str(st));
}

static void exec_report(const char *path)
{
    execl(path, path, "report", (char *)NULL);
    say("  exec: -1 %s\n", errname(errno));
    _exit(1);
}

static void plain_exec(void)
{
    prctl(PR_SET_PDEATHSIG, SIGUSR2);
    prctl(PR_SET_DUMPABLE, 0);
    prctl(PR_SET_KEEPCAPS, 1);
    exec_report(self);
}

static void suid_exec(void)
{
    prctl(PR_SET_PDEATHSIG, SIGUSR2);
    exec_report("./suid-copy");
}

static void suid_exec_nnp(void)
{
    prctl(PR_SET_PDEATHSIG, SIGUSR2);
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    exec_report("./suid-copy");
}

static void set_uid(void)
{
    prctl(PR_SET_PDEATHSIG, SIGUSR2);
    prctl(PR_SET_KEEPCAPS, 1);
    say("  setuid(65534): %d\n", setuid(65534));
    report();
}

static void set_euid_back(void)
{
    prctl(PR_SET_PDEATHSIG, SIGUSR2);
    say("  seteuid(0) as root: %d\n", seteuid(0));
    report();
}

static void inherit(void)
{
    report();
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_CREAT | O_WRONLY | O_TRUNC, 0755);
    char buf[65536];
    ssize_t n;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, n) != n)
            return -1;
    close(in);
    return close(out);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        report();
        return 0;
    }
    snprintf(self, sizeof self, "%s", argv[0]);
    say("-- dumpable\n");
    say("PR_GET_DUMPABLE: %d\n", prctl(PR_GET_DUMPABLE));
    expect(prctl(PR_SET_DUMPABLE, 0) == 0 && prctl(PR_GET_DUMPABLE) == 0, "PR_SET_DUMPABLE 0 reads back");
    expect_err(prctl(PR_SET_DUMPABLE, 2), EINVAL, "PR_SET_DUMPABLE 2");
    expect_err(prctl(PR_SET_DUMPABLE, -1), EINVAL, "PR_SET_DUMPABLE -1");
    in_child("a fork child (dumpable 0)", inherit);
    expect(prctl(PR_SET_DUMPABLE, 1) == 0 && prctl(PR_GET_DUMPABLE) == 1, "PR_SET_DUMPABLE 1 reads back");

    say("-- keepcaps, seccomp, bounding set\n");
    say("PR_GET_KEEPCAPS: %d\n", prctl(PR_GET_KEEPCAPS));
    expect(prctl(PR_SET_KEEPCAPS, 1) == 0 && prctl(PR_GET_KEEPCAPS) == 1, "PR_SET_KEEPCAPS 1 reads back");
    expect_err(prctl(PR_SET_KEEPCAPS, 2), EINVAL, "PR_SET_KEEPCAPS 2");
    in_child("a fork child (keepcaps 1)", inherit);
    expect(prctl(PR_SET_KEEPCAPS, 0) == 0 && prctl(PR_GET_KEEPCAPS) == 0, "PR_SET_KEEPCAPS 0 reads back");
    say("PR_GET_SECCOMP: %d\n", prctl(PR_GET_SECCOMP));
    say("PR_CAPBSET_READ CAP_CHOWN %d, CAP_SETUID %d, CAP_SYS_ADMIN %d, CAP_CHECKPOINT_RESTORE %d\n",
        prctl(PR_CAPBSET_READ, 0), prctl(PR_CAPBSET_READ, 7), prctl(PR_CAPBSET_READ, 21), prctl(PR_CAPBSET_READ, 40));
    expect_err(prctl(PR_CAPBSET_READ, 41), EINVAL, "PR_CAPBSET_READ 41");
    expect_err(prctl(PR_CAPBSET_READ, -1L), EINVAL, "PR_CAPBSET_READ -1");

    say("-- names and unknown options\n");
    expect_err(prctl(PR_SET_NAME, BAD_PTR), EFAULT, "PR_SET_NAME from a bad pointer");
    expect_err(prctl(PR_GET_NAME, BAD_PTR), EFAULT, "PR_GET_NAME into a bad pointer");
    expect_err(prctl(0), EINVAL, "option 0");
    expect_err(prctl(9999), EINVAL, "option 9999");
    expect_err(prctl(-1), EINVAL, "option -1");

    say("-- credentials and exec\n");
    int made = copy_file(self, "suid-copy") == 0 && chown("suid-copy", 65534, 65534) == 0 &&
               chmod("suid-copy", 04755) == 0;
    expect(made, "a set-user-id copy owned by 65534");
    in_child("an ordinary exec after PR_SET_PDEATHSIG, DUMPABLE 0, KEEPCAPS 1", plain_exec);
    in_child("the exec of the set-user-id copy after PR_SET_PDEATHSIG", suid_exec);
    in_child("the same with PR_SET_NO_NEW_PRIVS", suid_exec_nnp);
    in_child("setuid(65534) after PR_SET_PDEATHSIG, KEEPCAPS 1", set_uid);
    in_child("seteuid(0), no change, after PR_SET_PDEATHSIG", set_euid_back);

    say("-- no new privileges\n");
    say("PR_GET_NO_NEW_PRIVS: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    expect_err(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0), EINVAL, "PR_SET_NO_NEW_PRIVS 0");
    expect_err(prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0), EINVAL, "PR_SET_NO_NEW_PRIVS 1 with arg3");
    expect_err(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 1), EINVAL, "PR_SET_NO_NEW_PRIVS 1 with arg5");
    expect_err(prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0), EINVAL, "PR_GET_NO_NEW_PRIVS with arg2");
    expect(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "PR_SET_NO_NEW_PRIVS 1");
    say("PR_GET_NO_NEW_PRIVS: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    in_child("a fork child", inherit);
    gt_exit();
}
