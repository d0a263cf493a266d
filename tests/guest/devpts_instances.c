/* Each mount of devpts is an instance of its own: its pty numbers start at
 * 0 whatever /dev/pts holds, its ptmx (mode from ptmxmode=) makes pairs
 * whose slaves appear under that mount only, two instances number apart,
 * and /dev/ptmx goes on using /dev/pts.  The instance is busy while a pair
 * of it is open.  Numbers of /dev/pts are never printed (the host has its
 * own pairs). */
#include "gt.h"
#include <dirent.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>

/* The names in directory `dir`, sorted, as "0 1 ptmx". */
static const char *names(const char *dir)
{
    static char out[256];
    char v[16][NAME_MAX + 1];
    int c = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) && c < 16)
        if (e->d_name[0] != '.')
            snprintf(v[c++], sizeof v[0], "%s", e->d_name);
    if (d)
        closedir(d);
    for (int i = 1; i < c; i++)
        for (int j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            char t[NAME_MAX + 1];
            memcpy(t, v[j], sizeof t);
            memcpy(v[j], v[j - 1], sizeof t);
            memcpy(v[j - 1], t, sizeof t);
        }
    out[0] = 0;
    for (int i = 0; i < c; i++)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? " " : "", v[i]);
    return out;
}

static int pty_number(int master)
{
    unsigned n;
    return ioctl(master, TIOCGPTN, &n) == 0 ? (int)n : -1;
}

/* Opens <dir>/ptmx, unlocks the slave: the master, or -1. */
static int open_master(const char *dir)
{
    char path[64];
    snprintf(path, sizeof path, "%s/ptmx", dir);
    int m = open(path, O_RDWR | O_NOCTTY);
    int unlock = 0;
    if (m >= 0)
        ioctl(m, TIOCSPTLCK, &unlock);
    return m;
}

int main(void)
{
    mkdir("a", 0755);
    mkdir("b", 0755);
    if (mount("devpts", "a", "devpts", 0, "ptmxmode=0620,mode=0600") < 0) {
        say("mount devpts: %s\n", errname(errno));
        return errno == EPERM ? 0 : 1;
    }
    expect(mount("devpts", "b", "devpts", 0, NULL) == 0, "a second instance on b");
    struct stat sa, sb, sp;
    expect(stat("a/ptmx", &sa) == 0, "a/ptmx exists");
    say("a/ptmx: mode %o rdev %u:%u\n", (unsigned)sa.st_mode, major(sa.st_rdev), minor(sa.st_rdev));
    expect(stat("b/ptmx", &sb) == 0, "b/ptmx exists");
    say("b/ptmx: mode %o\n", (unsigned)sb.st_mode);
    expect(stat("/dev/pts/ptmx", &sp) == 0 && sp.st_dev != sa.st_dev && sa.st_dev != sb.st_dev,
           "three instances, three devices");
    say("a holds: %s\n", names("a"));

    /* /dev/ptmx keeps numbering in /dev/pts; it adds nothing to a or b */
    int d = open("/dev/ptmx", O_RDWR | O_NOCTTY);
    expect(d >= 0, "open /dev/ptmx");
    int m0 = open_master("a"), m1 = open_master("a"), n0 = open_master("b");
    expect(m0 >= 0 && m1 >= 0 && n0 >= 0, "open a/ptmx twice, b/ptmx once");
    say("numbers in a: %d %d, in b: %d\n", pty_number(m0), pty_number(m1), pty_number(n0));
    say("a holds: %s\n", names("a"));
    say("b holds: %s\n", names("b"));
    struct stat s0;
    expect(stat("a/0", &s0) == 0 && S_ISCHR(s0.st_mode) && major(s0.st_rdev) == 136 && minor(s0.st_rdev) == 0,
           "a/0 is the character device 136:0");
    expect(s0.st_dev == sa.st_dev, "on a's device");

    /* the slave of a's pair 1 carries its data */
    int s = open("a/1", O_RDWR | O_NOCTTY);
    expect(s >= 0, "open a/1");
    expect(write(m1, "hi\n", 3) == 3, "the master writes a line");
    char buf[16] = {0};
    say("the slave reads %d bytes\n", (int)read(s, buf, sizeof buf - 1));
    close(s);

    /* busy while a pair of it is open */
    expect_err(umount("a"), EBUSY, "umount a with a pair open");
    close(m1);
    say("a holds after closing pair 1: %s\n", names("a"));
    int m2 = open_master("a");
    say("the next pair in a: %d\n", pty_number(m2));
    close(m0);
    close(m2);
    close(n0);
    close(d);
    expect(umount("a") == 0, "umount a");
    expect(umount("b") == 0, "umount b");
    gt_exit();
}
