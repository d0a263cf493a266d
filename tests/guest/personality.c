/* personality(2), compared with Linux:
 *  - 0xffffffff only asks: PER_LINUX (0) at first; a new value is kept and
 *    the old one returned; any value is accepted;
 *  - a fork child inherits it; exec keeps it, except READ_IMPLIES_EXEC
 *    (dropped by every 64-bit exec) and, when the exec changes the user id
 *    (a set-user-id file), ADDR_NO_RANDOMIZE and the other
 *    PER_CLEAR_ON_SETID flags;
 *  - ADDR_NO_RANDOMIZE turns address-space randomization off for the
 *    programs exec'd with it: two runs find their stack, heap and mmap
 *    area at the same addresses, where two runs without it do not.
 * Run as "NAME show" it prints its personality; as "NAME addr" it sends
 * the addresses of a stack variable, its break and a new mapping to fd 3. */
#include "gt.h"
#include <sys/mman.h>
#include <sys/personality.h>

static char self[4096];

static unsigned query(void) { return (unsigned)personality(0xffffffff); }

static void run(const char *arg, const char *path)
{
    pid_t p = fork();
    if (p == 0) {
        execl(path, path, arg, (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(p, &st, 0);
}

/* The addresses of one run with personality `pers`, as text. */
static void addrs(unsigned pers, char *out, size_t n)
{
    int fds[2];
    pipe(fds);
    pid_t p = fork();
    if (p == 0) {
        personality(pers);
        dup2(fds[1], 3);
        execl(self, self, "addr", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    ssize_t got = read(fds[0], out, n - 1);
    out[got > 0 ? got : 0] = 0;
    close(fds[0]);
    waitpid(p, NULL, 0);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "show")) {
        say("  after exec: %#x\n", query());
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "addr")) {
        int local;
        void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        dprintf(3, "%p %p %p", (void *)&local, sbrk(0), m);
        return 0;
    }
    snprintf(self, sizeof self, "%s", argv[0]);
    say("personality(0xffffffff): %#x\n", query());
    say("personality(ADDR_NO_RANDOMIZE) returns the old one: %#x\n", personality(ADDR_NO_RANDOMIZE));
    say("now: %#x\n", query());
    say("personality(0x12345) returns: %#x\n", personality(0x12345));
    say("now: %#x\n", query());
    personality(PER_LINUX | READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE);
    say("set READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE: %#x\n", query());
    pid_t p = fork();
    if (p == 0) {
        say("  fork child: %#x\n", query());
        _exit(0);
    }
    waitpid(p, NULL, 0);
    say("an exec:\n");
    run("show", self);

    int copy = open(self, O_RDONLY), out = open("suid-copy", O_CREAT | O_WRONLY | O_TRUNC, 0755);
    char buf[65536];
    ssize_t n;
    while ((n = read(copy, buf, sizeof buf)) > 0)
        write(out, buf, n);
    close(out);
    expect(chown("suid-copy", 65534, 65534) == 0 && chmod("suid-copy", 04755) == 0,
           "a set-user-id copy owned by 65534");
    say("the exec of the set-user-id copy:\n");
    run("show", "./suid-copy");
    personality(PER_LINUX);

    char a[128], b[128];
    addrs(PER_LINUX | ADDR_NO_RANDOMIZE, a, sizeof a);
    addrs(PER_LINUX | ADDR_NO_RANDOMIZE, b, sizeof b);
    expect(a[0] && !strcmp(a, b), "with ADDR_NO_RANDOMIZE two runs have the same addresses");
    addrs(PER_LINUX, a, sizeof a);
    addrs(PER_LINUX, b, sizeof b);
    expect(a[0] && strcmp(a, b), "without it they differ");
    gt_exit();
}
