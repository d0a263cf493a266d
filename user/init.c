/*
 * Tessera's /sbin/init (pid 1).
 *
 * Mounts the file systems a Linux system's init mounts: /proc, /sys, /dev
 * and /dev/pts when they are not there yet (Tessera's kernel mounts those
 * four at boot, for programs started with init=), then tmpfs on /dev/shm,
 * /run and /tmp, so that files there are limited in size (half of RAM) and
 * gone at the next boot, and the POSIX message queues on /dev/mqueue (as
 * systemd does).  The root stays as the kernel made it.
 *
 * Makes the console the controlling terminal of a new session (so the
 * shell gets job control, which Linux's initramfs shells lack), prints how
 * to use the system, and keeps a login shell on the console: when the shell
 * ends (exit, Ctrl-D, an exec that fails), a new one starts, as a Linux init
 * respawns the console's getty.  It reaps every orphan handed to it.
 *
 * Before each new shell, init gives the console back to its own process
 * group and restores the terminal settings of boot time, since the old
 * shell may have left a group of its own in the foreground or the line in
 * raw mode.  A shell that ends within a second is restarted after a pause,
 * and if /bin/sh cannot be run at all init exits 1 (the kernel then stops
 * the machine as an init failure).
 *
 * The machine stops with busybox's poweroff, halt and reboot, which ask
 * init with a signal (SIGUSR2, SIGUSR1, SIGTERM) as they would ask
 * busybox's init: init then syncs and powers off.  With -f they call
 * reboot(2) themselves.  With init= on the kernel command line this program does
 * not run, and the machine stops when that program ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const char banner[] =
    "\n"
    "Tessera: a kernel for Operating Systems: Three Easy Pieces (busybox userland).\n"
    "Try: ls /bin, ps, cat /proc/self/maps, cat /proc/meminfo, /tests/p1\n"
    "Leave: type 'poweroff', or press Ctrl-A then x to quit QEMU ('exit' starts a new shell).\n\n";

static const char respawned[] =
    "\ninit: the shell ended; starting a new one (to leave: 'poweroff', or Ctrl-A then x)\n";

static void on_poweroff(int sig)
{
    (void)sig;
    sync();
    reboot(RB_POWER_OFF);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Starts the login shell; returns its pid, or -1 with errno if /bin/sh
 * could not be run (the child reports a failed exec through a pipe that
 * a successful exec closes). */
static pid_t start_shell(const sigset_t *child_mask)
{
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(report[0]);
        close(report[1]);
        errno = e;
        return -1;
    }
    if (pid == 0) {
        char *sh_argv[] = { "-sh", NULL };
        char *envp[] = { "HOME=/root", "TERM=vt100", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", "PS1=\\w # ",
                         "SHELL=/bin/sh", NULL };
        signal(SIGUSR1, SIG_DFL);
        signal(SIGUSR2, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        sigprocmask(SIG_SETMASK, child_mask, NULL);
        close(report[0]);
        if (chdir("/root") < 0)
            chdir("/");
        execve("/bin/sh", sh_argv, envp);
        int e = errno;
        if (write(report[1], &e, sizeof e) < 0)
            _exit(126);
        _exit(127);
    }
    close(report[1]);
    int e = 0;
    ssize_t n;
    while ((n = read(report[0], &e, sizeof e)) < 0 && errno == EINTR)
        ;
    close(report[0]);
    if (n == sizeof e) {
        waitpid(pid, NULL, 0);
        errno = e;
        return -1;
    }
    return pid;
}

/* Mounts `type` on `dir` unless a file system of that magic is there;
 * a failure is reported and the boot goes on. */
static void mount_fs(const char *type, const char *dir, unsigned long magic, unsigned long flags, const char *opts)
{
    struct statfs st;
    if (magic && statfs(dir, &st) == 0 && st.f_type == magic)
        return;
    mkdir(dir, 0755);
    if (mount(type, dir, type, flags, opts) < 0)
        fprintf(stderr, "init: cannot mount %s on %s: %s\n", type, dir, strerror(errno));
}

static void mount_all(void)
{
    mount_fs("proc", "/proc", 0x9fa0, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_fs("sysfs", "/sys", 0x62656572, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_fs("devtmpfs", "/dev", 0x01021994, MS_NOSUID, "mode=0755");
    mount_fs("devpts", "/dev/pts", 0x1cd1, MS_NOSUID | MS_NOEXEC, "gid=5,mode=0620,ptmxmode=0666");
    mount_fs("tmpfs", "/dev/shm", 0, MS_NOSUID | MS_NODEV, "mode=1777");
    mount_fs("mqueue", "/dev/mqueue", 0x19800202, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_fs("tmpfs", "/run", 0, MS_NOSUID | MS_NODEV, "mode=0755");
    mount_fs("tmpfs", "/tmp", 0, MS_NOSUID | MS_NODEV, "mode=1777");
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    mount_all();
    setsid();
    if (ioctl(0, TIOCSCTTY, 0) < 0)
        fprintf(stderr, "init: no controlling terminal: %s\n", strerror(errno));

    /* init takes the console back from the background between shells:
     * with SIGTTOU blocked the terminal allows that (pid 1 would otherwise
     * be sent a SIGTTOU it never receives).  Shells start unblocked. */
    sigset_t child_mask, ttou;
    sigprocmask(SIG_SETMASK, NULL, &child_mask);
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    sigprocmask(SIG_BLOCK, &ttou, NULL);
    struct termios boot_termios;
    int have_termios = tcgetattr(0, &boot_termios) == 0;

    signal(SIGUSR1, on_poweroff);       /* busybox halt */
    signal(SIGUSR2, on_poweroff);       /* busybox poweroff */
    signal(SIGTERM, on_poweroff);       /* busybox reboot: power off too (QEMU runs with -no-reboot) */

    if (write(1, banner, sizeof banner - 1) < 0)
        return 1;
    for (int round = 0;; round++) {
        if (round > 0) {
            tcsetpgrp(0, getpgrp());
            if (have_termios)
                tcsetattr(0, TCSANOW, &boot_termios);
            if (write(1, respawned, sizeof respawned - 1) < 0)
                return 1;
        }
        double started = now();
        pid_t shell = start_shell(&child_mask);
        if (shell < 0) {
            fprintf(stderr, "init: cannot run /bin/sh: %s\n", strerror(errno));
            return 1;
        }
        for (;;) {
            pid_t p = wait(NULL);
            if (p == shell)
                break;
            if (p < 0 && errno == ECHILD)
                break;
        }
        if (now() - started < 1.0)
            sleep(1);                   /* a shell that cannot stay up: do not spin */
    }
}
