/* Credentials and protection, as Linux does them (run as root, which then
 * becomes other users in children): the setuid family's rules for a
 * privileged and an unprivileged task (real, effective, saved and
 * file-system ids); groups and capget; what an unprivileged user may not
 * do: read a 0600 file or search a 0700 directory of root's, create in a
 * directory it cannot write, remove another user's file from a sticky
 * directory, chmod or chown root's file, run a file without an execute
 * bit, truncate a file it cannot write, set given times on a file it does
 * not own; signal, trace or read the memory of another user's process;
 * change another user's scheduling, lower its own nice value or become
 * real-time (RLIMIT_NICE, RLIMIT_RTPRIO and RLIMIT_MEMLOCK as root lowered
 * them before dropping its privileges); access()
 * with the real ids. */
#include "gt.h"
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

static void show_ids(const char *what)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;
    getresuid(&r, &e, &s);
    getresgid(&gr, &ge, &gs);
    long fs = syscall(SYS_setfsuid, -1);
    say("%s: uid %u %u %u fsuid %ld gid %u %u %u\n", what, r, e, s, fs, gr, ge, gs);
}

static void setuid_rules(void)
{
    show_ids("start");
    expect(setreuid(1000, 1001) == 0, "setreuid(1000, 1001) as root");
    show_ids("after setreuid");
    expect(setuid(1000) == 0, "setuid to the real id, unprivileged");
    show_ids("after setuid(1000)");
    expect_err(setuid(0), EPERM, "setuid(0) unprivileged");
    expect(setresuid(-1, 1001, -1) == 0, "setresuid to the saved id");
    expect_err(setresuid(-1, 0, -1), EPERM, "setresuid to an id it does not have");
    expect_err(setreuid(-1, 7), EPERM, "setreuid to a foreign effective id");
    say("setfsuid(5) returns the old fsuid: %ld\n", syscall(SYS_setfsuid, 5));
    show_ids("fsuid not changed to 5");
    expect_err(setgroups(0, NULL), EPERM, "setgroups unprivileged");
    expect_err(setuid(-1), EINVAL, "setuid(-1)");
    struct { uint32_t version; int pid; } h = { 0x20080522, 0 };
    struct { uint32_t eff, perm, inh; } d[2];
    memset(d, 0xff, sizeof d);
    expect(syscall(SYS_capget, &h, d) == 0, "capget");
    say("capabilities: effective %#x permitted %#x\n", d[0].eff, d[0].perm);
}

static void root_groups(void)
{
    gid_t g[3] = { 10, 20, 30 }, back[8];
    expect(setgroups(3, g) == 0, "setgroups as root");
    say("getgroups: %d\n", getgroups(8, back));
    expect_err(getgroups(2, back), EINVAL, "getgroups with too small a list");
    expect(setresgid(100, 200, 300) == 0 && setresuid(10, 20, 30) == 0, "setresgid, setresuid as root");
    show_ids("after setres*");
    char st[2048];
    read_file("/proc/self/status", st, sizeof st);
    char *u = strstr(st, "Uid:");
    char *nl = u ? strchr(u, '\n') : NULL;
    if (nl)
        *nl = 0;
    say("status %s\n", u ? u : "(none)");
}

static void become_nobody(void)
{
    setgroups(0, NULL);
    setresgid(65534, 65534, 65534);
    setresuid(65534, 65534, 65534);
}

static pid_t root_pid;

static void files_as_nobody(void)
{
    become_nobody();
    int fd = open("perm.d/secret", O_RDONLY);
    expect(fd < 0 && errno == EACCES, "open in a 0700 directory of root's: EACCES");
    struct stat st;
    expect_err(stat("perm.d/secret", &st), EACCES, "stat through it");
    expect_err(open("rootonly", O_RDONLY), EACCES, "open a 0600 file of root's");
    expect_err(open("readable", O_WRONLY), EACCES, "open a 0644 file for writing");
    expect((fd = open("readable", O_RDONLY)) >= 0, "open a 0644 file for reading");
    close(fd);
    expect_err(open("newfile", O_CREAT | O_WRONLY, 0644), EACCES, "create in root's 0755 directory");
    expect_err(mkdir("newdir", 0755), EACCES, "mkdir there");
    expect_err(unlink("readable"), EACCES, "unlink there");
    expect_err(rename("readable", "moved"), EACCES, "rename there");
    expect_err(chmod("readable", 0777), EPERM, "chmod root's file");
    expect_err(chown("readable", 65534, 65534), EPERM, "chown root's file");
    expect_err(truncate("readable", 0), EACCES, "truncate root's 0644 file");
    expect(utimensat(AT_FDCWD, "sticky.d/rootfile", NULL, 0) == 0, "touch a 0666 file (write permission)");
    struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };
    expect_err(utimensat(AT_FDCWD, "sticky.d/rootfile", ts, 0), EPERM, "set given times on it");
    expect_err(execl("./noexec", "noexec", (char *)NULL), EACCES, "exec a 0644 file");
    expect_err(access("perm.d", R_OK), EACCES, "access(R_OK) of a 0700 directory");
    expect(access("readable", R_OK) == 0, "access(R_OK) of a 0644 file");
    /* the sticky directory: write root's 0666 file, not remove it; own files are fine */
    expect((fd = open("sticky.d/rootfile", O_WRONLY)) >= 0, "write a 0666 file in a sticky directory");
    close(fd);
    expect_err(unlink("sticky.d/rootfile"), EPERM, "unlink another user's file from a sticky directory");
    expect((fd = open("sticky.d/mine", O_CREAT | O_WRONLY, 0600)) >= 0, "create one's own file there");
    close(fd);
    expect(stat("sticky.d/mine", &st) == 0 && st.st_uid == 65534 && st.st_gid == 65534,
           "it belongs to the creator's ids");
    expect(unlink("sticky.d/mine") == 0, "unlink one's own file there");
}

static void processes_as_nobody(void)
{
    become_nobody();                    /* the limits root set are kept */
    expect_err(kill(root_pid, 0), EPERM, "kill(root's process, 0)");
    expect_err(kill(root_pid, SIGTERM), EPERM, "SIGTERM to root's process");
    expect(kill(root_pid, SIGCONT) == 0, "SIGCONT to a process of the same session");
    expect_err(ptrace(PTRACE_ATTACH, root_pid, 0, 0), EPERM, "PTRACE_ATTACH to root's process");
    int v = 0;
    struct iovec l = { &v, sizeof v }, r = { &v, sizeof v };
    expect_err(process_vm_readv(root_pid, &l, 1, &r, 1, 0), EPERM, "process_vm_readv of root's process");
    expect_err(setpriority(PRIO_PROCESS, root_pid, 5), EPERM, "renice root's process");
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    expect_err(sched_setaffinity(root_pid, sizeof set, &set), EPERM, "set root's process's affinity");
    expect(setpriority(PRIO_PROCESS, 0, 5) == 0, "raise one's own nice to 5");
    expect_err(setpriority(PRIO_PROCESS, 0, 4), EACCES, "lower it to 4 (RLIMIT_NICE 0)");
    struct sched_param sp = { .sched_priority = 1 };
    expect_err(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp), EPERM, "become SCHED_FIFO (RLIMIT_RTPRIO 0)");
    char *m = mmap(NULL, 128 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect(mlock(m, 32 * 1024) == 0, "mlock 32 KiB (RLIMIT_MEMLOCK 64 KiB)");
    expect_err(mlock(m, 128 * 1024), ENOMEM, "mlock 128 KiB");
    struct rlimit rl = { 1 << 20, 1 << 20 };
    expect_err(setrlimit(RLIMIT_MEMLOCK, &rl), EPERM, "raise the hard RLIMIT_MEMLOCK");
    rl.rlim_cur = rl.rlim_max = 0;
    expect(setrlimit(RLIMIT_MEMLOCK, &rl) == 0, "lower RLIMIT_MEMLOCK to 0");
    munlock(m, 32 * 1024);
    expect_err(mlock(m, 4096), EPERM, "mlock with RLIMIT_MEMLOCK 0");
}

int main(void)
{
    root_pid = getpid();
    say("child exit: %d\n", gt_in_child(setuid_rules));
    say("child exit: %d\n", gt_in_child(root_groups));

    /* files for the unprivileged checks */
    mkdir("perm.d", 0700);
    close(open("perm.d/secret", O_CREAT | O_WRONLY, 0600));
    close(open("rootonly", O_CREAT | O_WRONLY, 0600));
    int fd = open("readable", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    write(fd, "data\n", 5);
    close(fd);
    close(open("noexec", O_CREAT | O_WRONLY, 0644));
    mkdir("sticky.d", 0777);
    chmod("sticky.d", 01777);
    close(open("sticky.d/rootfile", O_CREAT | O_WRONLY, 0666));
    chmod("sticky.d/rootfile", 0666);
    chmod(".", 0755);
    say("child exit: %d\n", gt_in_child(files_as_nobody));

    /* limits only lowered: raising one needs CAP_SYS_RESOURCE, which a
     * container's root may lack */
    struct rlimit zero = { 0, 0 }, ml = { 64 * 1024, 64 * 1024 };
    setrlimit(RLIMIT_NICE, &zero);
    setrlimit(RLIMIT_RTPRIO, &zero);
    setrlimit(RLIMIT_MEMLOCK, &ml);
    say("child exit: %d\n", gt_in_child(processes_as_nobody));

    unlink("perm.d/secret");
    rmdir("perm.d");
    unlink("rootonly");
    unlink("readable");
    unlink("noexec");
    unlink("sticky.d/rootfile");
    rmdir("sticky.d");
    gt_exit();
}
