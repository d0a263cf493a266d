/* Capability sets as Linux keeps them (capabilities(7)), run as root with
 * each case in a child of its own:
 *  - root's effective and permitted sets are equal and hold CAP_SETUID;
 *    /proc/self/status's CapEff, CapPrm and CapBnd lines say what capget
 *    and PR_CAPBSET_READ say;
 *  - leaving user id 0 everywhere clears the permitted and effective sets,
 *    unless PR_SET_KEEPCAPS, which keeps the permitted set: a capability
 *    raised from it with capset then works (setresuid back to 0, which
 *    makes the effective set the permitted one again);
 *  - an effective id leaving 0 clears the effective set, returning to 0
 *    restores it; a file-system id leaving 0 drops only the file-system
 *    capabilities (a 0000 file cannot be opened, CAP_SETUID stays);
 *  - capset: the permitted set can only shrink, the effective set stays
 *    within it (EPERM otherwise); without CAP_DAC_OVERRIDE and
 *    CAP_DAC_READ_SEARCH in the effective set even root cannot open a
 *    0000 file, and raising them again from the permitted set can;
 *  - the bounding set: PR_CAPBSET_DROP, then an exec as root is not given
 *    the dropped capability; a bad capability number is EINVAL;
 *  - the ambient set: raising needs the capability permitted and
 *    inheritable (EPERM), IS_SET, LOWER, CLEAR_ALL; an exec as a non-root
 *    user keeps only the ambient set. */
#include "gt.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define V3 0x20080522
#define C_DAC_OVERRIDE 1
#define C_DAC_READ_SEARCH 2
#define C_KILL 5
#define C_SETUID 7
#define C_SETPCAP 8
#define C_NET_BIND_SERVICE 10
#define C_SYS_TIME 25
#define BIT(c) (1ULL << (c))

struct caps {
    uint64_t eff, prm, inh;
};

static struct caps get_caps(void)
{
    struct { uint32_t version; int pid; } h = { V3, 0 };
    struct { uint32_t eff, prm, inh; } d[2];
    memset(d, 0, sizeof d);
    syscall(SYS_capget, &h, d);
    return (struct caps){ (uint64_t)d[1].eff << 32 | d[0].eff, (uint64_t)d[1].prm << 32 | d[0].prm,
                          (uint64_t)d[1].inh << 32 | d[0].inh };
}

static long set_caps(struct caps c)
{
    struct { uint32_t version; int pid; } h = { V3, 0 };
    struct { uint32_t eff, prm, inh; } d[2] = {
        { (uint32_t)c.eff, (uint32_t)c.prm, (uint32_t)c.inh },
        { (uint32_t)(c.eff >> 32), (uint32_t)(c.prm >> 32), (uint32_t)(c.inh >> 32) },
    };
    return syscall(SYS_capset, &h, d);
}

static const char *yes(int b) { return b ? "yes" : "no"; }

static uint64_t status_hex(const char *key)
{
    static char buf[4096];
    if (read_file("/proc/self/status", buf, sizeof buf) <= 0)
        return 0;
    char *p = strstr(buf, key);
    return p ? strtoull(p + strlen(key), NULL, 16) : ~0ULL;
}

static const char *zero_file;

static const char *try_open(void)
{
    int fd = open(zero_file, O_RDONLY);
    if (fd < 0)
        return errname(errno);
    close(fd);
    return "opened";
}

static void show(const char *what)
{
    struct caps c = get_caps();
    say("%s: effective %s, permitted %s, CAP_SETUID effective %s permitted %s\n", what,
        c.eff ? "some" : "none", c.prm ? "some" : "none", yes(c.eff & BIT(C_SETUID)), yes(c.prm & BIT(C_SETUID)));
}

static void case_root(void)
{
    struct caps c = get_caps();
    say("root: effective == permitted: %s, CAP_SETUID held: %s, inheritable empty: %s\n", yes(c.eff == c.prm),
        yes(c.eff & BIT(C_SETUID)), yes(c.inh == 0));
    say("status CapEff/CapPrm/CapInh match capget: %s\n",
        yes(status_hex("CapEff:") == c.eff && status_hex("CapPrm:") == c.prm && status_hex("CapInh:") == c.inh));
    uint64_t bnd = 0;
    for (int i = 0; i < 64; i++)
        if (prctl(PR_CAPBSET_READ, i, 0, 0, 0) == 1)
            bnd |= BIT(i);
    say("status CapBnd matches PR_CAPBSET_READ: %s\n", yes(status_hex("CapBnd:") == bnd));
    say("CapAmb empty: %s\n", yes(status_hex("CapAmb:") == 0));
    expect_err(prctl(PR_CAPBSET_READ, 64, 0, 0, 0), EINVAL, "PR_CAPBSET_READ 64");
}

static void case_drop_all(void)
{
    expect(setresuid(65534, 65534, 65534) == 0, "setresuid to nobody");
    show("after leaving uid 0");
    expect_err(setuid(0), EPERM, "setuid(0) with no capability");
}

static void case_keepcaps(void)
{
    expect(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0, "PR_SET_KEEPCAPS 1");
    say("PR_GET_KEEPCAPS: %d\n", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
    expect(setresuid(65534, 65534, 65534) == 0, "setresuid to nobody");
    show("after leaving uid 0 with keepcaps");
    struct caps c = get_caps();
    c.eff = BIT(C_SETUID);
    expect(set_caps(c) == 0, "capset raises CAP_SETUID from the permitted set");
    show("after capset");
    expect(setresuid(0, 0, 0) == 0, "setresuid back to 0 with CAP_SETUID");
    struct caps d = get_caps();
    say("back to uid 0: effective == permitted: %s\n", yes(d.eff == d.prm && d.eff));
}

static void case_euid(void)
{
    expect(setresuid(-1, 65534, -1) == 0, "seteuid(nobody)");
    show("effective id 65534");
    expect(setresuid(-1, 0, -1) == 0, "seteuid(0) from the saved id");
    struct caps c = get_caps();
    say("effective id 0 again: effective == permitted: %s\n", yes(c.eff == c.prm && c.eff));
    expect(syscall(SYS_setfsuid, 65534) == 0, "setfsuid(nobody)");
    c = get_caps();
    say("fsuid 65534: CAP_DAC_OVERRIDE effective %s, CAP_SETUID effective %s; open 0000 file: %s\n",
        yes(c.eff & BIT(C_DAC_OVERRIDE)), yes(c.eff & BIT(C_SETUID)), try_open());
    syscall(SYS_setfsuid, 0);
    c = get_caps();
    say("fsuid 0 again: CAP_DAC_OVERRIDE effective %s; open 0000 file: %s\n", yes(c.eff & BIT(C_DAC_OVERRIDE)),
        try_open());
}

static void case_capset(void)
{
    struct caps c = get_caps(), orig = c;
    say("root opens a 0000 file: %s\n", try_open());
    c.eff &= ~(BIT(C_DAC_OVERRIDE) | BIT(C_DAC_READ_SEARCH));
    expect(set_caps(c) == 0, "capset drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the effective set");
    say("without them: %s\n", try_open());
    expect(set_caps(orig) == 0, "capset raises them again");
    say("with them again: %s\n", try_open());
    c = orig;
    c.prm &= ~BIT(C_KILL);
    c.eff &= ~BIT(C_KILL);
    expect(set_caps(c) == 0, "capset drops CAP_KILL from the permitted set");
    expect_err(set_caps(orig), EPERM, "capset puts it back in the permitted set");
    c.eff |= BIT(C_KILL);
    expect_err(set_caps(c), EPERM, "capset: effective beyond permitted");
    struct { uint32_t version; int pid; } h = { V3, 0 };
    expect_err(syscall(SYS_capset, &h, BAD_PTR), EFAULT, "capset with a bad data pointer");
    expect_err(syscall(SYS_capget, BAD_PTR, NULL), EFAULT, "capget with a bad header pointer");
    h.version = 12345;
    struct { uint32_t eff, prm, inh; } d[2];
    expect_err(syscall(SYS_capget, &h, d), EINVAL, "capget with a bad version");
    say("version written back: %#x\n", h.version);
    h.version = 12345;
    say("capget probe (no data) with a bad version: %ld, version written back %#x\n",
        syscall(SYS_capget, &h, NULL), h.version);
    h.pid = -5;
    expect_err(syscall(SYS_capget, &h, d), EINVAL, "capget of pid -5");
    expect_err(syscall(SYS_capset, &h, d), EPERM, "capset of pid -5");
    h.pid = 1;
    expect_err(syscall(SYS_capset, &h, d), EPERM, "capset of another process");
}

static void exec_show(const char *how, char **argv0)
{
    pid_t c = fork();
    if (c == 0) {
        execv(argv0[0], (char *[]){ argv0[0], (char *)how, NULL });
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the exec'd image ran");
}

static char **g_argv;

static void case_bounding(void)
{
    expect_err(prctl(PR_CAPBSET_DROP, 99, 0, 0, 0), EINVAL, "PR_CAPBSET_DROP 99");
    expect(prctl(PR_CAPBSET_DROP, C_SYS_TIME, 0, 0, 0) == 0, "PR_CAPBSET_DROP CAP_SYS_TIME");
    say("CAP_SYS_TIME in the bounding set: %d\n", prctl(PR_CAPBSET_READ, C_SYS_TIME, 0, 0, 0));
    say("still permitted before exec: %s\n", yes(get_caps().prm & BIT(C_SYS_TIME)));
    exec_show("--after-bounding", g_argv);
}

static void case_ambient(void)
{
    expect_err(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, C_NET_BIND_SERVICE, 0, 0), EPERM,
               "ambient raise without the inheritable bit");
    struct caps c = get_caps();
    c.inh |= BIT(C_NET_BIND_SERVICE) | BIT(C_SETUID);
    expect(set_caps(c) == 0, "capset adds inheritable bits");
    expect(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, C_NET_BIND_SERVICE, 0, 0) == 0, "ambient raise");
    say("IS_SET: %d\n", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, C_NET_BIND_SERVICE, 0, 0));
    expect(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, C_NET_BIND_SERVICE, 0, 0) == 0, "ambient lower");
    say("IS_SET after lower: %d\n", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, C_NET_BIND_SERVICE, 0, 0));
    expect_err(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 1, 0, 0), EINVAL, "CLEAR_ALL with an argument");
    expect_err(prctl(PR_CAP_AMBIENT, 9, 0, 0, 0), EINVAL, "an unknown ambient operation");
    expect_err(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 99, 0, 0), EINVAL, "IS_SET 99");
    expect(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, C_NET_BIND_SERVICE, 0, 0) == 0, "ambient raise again");
    /* keepcaps keeps the permitted (and inheritable) sets across the uid
     * change; the ambient set is cleared by leaving uid 0 */
    expect(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0, "PR_SET_KEEPCAPS 1");
    expect(setresuid(65534, 65534, 65534) == 0, "setresuid to nobody");
    say("ambient after leaving uid 0: %d\n", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, C_NET_BIND_SERVICE, 0, 0));
    expect(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, C_SETUID, 0, 0) == 0, "ambient raise as nobody");
    exec_show("--after-ambient", g_argv);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        struct caps c = get_caps();
        if (!strcmp(argv[1], "--after-bounding"))
            say("after exec as root: CAP_SYS_TIME permitted %s, CAP_SETUID permitted %s, effective == permitted %s\n",
                yes(c.prm & BIT(C_SYS_TIME)), yes(c.prm & BIT(C_SETUID)), yes(c.eff == c.prm));
        else
            say("after exec as nobody: permitted only CAP_SETUID: %s, effective the same: %s, inheritable kept: %s\n",
                yes(c.prm == BIT(C_SETUID)), yes(c.eff == BIT(C_SETUID)), yes(c.inh & BIT(C_SETUID)));
        return 0;
    }
    g_argv = argv;
    static char path[] = "/tmp/gt-caps-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    chmod(path, 0);
    zero_file = path;
    int bad = 0;
    bad |= gt_in_child(case_root);
    bad |= gt_in_child(case_drop_all);
    bad |= gt_in_child(case_keepcaps);
    bad |= gt_in_child(case_euid);
    bad |= gt_in_child(case_capset);
    bad |= gt_in_child(case_bounding);
    bad |= gt_in_child(case_ambient);
    unlink(path);
    if (bad)
        gt_failures++;
    gt_exit();
}
