/* NUMA memory policy system calls on a machine with one node, as Linux
 * answers them: get_mempolicy's default answers and MPOL_F_MEMS_ALLOWED,
 * set_mempolicy round trips for every mode (and across fork and execve),
 * mbind on parts of a mapping, the node of a page (MPOL_F_NODE|MPOL_F_ADDR
 * and move_pages without nodes), moving pages to node 0, migrate_pages,
 * and the errors: bad modes, flags and node masks, a mask naming no node,
 * maxnode too small, unmapped ranges and bad pointers. */
#include "gt_numa.h"
#include <sys/mman.h>

/* The thread's policy as "mode mask", or the error. */
static const char *policy(void)
{
    static char buf[64];
    int mode = -1;
    unsigned long mask[2] = { ~0UL, ~0UL };
    if (get_mempolicy(&mode, mask, 128, NULL, 0))
        snprintf(buf, sizeof buf, "error %s", errname(errno));
    else
        snprintf(buf, sizeof buf, "mode %#x nodes %#lx,%#lx", mode, mask[0], mask[1]);
    return buf;
}

/* The VMA policy at addr, as "mode mask". */
static const char *policy_at(void *addr)
{
    static char buf[64];
    int mode = -1;
    unsigned long mask = ~0UL;
    if (get_mempolicy(&mode, &mask, 64, addr, MPOL_F_ADDR))
        snprintf(buf, sizeof buf, "error %s", errname(errno));
    else
        snprintf(buf, sizeof buf, "mode %#x nodes %#lx", mode, mask);
    return buf;
}

static void set_and_show(const char *what, int mode, const unsigned long *mask, unsigned long maxnode)
{
    long r = set_mempolicy(mode, mask, maxnode);
    say("%s: %s, then %s\n", what, r ? errname(errno) : "ok", policy());
}

static int child_reports(void)
{
    say("fork child: %s\n", policy());
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "exec-child")) {
        say("after execve: %s\n", policy());
        return 0;
    }
    static const unsigned long node0 = 1, node0_and_63 = 1 | 1UL << 63, node5 = 1 << 5, none = 0;

    /* ---- the default ---- */
    say("default: %s\n", policy());
    int mode = -1;
    expect(get_mempolicy(&mode, NULL, 0, NULL, 0) == 0 && mode == MPOL_DEFAULT, "mode alone, no mask");
    unsigned long mask = 0;
    expect(get_mempolicy(NULL, &mask, 1, NULL, MPOL_F_MEMS_ALLOWED) == 0 && mask == 0,
           "maxnode 1 copies no mask word");
    mask = 0;
    expect(get_mempolicy(&mode, &mask, 64, NULL, MPOL_F_MEMS_ALLOWED) == 0 && mode == 0 && mask == 1,
           "MPOL_F_MEMS_ALLOWED: node 0");
    unsigned long big[32];
    memset(big, 0xff, sizeof big);
    expect(get_mempolicy(NULL, big, 1025, NULL, MPOL_F_MEMS_ALLOWED) == 0 && big[0] == 1 && big[1] == 0 &&
               big[15] == 0 && big[16] == ~0UL,
           "a 1024-node mask: node 0, the rest cleared, nothing past it written");
    char status[4096];
    read_file("/proc/self/status", status, sizeof status);
    char *m = strstr(status, "Mems_allowed_list:");
    expect(m && !strncmp(m, "Mems_allowed_list:\t0\n", 21), "/proc/self/status Mems_allowed_list: 0");

    /* ---- set_mempolicy round trips ---- */
    set_and_show("bind node 0", MPOL_BIND, &node0, 64);
    set_and_show("preferred node 0", MPOL_PREFERRED, &node0, 64);
    set_and_show("interleave node 0", MPOL_INTERLEAVE, &node0, 64);
    int next = -1;
    expect(get_mempolicy(&next, NULL, 0, NULL, MPOL_F_NODE) == 0 && next == 0, "interleave: next node 0");
    set_and_show("local", MPOL_LOCAL, NULL, 0);
    set_and_show("preferred, no nodes (local)", MPOL_PREFERRED, &none, 64);
    set_and_show("preferred many node 0", MPOL_PREFERRED_MANY, &node0, 64);
    set_and_show("bind, static nodes", MPOL_BIND | MPOL_F_STATIC_NODES, &node0, 64);
    set_and_show("bind, relative nodes", MPOL_BIND | MPOL_F_RELATIVE_NODES, &node0, 64);
    set_and_show("bind, numa balancing", MPOL_BIND | MPOL_F_NUMA_BALANCING, &node0, 64);
    set_and_show("bind nodes 0 and 63 (63 does not exist)", MPOL_BIND, &node0_and_63, 65);
    set_and_show("bind, maxnode 2 (one bit)", MPOL_BIND, &node0, 2);
    set_and_show("back to default", MPOL_DEFAULT, NULL, 0);

    /* ---- set_mempolicy errors (the policy stays the default) ---- */
    set_and_show("mode 99", 99, &node0, 64);
    set_and_show("bind, no mask", MPOL_BIND, NULL, 0);
    set_and_show("bind, maxnode 1 (no bits)", MPOL_BIND, &node0, 1);
    set_and_show("bind node 5 only (no such node)", MPOL_BIND, &node5, 64);
    set_and_show("default with nodes", MPOL_DEFAULT, &node0, 64);
    set_and_show("local with nodes", MPOL_LOCAL, &node0, 64);
    set_and_show("static and relative", MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, &node0, 64);
    set_and_show("preferred, static, no nodes", MPOL_PREFERRED | MPOL_F_STATIC_NODES, &none, 64);
    set_and_show("interleave, numa balancing", MPOL_INTERLEAVE | MPOL_F_NUMA_BALANCING, &node0, 64);
    set_and_show("bad mask pointer", MPOL_BIND, BAD_PTR, 64);
    set_and_show("maxnode past a page of bits", MPOL_BIND, &node0, 4096 * 8 + 2);
    unsigned long wide[64] = { 1 };
    wide[1500 / 64] = 1UL << (1500 % 64);
    set_and_show("node 1500 (past every node id)", MPOL_BIND, wide, 2049);

    /* ---- get_mempolicy errors ---- */
    expect_err(get_mempolicy(&mode, &mask, 0, NULL, 0), EINVAL, "mask with maxnode 0");
    expect_err(get_mempolicy(&mode, NULL, 0, NULL, 8), EINVAL, "unknown flag");
    expect_err(get_mempolicy(&mode, NULL, 0, NULL, MPOL_F_MEMS_ALLOWED | MPOL_F_NODE), EINVAL,
               "MEMS_ALLOWED with NODE");
    expect_err(get_mempolicy(&mode, NULL, 0, (void *)PAGE, 0), EINVAL, "an address without MPOL_F_ADDR");
    expect_err(get_mempolicy(&mode, NULL, 0, NULL, MPOL_F_NODE), EINVAL, "MPOL_F_NODE, not interleaving");
    expect_err(get_mempolicy(&mode, NULL, 0, BAD_PTR, MPOL_F_ADDR), EFAULT, "MPOL_F_ADDR, unmapped");
    expect_err(get_mempolicy(BAD_PTR, NULL, 0, NULL, 0), EFAULT, "bad mode pointer");
    expect_err(get_mempolicy(&mode, BAD_PTR, 64, NULL, 0), EFAULT, "bad mask pointer");

    /* ---- fork and execve keep the thread's policy ---- */
    set_mempolicy(MPOL_PREFERRED, &node0, 64);
    say("fork: %s\n", status_str(run_child(child_reports)));
    pid_t pid = fork();
    if (pid == 0) {
        execl(argv[0], argv[0], "exec-child", (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    say("execve: %s\n", status_str(st));
    set_mempolicy(MPOL_DEFAULT, NULL, 0);

    /* ---- mbind ---- */
    char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p + 3 * PAGE, PAGE);                 /* pages 0..2, a hole after */
    expect(mbind(p + PAGE, PAGE, MPOL_BIND, &node0, 64, 0) == 0, "mbind the middle page");
    for (int i = 0; i < 3; i++)
        say("page %d: %s\n", i, policy_at(p + i * PAGE));
    say("thread policy still: %s\n", policy());
    expect(mbind(p, 3 * PAGE, MPOL_INTERLEAVE, &node0, 64, 0) == 0, "mbind all three, interleave");
    for (int i = 0; i < 3; i++)
        say("page %d: %s\n", i, policy_at(p + i * PAGE));
    expect(mbind(p, 1, MPOL_PREFERRED, &node0, 64, 0) == 0, "mbind 1 byte: the whole page");
    say("page 0: %s\n", policy_at(p));
    expect(mbind(p, 0, MPOL_BIND, &node5, 64, 0) == 0, "length 0 does nothing, even with a bad mask");
    expect(mbind(p, 4 * PAGE, MPOL_DEFAULT, NULL, 0, 0) == 0, "MPOL_DEFAULT over a hole");
    say("page 1 after: %s\n", policy_at(p + PAGE));
    expect_err(mbind(p, 4 * PAGE, MPOL_BIND, &node0, 64, 0), EFAULT, "mbind over a hole");
    expect_err(mbind(p + 3 * PAGE, PAGE, MPOL_DEFAULT, NULL, 0, 0), EFAULT, "mbind only a hole");
    expect_err(mbind(p + 1, PAGE, MPOL_BIND, &node0, 64, 0), EINVAL, "unaligned start");
    expect_err(mbind(p, PAGE, MPOL_BIND, &node0, 64, 0x10), EINVAL, "unknown mbind flag");
    expect_err(mbind(p, PAGE, MPOL_BIND, &node5, 64, 0), EINVAL, "mbind to a node that does not exist");
    expect_err(mbind(p, PAGE, 77, &node0, 64, 0), EINVAL, "mbind mode 77");
    expect_err(mbind(p, PAGE, MPOL_BIND, BAD_PTR, 64, 0), EFAULT, "mbind bad mask pointer");
    expect_err(mbind(p, -PAGE, MPOL_BIND, &node0, 64, 0), EINVAL, "mbind range wrapping around");

    /* ---- where pages are ---- */
    p[0] = 1;
    p[PAGE] = 1;
    int node = -1;
    expect(get_mempolicy(&node, NULL, 0, p, MPOL_F_NODE | MPOL_F_ADDR) == 0 && node == 0, "touched page: node 0");
    void *pages[4] = { p, p + PAGE, p + 2 * PAGE, p + 3 * PAGE };
    int stat4[4] = { 9, 9, 9, 9 };
    expect(move_pages(0, 4, pages, NULL, stat4, 0) == 0, "move_pages query");
    say("status: %d %s %s %s\n", stat4[0], stat4[1] == 0 ? "0" : errname(-stat4[1]), errname(-stat4[2]),
        errname(-stat4[3]));
    expect(mbind(p, 2 * PAGE, MPOL_BIND, &node0, 64, MPOL_MF_STRICT) == 0, "strict: pages already on node 0");
    expect(mbind(p, 2 * PAGE, MPOL_BIND, &node0, 64, MPOL_MF_MOVE | MPOL_MF_STRICT) == 0, "move to node 0");
    int to[4] = { 0, 0, 0, 0 };
    memset(stat4, 9, sizeof stat4);
    expect(move_pages(0, 3, pages, to, stat4, MPOL_MF_MOVE) == 0, "move_pages to node 0");
    say("status: %d %d %s\n", stat4[0], stat4[1], errname(-stat4[2]));
    to[0] = 5;
    expect_err(move_pages(0, 1, pages, to, stat4, 0), ENODEV, "move_pages to node 5");
    to[0] = -1;
    expect_err(move_pages(0, 1, pages, to, stat4, 0), ENODEV, "move_pages to node -1");
    expect_err(move_pages(0, 1, pages, NULL, stat4, 8), EINVAL, "move_pages unknown flag");
    expect_err(move_pages(0, 1, BAD_PTR, NULL, stat4, 0), EFAULT, "move_pages bad page list");
    expect_err(move_pages(0, 1, pages, NULL, BAD_PTR, 0), EFAULT, "move_pages bad status array");
    expect_err(move_pages(0x3fffffff, 1, pages, NULL, stat4, 0), ESRCH, "move_pages no such process");
    stat4[0] = 9;
    expect(move_pages(getpid(), 1, pages, NULL, stat4, 0) == 0 && stat4[0] == 0, "move_pages by own pid");
    expect(migrate_pages(0, 64, &node0, &node0) == 0, "migrate_pages node 0 to node 0");
    expect_err(migrate_pages(0x3fffffff, 64, &node0, &node0), ESRCH, "migrate_pages no such process");
    expect_err(migrate_pages(0, 64, &node0, BAD_PTR), EFAULT, "migrate_pages bad mask");
    expect(p[0] == 1 && p[PAGE] == 1, "the data is still there");
    munmap(p, 3 * PAGE);
    gt_exit();
}
