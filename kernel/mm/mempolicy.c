/*
 * NUMA memory policies and the system calls that set, query and act on
 * them: set_mempolicy, get_mempolicy, mbind, move_pages and migrate_pages,
 * with Linux's semantics and errors (mm/mempolicy.c, mm/migrate.c).
 *
 * Node masks from user space are bitmaps of `maxnode - 1` bits (Linux's
 * off-by-one: maxnode counts one more).  They are read as Linux's
 * MAX_NUMNODES = 1024 bits, so programs that size them from
 * /proc/<pid>/status (libnuma) see what they see on Linux: bits past 1024
 * must be zero (EINVAL), bits for nodes that do not exist are dropped, and
 * a mask that names no node with memory is EINVAL.  Tessera keeps the
 * first 64 of them (NUMA_MAX_NODES): a policy remembers the mask it was
 * given (MPOL_F_STATIC_NODES, _RELATIVE_NODES) only that far.
 *
 * Every task may use every node with memory (Linux's cpuset default), so
 * that set is also what MPOL_F_MEMS_ALLOWED reports.
 *
 * Placement happens when a page is faulted in (mpol_alloc_page): the VMA's
 * policy, else the thread's; MPOL_DEFAULT and MPOL_LOCAL take the node of
 * the CPU that faults; interleaving is by page offset in the mapping, as
 * Linux does for faults.  Kernel memory (page cache, shared mappings'
 * pages, page tables) is always local.
 */
#include <arch/percpu.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/mempolicy.h>
#include <mm/numa.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>

#define MASK_WORDS (NUMA_USER_NODES / 64)

/* ---------------------------------------------------------------- node masks */

static int first_node(uint64_t m) { return m ? __builtin_ctzll(m) : NUMA_NO_NODE; }

/* The k-th node (from 0) of m; m must have more than k. */
static int nth_node(uint64_t m, unsigned k)
{
    while (k--)
        m &= m - 1;
    return first_node(m);
}

/* The node of m nearest to `from`. */
static int nearest_node(int from, uint64_t m)
{
    const uint8_t *order = numa_fallback_order(from);
    for (int i = 0; i < numa_nodes; i++)
        if (m & (1ULL << order[i]))
            return order[i];
    return first_node(m);
}

/* Linux's get_nodes(): a mask of maxnode - 1 bits from user space. */
static int get_nodes(uint64_t nodes[MASK_WORDS], const uint64_t __user *nmask, uint64_t maxnode)
{
    memset(nodes, 0, MASK_WORDS * sizeof(uint64_t));
    --maxnode;
    if (maxnode == 0 || !nmask)
        return 0;
    if (maxnode > PAGE_SIZE * 8)
        return -EINVAL;
    /* past what nodes can be, every bit must be clear, one word at a time
     * from the end (the last word is read whole, as Linux reads it) */
    while (maxnode > NUMA_USER_NODES) {
        uint64_t bits = MIN(maxnode, 64), t;
        if (get_user(t, nmask + (maxnode - 1) / 64))
            return -EFAULT;
        if (bits % 64)
            t &= (1ULL << (bits % 64)) - 1;
        maxnode = maxnode - bits >= NUMA_USER_NODES ? maxnode - bits : NUMA_USER_NODES;
        if (t)
            return -EINVAL;
    }
    uint64_t words = (maxnode + 63) / 64;
    if (copy_from_user(nodes, nmask, words * sizeof(uint64_t)))
        return -EFAULT;
    if (maxnode % 64)
        nodes[words - 1] &= (1ULL << (maxnode % 64)) - 1;
    return 0;
}

/* Linux's copy_nodes_to_user(): the words maxnode - 1 bits need, those
 * past the nodes that exist cleared. */
static int put_nodes(uint64_t __user *nmask, uint64_t maxnode, uint64_t nodes)
{
    uint64_t copy = ALIGN_UP(maxnode - 1, 64) / 8, nbytes = (uint64_t)(numa_nodes + 63) / 64 * 8;
    if (copy > nbytes) {
        if (copy > PAGE_SIZE)
            return -EINVAL;
        if (clear_user((char __user *)nmask + nbytes, copy - nbytes))
            return -EFAULT;
        copy = nbytes;
    }
    return copy_to_user(nmask, &nodes, copy) ? -EFAULT : 0;
}

/* ---------------------------------------------------------------- policies */

/* Linux's sanitize_mpol_flags(): the mode and its flags apart. */
static int split_mode(long mode, int *lmode, unsigned *flags)
{
    int m = (int)mode;
    *flags = (unsigned)m & MPOL_MODE_FLAGS;
    m &= ~MPOL_MODE_FLAGS;
    if ((unsigned)m >= MPOL_MAX)
        return -EINVAL;
    if ((*flags & MPOL_F_STATIC_NODES) && (*flags & MPOL_F_RELATIVE_NODES))
        return -EINVAL;
    if ((*flags & MPOL_F_NUMA_BALANCING) && m != MPOL_BIND && m != MPOL_PREFERRED_MANY)
        return -EINVAL;
    *lmode = m;
    return 0;
}

static bool mask_empty(const uint64_t user[MASK_WORDS])
{
    for (int i = 0; i < MASK_WORDS; i++)
        if (user[i])
            return false;
    return true;
}

/* Linux's mpol_new() and mpol_set_nodemask(): the policy a mode, its flags
 * and a user mask describe (mode MPOL_DEFAULT: none), or -EINVAL. */
static int policy_make(int mode, unsigned flags, const uint64_t user[MASK_WORDS], struct mempolicy *out)
{
    bool empty = mask_empty(user), remap = flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES);
    memset(out, 0, sizeof *out);
    if (mode == MPOL_DEFAULT)
        return empty ? 0 : -EINVAL;
    if (mode == MPOL_PREFERRED && empty) {
        if (remap)
            return -EINVAL;
        mode = MPOL_LOCAL;              /* "preferred: nowhere" is local allocation */
    } else if (mode == MPOL_LOCAL) {
        if (!empty || remap)
            return -EINVAL;
    } else if (empty) {
        return -EINVAL;
    }
    out->mode = (uint16_t)mode;
    out->flags = (uint16_t)flags;
    out->home_node = -1;
    if (mode == MPOL_LOCAL)
        return 0;
    uint64_t allowed = numa_nodes_with_memory(), nodes = 0;
    if (flags & MPOL_F_RELATIVE_NODES) {
        /* node i of the mask means the (i mod n)-th of the n allowed nodes */
        unsigned n = (unsigned)__builtin_popcountll(allowed);
        for (unsigned i = 0; i < NUMA_USER_NODES && n; i++)
            if (user[i / 64] & (1ULL << (i % 64)))
                nodes |= 1ULL << nth_node(allowed, i % n);
    } else {
        nodes = user[0] & allowed;
    }
    if (!nodes)
        return -EINVAL;
    if (flags & MPOL_MODE_FLAGS)
        out->user_nodes = user[0];
    out->nodes = mode == MPOL_PREFERRED ? 1ULL << first_node(nodes) : nodes;
    return 0;
}

/* Where policy pol puts page `ilx` of a mapping (its offset in pages):
 * the node to try first and the nodes it may use; *interleave for numastat. */
static int policy_target(const struct mempolicy *pol, uint64_t ilx, uint64_t *allowed, bool *interleave)
{
    int local = numa_node_id();
    *allowed = ~0ULL;
    *interleave = false;
    switch (pol ? pol->mode : MPOL_DEFAULT) {
    case MPOL_PREFERRED:
        return first_node(pol->nodes);
    case MPOL_BIND:
        *allowed = pol->nodes;
        return pol->home_node >= 0 ? pol->home_node : nearest_node(local, pol->nodes);
    case MPOL_PREFERRED_MANY:
        *allowed = pol->nodes;          /* the caller then falls back to any node */
        return pol->home_node >= 0 ? pol->home_node : nearest_node(local, pol->nodes);
    case MPOL_INTERLEAVE:
    case MPOL_WEIGHTED_INTERLEAVE:      /* every node's weight is 1: plain interleaving */
        *interleave = true;
        return nth_node(pol->nodes, (unsigned)(ilx % (uint64_t)__builtin_popcountll(pol->nodes)));
    default:                            /* MPOL_DEFAULT, MPOL_LOCAL */
        return local;
    }
}

/* The policy in force at page va of v for the current task. */
static const struct mempolicy *policy_at(const struct vma *v)
{
    if (v && v->policy.mode)
        return &v->policy;
    struct task *t = current;
    return t && t->mempolicy.mode ? &t->mempolicy : NULL;
}

/* A page's interleave index: its offset in the file, or for anonymous
 * memory its virtual page number (Linux's vm_pgoff of an anonymous VMA). */
static uint64_t interleave_index(const struct vma *v, uint64_t va)
{
    return v && v->file ? (v->file_off + (va - v->start)) / PAGE_SIZE : va / PAGE_SIZE;
}

static phys_t alloc_by_policy(const struct mempolicy *pol, uint64_t ilx, unsigned flags)
{
    uint64_t allowed;
    bool interleave;
    int node = policy_target(pol, ilx, &allowed, &interleave);
    phys_t p = pmm_alloc_node(node, allowed, 0, flags | (interleave ? PMM_INTERLEAVE : 0));
    if (!p && pol && pol->mode == MPOL_PREFERRED_MANY)
        p = pmm_alloc_node(NUMA_NO_NODE, ~0ULL, 0, flags);
    return p;
}

phys_t mpol_alloc_page(const struct vma *v, uint64_t va, bool zero)
{
    return alloc_by_policy(policy_at(v), interleave_index(v, va), zero ? PMM_ZERO : 0);
}

/* ---------------------------------------------------------------- set_mempolicy */

static long sys_set_mempolicy(long mode, const uint64_t __user *nmask, uint64_t maxnode)
{
    int lmode;
    unsigned flags;
    uint64_t user[MASK_WORDS];
    struct mempolicy pol;
    int err = split_mode(mode, &lmode, &flags);
    if (!err)
        err = get_nodes(user, nmask, maxnode);
    if (!err)
        err = policy_make(lmode, flags, user, &pol);
    if (err)
        return err;
    current->mempolicy = pol;           /* only the thread itself reads or writes it */
    return 0;
}
SYSCALL_DEFINE(238, set_mempolicy);

/* ---------------------------------------------------------------- get_mempolicy */

/* The node of the page at addr, faulting it in for reading first (Linux
 * looks it up with get_user_pages); -EFAULT if that is not allowed. */
static int lookup_node(struct mm *mm, uint64_t addr)
{
    int r = vm_page_node(mm, addr);
    if (r == -ENOENT) {
        const char *why;
        r = vm_fault(mm, addr, VM_FAULT_USER, &why) ? -EFAULT : vm_page_node(mm, addr);
    }
    return r < 0 ? -EFAULT : r;
}

static long sys_get_mempolicy(int __user *policy, uint64_t __user *nmask, uint64_t maxnode, uint64_t addr, uint64_t flags)
{
    struct mm *mm = current->mm;
    if (nmask && maxnode < (uint64_t)numa_nodes)
        return -EINVAL;
    if (flags & ~(uint64_t)(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
        return -EINVAL;
    int val = 0;
    uint64_t nodes = 0;
    if (flags & MPOL_F_MEMS_ALLOWED) {
        if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
            return -EINVAL;
        nodes = numa_nodes_with_memory();
    } else {
        /* with MPOL_F_ADDR the VMA's own policy, never the thread's */
        struct mempolicy pol = current->mempolicy;
        if (flags & MPOL_F_ADDR) {
            if (!mm)
                return -EFAULT;
            spin_lock(&mm->lock);
            struct vma *v = vm_find(mm, addr);
            if (v)
                pol = v->policy;
            spin_unlock(&mm->lock);
            if (!v)
                return -EFAULT;
        } else if (addr) {
            return -EINVAL;
        }
        if (!(flags & MPOL_F_NODE)) {
            val = pol.mode | (pol.flags & MPOL_MODE_FLAGS);
        } else if (flags & MPOL_F_ADDR) {
            val = lookup_node(mm, addr);
            if (val < 0)
                return val;
        } else if (pol.mode == MPOL_INTERLEAVE || pol.mode == MPOL_WEIGHTED_INTERLEAVE) {
            /* the node of the next interleaved kernel allocation: Tessera
             * makes none for the thread, so it stays at the first */
            val = first_node(pol.nodes);
        } else {
            return -EINVAL;
        }
        nodes = pol.flags & MPOL_MODE_FLAGS ? pol.user_nodes : pol.mode == MPOL_LOCAL ? 0 : pol.nodes;
    }
    if (policy && put_user(val, policy))
        return -EFAULT;
    return nmask ? put_nodes(nmask, maxnode, nodes) : 0;
}
SYSCALL_DEFINE(239, get_mempolicy);

/* ---------------------------------------------------------------- mbind */

#define MISPLACED_BATCH 64

/* Moves the pages of [start, end) that are not on `nodes` where policy pol
 * puts them; the number that could not be moved (a page shared with
 * another mapping is left, not counted, unless move_all). */
static long move_misplaced(struct mm *mm, uint64_t start, uint64_t end, uint64_t nodes,
                           const struct mempolicy *pol, bool move_all)
{
    long failed = 0;
    uint64_t vas[MISPLACED_BATCH];
    for (uint64_t from = start; from < end;) {
        size_t n = vm_find_misplaced(mm, &from, end, nodes, vas, MISPLACED_BATCH);
        for (size_t i = 0; i < n; i++) {
            uint64_t allowed;
            bool interleave;
            int node = policy_target(pol, vas[i] / PAGE_SIZE, &allowed, &interleave);
            int r = vm_migrate_page(mm, vas[i], node, allowed, move_all);
            if (r == -ENOMEM || r == -EBUSY)
                failed++;
        }
    }
    return failed;
}

static long sys_mbind(uint64_t start, uint64_t len, uint64_t mode, const uint64_t __user *nmask, uint64_t maxnode,
               uint64_t flags)
{
    struct mm *mm = current->mm;
    int lmode;
    unsigned mflags;
    uint64_t user[MASK_WORDS];
    struct mempolicy pol;
    int err = split_mode((long)mode, &lmode, &mflags);
    if (!err)
        err = get_nodes(user, nmask, maxnode);
    if (err)
        return err;
    flags = (uint32_t)flags;            /* an unsigned int in Linux */
    if (flags & ~(uint64_t)MPOL_MF_VALID)
        return -EINVAL;
    if (start & (PAGE_SIZE - 1))
        return -EINVAL;
    if (lmode == MPOL_DEFAULT)
        flags &= ~(uint64_t)MPOL_MF_STRICT;
    len = ALIGN_UP(len, PAGE_SIZE);
    uint64_t end = start + len;
    if (end < start)
        return -EINVAL;
    if (end == start)
        return 0;
    err = policy_make(lmode, mflags, user, &pol);
    if (err)
        return err;
    if (!mm)
        return -EFAULT;
    /* a hole in the range is EFAULT, except when going back to the default */
    bool whole = lmode != MPOL_DEFAULT;
    err = vm_set_policy(mm, start, len, NULL, whole);
    if (err)
        return err;
    /* MPOL_MF_STRICT alone: a page already off the given nodes is EIO */
    uint64_t from = start, va;
    if ((flags & MPOL_MF_VALID) == MPOL_MF_STRICT && vm_find_misplaced(mm, &from, end, user[0], &va, 1))
        return -EIO;
    err = vm_set_policy(mm, start, len, &pol, whole);
    if (err || !(flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)))
        return err;
    long failed = move_misplaced(mm, start, end, user[0], pol.mode ? &pol : policy_at(NULL),
                                 flags & MPOL_MF_MOVE_ALL);
    return failed && (flags & MPOL_MF_STRICT) ? -EIO : 0;
}
SYSCALL_DEFINE(237, mbind);

/* ---------------------------------------------------------------- move_pages, migrate_pages */

/* The address space of process pid (0: the caller's), referenced. */
static long task_mm(pid_t pid, struct mm **out)
{
    spin_lock(&tasks_lock);
    struct task *t = pid ? task_find(pid) : current;
    struct mm *mm = t ? t->mm : NULL;
    if (mm)
        mm_get(mm);
    spin_unlock(&tasks_lock);
    *out = mm;
    return !t ? -ESRCH : !mm ? -EINVAL : 0;
}

#define STAT_CHUNK 16

/* move_pages without nodes: each page's node, or -EFAULT (not mapped),
 * -ENOENT (not in memory). */
static long pages_stat(struct mm *mm, uint64_t count, const uint64_t __user *pages, int __user *status)
{
    while (count) {
        uint64_t n = MIN(count, (uint64_t)STAT_CHUNK), addr[STAT_CHUNK];
        int st[STAT_CHUNK];
        if (copy_from_user(addr, pages, n * sizeof addr[0]))
            return -EFAULT;
        for (uint64_t i = 0; i < n; i++)
            st[i] = vm_page_node(mm, addr[i]);
        if (copy_to_user(status, st, n * sizeof st[0]))
            return -EFAULT;
        pages += n;
        status += n;
        count -= n;
    }
    return 0;
}

/* move_pages with nodes: each page to its node.  A bad node stops the call
 * (ENODEV: no such node or no memory on it); per-page errors go to status.
 * Returns the number of pages that could not be moved. */
static long pages_move(struct mm *mm, uint64_t count, const uint64_t __user *pages, const int __user *nodes,
                       int __user *status, bool move_all)
{
    uint64_t allowed = numa_nodes_with_memory();
    long failed = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t addr;
        int node;
        if (get_user(addr, pages + i) || get_user(node, nodes + i))
            return -EFAULT;
        if (node < 0 || node >= NUMA_USER_NODES || node >= NUMA_MAX_NODES || !(allowed & (1ULL << node)))
            return -ENODEV;
        int r = vm_migrate_page(mm, addr, node, 1ULL << node, move_all);
        if (r == -ENOMEM || r == -EBUSY)
            failed++;
        if (put_user(r, status + i))
            return -EFAULT;
    }
    return failed;
}

static long sys_move_pages(long pid, uint64_t count, const uint64_t __user *pages, const int __user *nodes,
                    int __user *status, long flags)
{
    if (flags & ~(long)(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
        return -EINVAL;
    struct mm *mm;
    long r = task_mm((pid_t)pid, &mm);
    if (r)
        return r;
    r = nodes ? pages_move(mm, count, pages, nodes, status, flags & MPOL_MF_MOVE_ALL)
              : pages_stat(mm, count, pages, status);
    mm_put(mm);
    return r;
}
SYSCALL_DEFINE(279, move_pages);

/* Linux's node_remap(): node s, the k-th of `from`, goes to the (k mod n)-th
 * of the n nodes of `to`. */
static int node_remap(int s, uint64_t from, uint64_t to)
{
    if (!(from & (1ULL << s)) || !to)
        return s;
    unsigned k = (unsigned)__builtin_popcountll(from & ((1ULL << s) - 1));
    return nth_node(to, k % (unsigned)__builtin_popcountll(to));
}

/* Every page of mm on node `source` to node `dest`; the number not moved. */
static long migrate_node(struct mm *mm, int source, int dest)
{
    long failed = 0;
    uint64_t vas[MISPLACED_BATCH];
    for (uint64_t from = 0; from < USER_TOP;) {
        size_t n = vm_find_misplaced(mm, &from, USER_TOP, ~(1ULL << source), vas, MISPLACED_BATCH);
        for (size_t i = 0; i < n; i++) {
            int r = vm_migrate_page(mm, vas[i], dest, 1ULL << dest, true);
            if (r == -ENOMEM || r == -EBUSY)
                failed++;
        }
    }
    return failed;
}

static long sys_migrate_pages(long pid, uint64_t maxnode, const uint64_t __user *old_nodes,
                       const uint64_t __user *new_nodes)
{
    uint64_t from[MASK_WORDS], to[MASK_WORDS];
    int err = get_nodes(from, old_nodes, maxnode);
    if (!err)
        err = get_nodes(to, new_nodes, maxnode);
    if (err)
        return err;
    struct mm *mm;
    long r = task_mm((pid_t)pid, &mm);
    if (r)
        return r;
    /* every process is root here (CAP_SYS_NICE): any target nodes are
     * allowed, then cut to those with memory */
    uint64_t old = from[0], new = to[0] & numa_nodes_with_memory();
    if (!new) {
        mm_put(mm);
        return -EINVAL;
    }
    /* Linux's do_migrate_pages(): pick a source whose destination is not
     * itself a source still to do, so no node is filled before it is emptied */
    long failed = 0;
    uint64_t todo = old;
    while (todo) {
        int source = NUMA_NO_NODE, dest = 0;
        for (uint64_t m = todo; m; m &= m - 1) {
            int s = first_node(m);
            if (__builtin_popcountll(old) != __builtin_popcountll(new) && (new & (1ULL << s)))
                continue;
            int d = node_remap(s, old, new);
            if (s == d)
                continue;
            source = s;
            dest = d;
            if (!(todo & (1ULL << d)))
                break;
        }
        if (source == NUMA_NO_NODE)
            break;
        todo &= ~(1ULL << source);
        failed += migrate_node(mm, source, dest);
    }
    mm_put(mm);
    return failed;
}
SYSCALL_DEFINE(256, migrate_pages);
