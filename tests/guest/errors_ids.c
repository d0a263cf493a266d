/* Process ids, credentials, priorities, limits and the small system calls
 * around them, error by error as their man pages list them: setpgid/
 * getpgid/getsid/setsid, getpriority/setpriority, getrlimit/setrlimit/
 * prlimit64, setgid/setregid/setfsgid, capget/capset, get_robust_list/
 * set_robust_list, tkill/tgkill, uname/sysinfo/times/umask, sethostname,
 * syslog, reboot, arch_prctl and getcpu.  Unknown ids (ESRCH), bad
 * selectors and values (EINVAL), bad pointers (EFAULT), a child that has
 * exec'd (EACCES), and as the user nobody EPERM/EACCES. */
#include "gt_errors.h"
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>

#define NOPID 4000000                   /* above any pid_max */

struct cap_header { uint32_t version; int pid; };
struct cap_data { uint32_t effective, permitted, inheritable; };

static void as_nobody(void)
{
    struct rlimit rl = { 0, 0 };
    E(setpriority(PRIO_PROCESS, 0, -1), EACCES);
    E(setpriority(PRIO_PROCESS, 1, 5), EPERM);
    OK(setpriority(PRIO_PROCESS, 0, 1));
    E(setpriority(PRIO_PROCESS, 0, 0), EACCES);
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_max++;
    E(syscall(SYS_setrlimit, RLIMIT_NOFILE, &rl), EPERM);
    E(syscall(SYS_prlimit64, 1, RLIMIT_NOFILE, NULL, &rl), EPERM);
    E(syscall(SYS_setregid, 0, -1), EPERM);
    E(syscall(SYS_setregid, -1, 0), EPERM);
    OK(syscall(SYS_setregid, -1, -1));
    E(syscall(SYS_setgid, 0), EPERM);
    say("setfsgid(0) returns the old fsgid: %s\n", syscall(SYS_setfsgid, 0) == 65534 ? "yes" : "no");
    say("and it is unchanged: %s\n", syscall(SYS_setfsgid, -1) == 65534 ? "yes" : "no");
    say("setfsuid(0) returns the old fsuid: %s\n", syscall(SYS_setfsuid, 0) == 65534 ? "yes" : "no");
    struct cap_header h = { 0x20080522, 0 };
    struct cap_data d[2] = { { 1, 1, 0 }, { 0, 0, 0 } };
    E(syscall(SYS_capset, &h, d), EPERM);
    E(syscall(SYS_sethostname, "x", 1), EPERM);
    E(syscall(SYS_reboot, 0xfee1dead, 672274793, 0x89abcdef, NULL), EPERM);
    E(syscall(SYS_kill, 1, 0), EPERM);
    E(syscall(SYS_setgroups, 0, NULL), EPERM);
    E(syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, 1, NULL, NULL), EPERM);
    char link[64];
    E(syscall(SYS_readlink, "/proc/1/fd/0", link, sizeof link), EACCES);
    E(syscall(SYS_readlink, "/proc/1/exe", link, sizeof link), EACCES);
    E(syscall(SYS_mknod, "/tmp/gt-nobody-null", S_IFCHR | 0666, makedev(1, 3)), EPERM);
    E(syscall(SYS_prlimit64, 1, RLIMIT_NOFILE, NULL, &rl), EPERM);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "pause") == 0) {
        for (;;)
            pause();
    }
    gt_errors_init();
    struct rlimit rl;
    char buf[128];

    say("-- setpgid, getpgid, getsid, setsid\n");
    E(syscall(SYS_setpgid, 0, -1), EINVAL);
    E(syscall(SYS_setpgid, NOPID, 0), ESRCH);
    E(syscall(SYS_setpgid, 1, 0), ESRCH);
    E(syscall(SYS_getpgid, NOPID), ESRCH);
    E(syscall(SYS_getpgid, -1), ESRCH);
    E(syscall(SYS_getsid, NOPID), ESRCH);
    E(syscall(SYS_getsid, -1), ESRCH);
    OK(syscall(SYS_getpgid, 0));
    OK(syscall(SYS_getsid, 0));
    pid_t c = fork();
    if (c == 0) {
        pause();
        _exit(0);
    }
    E(syscall(SYS_setpgid, c, NOPID), EPERM);
    OK(syscall(SYS_setpgid, c, c));
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    c = fork();
    if (c == 0) {
        execl(argv[0], argv[0], "pause", (char *)NULL);
        _exit(1);
    }
    for (int i = 0; i < 2000; i++) {    /* until the child has exec'd */
        char exe[64], link[PATH_MAX];
        snprintf(exe, sizeof exe, "/proc/%d/cmdline", c);
        if (read_file(exe, link, sizeof link) > 0 && strlen(link) + 1 < sizeof link &&
            strcmp(link + strlen(link) + 1, "pause") == 0)
            break;
        usleep(1000);
    }
    E(syscall(SYS_setpgid, c, c), EACCES);
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    c = fork();
    if (c == 0) {
        setpgid(0, 0);
        E(syscall(SYS_setsid), EPERM);
        _exit(gt_failures);
    }
    int st;
    waitpid(c, &st, 0);
    gt_failures += !WIFEXITED(st) || WEXITSTATUS(st);
    c = fork();
    if (c == 0) {
        OK(syscall(SYS_setsid));
        E(syscall(SYS_setpgid, 0, 0), EPERM);
        E(syscall(SYS_setsid), EPERM);
        _exit(gt_failures);
    }
    waitpid(c, &st, 0);
    gt_failures += !WIFEXITED(st) || WEXITSTATUS(st);

    say("-- getpriority, setpriority\n");
    errno = 0;
    E(getpriority(99, 0), EINVAL);
    E(setpriority(99, 0, 0), EINVAL);
    E(getpriority(PRIO_PROCESS, NOPID), ESRCH);
    E(setpriority(PRIO_PROCESS, NOPID, 0), ESRCH);
    E(getpriority(PRIO_PGRP, NOPID), ESRCH);
    E(getpriority(PRIO_USER, 4000000), ESRCH);
    OK(syscall(SYS_getpriority, PRIO_PROCESS, 0));

    say("-- getrlimit, setrlimit, prlimit64\n");
    E(syscall(SYS_getrlimit, 99, &rl), EINVAL);
    E(syscall(SYS_getrlimit, -1, &rl), EINVAL);
    E(syscall(SYS_getrlimit, RLIMIT_NOFILE, BAD_PTR), EFAULT);
    E(syscall(SYS_setrlimit, 99, &rl), EINVAL);
    E(syscall(SYS_setrlimit, RLIMIT_NOFILE, BAD_PTR), EFAULT);
    getrlimit(RLIMIT_NOFILE, &rl);
    struct rlimit inv = { rl.rlim_max + 1, rl.rlim_max };
    E(syscall(SYS_setrlimit, RLIMIT_NOFILE, &inv), EINVAL);
    struct rlimit huge = { 1u << 30, 1u << 30 };
    E(syscall(SYS_setrlimit, RLIMIT_NOFILE, &huge), EPERM);
    E(syscall(SYS_prlimit64, NOPID, RLIMIT_NOFILE, NULL, &rl), ESRCH);
    E(syscall(SYS_prlimit64, 0, 99, NULL, &rl), EINVAL);
    E(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &inv, NULL), EINVAL);
    E(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, BAD_PTR, NULL), EFAULT);
    E(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, BAD_PTR), EFAULT);
    OK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, NULL));
    OK(syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, &rl, &rl));

    say("-- setgid, setregid, capget, capset\n");
    E(syscall(SYS_setgid, -1), EINVAL);
    struct cap_header h = { 0x12345678, 0 };
    struct cap_data d[2];
    E(syscall(SYS_capget, &h, d), EINVAL);
    say("capget with a bad version writes back the preferred one: %#x\n", h.version);
    h = (struct cap_header){ 0x12345678, 0 };
    E(syscall(SYS_capset, &h, d), EINVAL);
    E(syscall(SYS_capget, BAD_PTR, d), EFAULT);
    h = (struct cap_header){ 0x20080522, NOPID };
    E(syscall(SYS_capget, &h, d), ESRCH);
    h = (struct cap_header){ 0x20080522, 0 };
    E(syscall(SYS_capget, &h, BAD_PTR), EFAULT);
    OK(syscall(SYS_capget, &h, NULL));
    h = (struct cap_header){ 0x20080522, 1 };
    E(syscall(SYS_capset, &h, d), EPERM);

    say("-- robust lists, tkill, tgkill\n");
    void *head;
    size_t len;
    E(syscall(SYS_get_robust_list, NOPID, &head, &len), ESRCH);
    E(syscall(SYS_get_robust_list, 0, BAD_PTR, &len), EFAULT);
    E(syscall(SYS_get_robust_list, 0, &head, BAD_PTR), EFAULT);
    OK(syscall(SYS_get_robust_list, 0, &head, &len));
    E(syscall(SYS_set_robust_list, head, len + 1), EINVAL);
    OK(syscall(SYS_set_robust_list, head, len));
    E(syscall(SYS_tkill, -1, 0), EINVAL);
    E(syscall(SYS_tkill, 0, 0), EINVAL);
    E(syscall(SYS_tkill, NOPID, 0), ESRCH);
    E(syscall(SYS_tkill, getpid(), 99), EINVAL);
    E(syscall(SYS_tkill, NOPID, 99), ESRCH);
    E(syscall(SYS_tkill, getpid(), -1), EINVAL);
    E(syscall(SYS_tgkill, 0, getpid(), 0), EINVAL);
    E(syscall(SYS_tgkill, -1, getpid(), 0), EINVAL);
    E(syscall(SYS_tgkill, -5, getpid(), SIGUSR1), EINVAL);
    E(syscall(SYS_tgkill, getpid(), NOPID, 65), ESRCH);
    E(syscall(SYS_tgkill, NOPID, getpid(), 65), ESRCH);
    E(syscall(SYS_tgkill, getpid(), getpid(), -1), EINVAL);
    E(syscall(SYS_tgkill, getpid(), -1, 0), EINVAL);
    E(syscall(SYS_tgkill, getpid(), NOPID, 0), ESRCH);
    E(syscall(SYS_tgkill, NOPID, getpid(), 0), ESRCH);
    E(syscall(SYS_tgkill, getpid(), getpid(), 65), EINVAL);
    OK(syscall(SYS_tgkill, getpid(), getpid(), 0));

    say("-- uname, sysinfo, times, umask, sethostname, syslog, reboot\n");
    E(syscall(SYS_uname, BAD_PTR), EFAULT);
    E(syscall(SYS_sysinfo, BAD_PTR), EFAULT);
    E(syscall(SYS_times, BAD_PTR), EFAULT);
    OK(syscall(SYS_times, NULL));
    say("umask returns the old mask: %s\n", syscall(SYS_umask, 027) == 022 ? "yes" : "no");
    syscall(SYS_umask, 0777777);
    say("only the permission bits are kept: %#lo\n", (long)syscall(SYS_umask, 022));
    memset(buf, 'h', sizeof buf);
    E(syscall(SYS_sethostname, buf, 65), EINVAL);
    E(syscall(SYS_sethostname, buf, -1), EINVAL);
    E(syscall(SYS_syslog, 99, buf, sizeof buf), EINVAL);
    E(syscall(SYS_syslog, 3, NULL, 10), EINVAL);
    E(syscall(SYS_syslog, 3, buf, -1), EINVAL);
    E(syscall(SYS_syslog, 8, NULL, 99), EINVAL);
    OK(syscall(SYS_syslog, 3, buf, 0));
    E(syscall(SYS_reboot, 0x12345678, 672274793, 0x89abcdef, NULL), EINVAL);
    E(syscall(SYS_reboot, 0xfee1dead, 1, 0x89abcdef, NULL), EINVAL);

    say("-- arch_prctl, getcpu\n");
    E(syscall(SYS_arch_prctl, 0x9999, 0), EINVAL);
    E(syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, BAD_PTR), EFAULT);
    E(syscall(SYS_getcpu, BAD_PTR, NULL, NULL), EFAULT);
    E(syscall(SYS_getcpu, NULL, BAD_PTR, NULL), EFAULT);
    OK(syscall(SYS_getcpu, NULL, NULL, NULL));

    say("-- as nobody\n");
    in_child_as_nobody(as_nobody);
    gt_exit();
}
