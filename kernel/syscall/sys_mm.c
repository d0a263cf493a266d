/*
 * Memory system calls: brk, mmap, munmap, mprotect, madvise, and the
 * pre-faulting/locking calls (mlock, mlockall, MAP_POPULATE, MAP_LOCKED)
 * that let a latency-sensitive program take every page fault up front.
 *
 * Private mappings are copy-on-write (anonymous memory, or a file's pages
 * copied when written).  Shared mappings map a file's own frames, so
 * stores are seen by every process mapping it and by read()/write();
 * shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS, or /dev/zero) is an
 * unnamed in-memory file, so it stays shared across fork whether or not a
 * page was touched before.
 */
#include <fs/namei.h>
#include <fs/vfs.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <proc/cred.h>
#include <proc/rlimit.h>

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_32BIT 0x40
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x100
#define MAP_DENYWRITE 0x800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_UNINITIALIZED 0x4000000
#define MAP_HUGE_2MB (21 << 26)
#define MAP_HUGE_1GB (30 << 26)
#define MCL_CURRENT 1
#define MCL_FUTURE 2

static long sys_brk(uint64_t addr)
{
    struct mm *mm = current->mm;
    if (addr == 0 || addr < mm->brk_start)
        return mm->brk;
    uint64_t old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end = ALIGN_UP(addr, PAGE_SIZE);
    if (addr - mm->brk_start > (1UL << 36))
        return mm->brk;
    if (new_end > old_end) {
        spin_lock(&mm->lock);
        bool clash = false;
        list_for_each(n, &mm->vmas) {
            struct vma *v = container_of(n, struct vma, node);
            if (v->start < new_end && v->end > old_end)
                clash = true;
        }
        spin_unlock(&mm->lock);
        if (clash)
            return mm->brk;             /* Linux: the old break means failure */
        if (vm_map(mm, old_end, new_end - old_end, VM_READ | VM_WRITE, VMA_ANON | VMA_HEAP, NULL, 0, 0, "[heap]"))
            return mm->brk;
        uint32_t lock = READ_ONCE(mm->def_flags);
        if (lock) {
            vm_set_flags(mm, old_end, new_end - old_end, lock, 0);
            if (!(lock & VMA_LOCKONFAULT))
                vm_populate(mm, old_end, new_end - old_end, true);
        }
    } else if (new_end < old_end) {
        vm_unmap(mm, new_end, old_end - new_end);
    }
    mm->brk = addr;
    return addr;
}
SYSCALL_DEFINE(12, brk);

static uint64_t locked_bytes(struct mm *mm, uint64_t start, uint64_t end, uint64_t *inside);

static uint32_t to_vm_prot(int prot) { return prot & (PROT_READ | PROT_WRITE | PROT_EXEC); }

/* The flags MAP_SHARED_VALIDATE accepts (Linux's LEGACY_MAP_MASK: the
 * huge-page size field's 2 MB and 1 GB values included); any other bit is
 * EOPNOTSUPP, where plain MAP_SHARED ignores it. */
#define MAP_VALIDATE_KNOWN (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE | \
                            MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE |       \
                            MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_32BIT | MAP_HUGE_2MB | MAP_HUGE_1GB)

/* The mapping type (MAP_TYPE bits) is valid for this mapping?  0 or -errno. */
static long mmap_type_check(int flags, bool anon)
{
    switch (flags & MAP_TYPE) {
    case MAP_SHARED:
    case MAP_PRIVATE:
        return 0;
    case MAP_SHARED_VALIDATE:
        if (anon)
            return -EINVAL;
        return (flags & ~MAP_VALIDATE_KNOWN) ? -EOPNOTSUPP : 0;
    default:
        return -EINVAL;
    }
}

/* Linux's order of checks: the offset's alignment, then the descriptor
 * (EBADF before anything else is looked at), then the length, the type. */
static long sys_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off)
{
    struct mm *mm = current->mm;
    if (off & (PAGE_SIZE - 1))
        return -EINVAL;
    struct vnode *file = NULL;
    struct file *f = NULL;
    bool anon = flags & MAP_ANONYMOUS;
    if (!anon) {
        f = fd_get_io(fd);
        if (!f)
            return -EBADF;
    }
    long bad = 0;
    uint64_t size = ALIGN_UP(len, PAGE_SIZE);
    if (len == 0)
        bad = -EINVAL;           /* unknown PROT bits are ignored, as on Linux */
    else if (size < len || size > (1UL << 46))
        bad = -ENOMEM;
    else
        bad = mmap_type_check(flags, anon);
    if (!bad && ((flags & MAP_LOCKED) || READ_ONCE(mm->def_flags)) && !capable(CAP_IPC_LOCK)) {
        /* a locked mapping counts against RLIMIT_MEMLOCK (Linux: EAGAIN) */
        uint64_t inside, limit = rlimit_cur(current, RLIMIT_MEMLOCK);
        if (locked_bytes(mm, 0, 0, &inside) + size > limit)
            bad = limit ? -EAGAIN : -EPERM;
    }
    if (bad) {
        file_put(f);
        return bad;
    }
    if (!anon) {
        file = f->vnode;
        int acc = f->flags & O_ACCMODE;
        if (file && S_ISCHR(file->mode) && file->rdev == MKDEV(1, 5)) {
            anon = true;                /* /dev/zero: anonymous memory */
            file_put(f);
            f = NULL;
            file = NULL;
        } else if (!file || !S_ISREG(file->mode)) {
            file_put(f);
            return -ENODEV;
        } else if (acc == O_WRONLY || ((flags & MAP_SHARED) && (prot & PROT_WRITE) && acc != O_RDWR)) {
            file_put(f);
            return -EACCES;             /* the descriptor does not allow it */
        }
    }
    struct vnode *shm = NULL;           /* shared anonymous memory's unnamed file */
    if (anon && (flags & MAP_SHARED)) {
        shm = vfs_anon_file(size);
        if (!shm)
            return -ENOMEM;
        file = shm;
    }
    uint32_t vflags = file ? VMA_FILE : VMA_ANON;
    if (flags & MAP_SHARED)
        vflags |= VMA_SHARED;
    if ((flags & MAP_SHARED) && !shm && (f->flags & O_ACCMODE) != O_RDWR)
        vflags |= VMA_NOWRITE;
    /* /proc/<pid>/maps names a file mapping by the file's path (the
     * libraries of a dynamically linked program, for one) */
    char name[sizeof ((struct vma *)0)->name] = "";
    if (shm)
        strlcpy(name, "/dev/zero (deleted)", sizeof name);
    else if (file && vfs_path_of(file, name, sizeof name) < 0)
        name[0] = 0;
    uint64_t foff = shm ? 0 : off;
    /* a private file mapping's data ends at EOF (beyond it pages read as
     * zeros); a shared one looks at the file's size on every fault */
    uint64_t file_len = size;
    if (file && !(flags & MAP_SHARED)) {
        struct linux_stat st;
        vnode_stat(file, &st);
        file_len = (uint64_t)st.st_size > off ? MIN((uint64_t)st.st_size - off, size) : 0;
    }
    long r;
    uint64_t at = addr;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (addr & (PAGE_SIZE - 1) || addr < USER_MIN_ADDR || addr + size > USER_TOP || addr + size < addr) {
            r = -EINVAL;
            goto out;
        }
        if (flags & MAP_FIXED_NOREPLACE)
            r = vm_map_noreplace(mm, at, size, to_vm_prot(prot), vflags, file, foff, file ? at + file_len : 0, name);
        else
            r = vm_map(mm, at, size, to_vm_prot(prot), vflags, file, foff, file ? at + file_len : 0, name);
    } else {
        r = vm_map_anywhere(mm, size, to_vm_prot(prot), vflags, file, foff, file_len, name);
        if (r > 0) {
            at = (uint64_t)r;
            r = 0;
        }
    }
out:
    vnode_put(shm);                     /* the mapping holds its own reference */
    file_put(f);
    if (r)
        return r;
    /* MAP_LOCKED, or mlockall(MCL_FUTURE): locked, and (unless on fault)
     * every page taken now */
    uint32_t lock = (flags & MAP_LOCKED) ? VMA_LOCKED : READ_ONCE(mm->def_flags);
    if (lock)
        vm_set_flags(mm, at, size, lock, 0);
    if ((flags & MAP_POPULATE) || (lock && !(lock & VMA_LOCKONFAULT)))
        vm_populate(mm, at, size, prot & PROT_WRITE);
    return at;
}
SYSCALL_DEFINE(9, mmap);

static long sys_munmap(uint64_t addr, uint64_t len)
{
    if ((addr & (PAGE_SIZE - 1)) || len == 0 || addr + len < addr || addr + len > USER_TOP)
        return -EINVAL;
    return vm_unmap(current->mm, addr, ALIGN_UP(len, PAGE_SIZE));
}
SYSCALL_DEFINE(11, munmap);

/* Linux's order of checks: alignment, both GROWS flags, an empty range
 * (done), a range that wraps (ENOMEM), then unknown bits. */
static long sys_mprotect(uint64_t addr, uint64_t len, int prot)
{
    const int grows = 0x01000000 /* GROWSDOWN */ | 0x02000000 /* GROWSUP */;
    if ((addr & (PAGE_SIZE - 1)) || (prot & grows) == grows)
        return -EINVAL;
    if (len == 0)
        return 0;
    uint64_t size = ALIGN_UP(len, PAGE_SIZE);
    if (size == 0 || addr + size <= addr)
        return -ENOMEM;
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | grows))
        return -EINVAL;
    return vm_protect(current->mm, addr, size, to_vm_prot(prot));
}
SYSCALL_DEFINE(10, mprotect);

#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_MERGEABLE 12
#define MADV_UNMERGEABLE 13
#define MADV_HUGEPAGE 14
#define MADV_NOHUGEPAGE 15
#define MADV_DONTDUMP 16
#define MADV_DODUMP 17
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23

/* Every VMA of the range is private anonymous memory?  (WIPEONFORK) */
static bool private_anon(struct mm *mm, uint64_t start, uint64_t end)
{
    bool ok = true;
    spin_lock(&mm->lock);
    list_for_each(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        if (v->end > start && v->start < end && (v->file || (v->flags & VMA_SHARED)))
            ok = false;
    }
    spin_unlock(&mm->lock);
    return ok;
}

/*
 * madvise.  MADV_DONTNEED (and MADV_FREE, which Linux may defer; dropping at
 * once is one of its allowed outcomes) drops the pages: private anonymous
 * memory reads back as zeros.  WIPEONFORK/KEEPONFORK mark private anonymous
 * memory that a fork child gets empty.  WILLNEED and POPULATE_* fault the
 * pages in.  The other advice is accepted and has no effect here.  As on
 * Linux, part of the range unmapped is ENOMEM, an unknown advice EINVAL.
 */
static long sys_madvise(uint64_t addr, uint64_t len, int advice)
{
    struct mm *mm = current->mm;
    if (addr & (PAGE_SIZE - 1))
        return -EINVAL;
    uint64_t size = ALIGN_UP(len, PAGE_SIZE);
    if (size < len || addr + size < addr)
        return -EINVAL;
    switch (advice) {
    case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED: case MADV_DONTNEED:
    case MADV_FREE: case MADV_REMOVE: case MADV_DONTFORK: case MADV_DOFORK: case MADV_MERGEABLE:
    case MADV_UNMERGEABLE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP:
    case MADV_WIPEONFORK: case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT: case MADV_POPULATE_READ:
    case MADV_POPULATE_WRITE:
        break;
    default:
        return -EINVAL;
    }
    if (size == 0)
        return 0;
    spin_lock(&mm->lock);
    bool covered = vm_covered(mm, addr, size);
    spin_unlock(&mm->lock);
    switch (advice) {
    case MADV_DONTNEED:
    case MADV_FREE:
        return vm_zap(mm, addr, size);
    case MADV_WIPEONFORK:
    case MADV_KEEPONFORK:
        if (!covered)
            return -ENOMEM;
        if (!private_anon(mm, addr, addr + size))
            return -EINVAL;
        return vm_set_flags(mm, addr, size, advice == MADV_WIPEONFORK ? VMA_WIPEONFORK : 0,
                            advice == MADV_WIPEONFORK ? 0 : VMA_WIPEONFORK);
    case MADV_WILLNEED:
    case MADV_POPULATE_READ:
    case MADV_POPULATE_WRITE:
        if (!covered)
            return -ENOMEM;
        if (vm_populate(mm, addr, size, advice == MADV_POPULATE_WRITE))
            return advice == MADV_WILLNEED ? 0 : -EFAULT;
        return 0;
    default:
        return covered ? 0 : -ENOMEM;
    }
}
SYSCALL_DEFINE(28, madvise);

/* mincore: one byte per page, 1 if the page is resident. */
static long sys_mincore(uint64_t addr, uint64_t len, uint8_t __user *vec)
{
    struct mm *mm = current->mm;
    if (addr & (PAGE_SIZE - 1))
        return -EINVAL;
    uint64_t size = ALIGN_UP(len, PAGE_SIZE);
    if (size < len || addr + size < addr || addr + size > USER_TOP)
        return -ENOMEM;
    for (uint64_t va = addr; va < addr + size;) {
        uint8_t chunk[256];
        size_t n = 0;
        spin_lock(&mm->lock);
        if (!vm_covered(mm, va, PAGE_SIZE)) {
            spin_unlock(&mm->lock);
            return -ENOMEM;
        }
        for (; n < sizeof chunk && va < addr + size; n++, va += PAGE_SIZE) {
            if (!vm_covered(mm, va, PAGE_SIZE))
                break;
            pte_t *pte = mm_pte(mm, va, false);
            chunk[n] = pte && pte_present(*pte) ? 1 : 0;
        }
        spin_unlock(&mm->lock);
        if (copy_to_user(vec, chunk, n))
            return -EFAULT;
        vec += n;
    }
    return 0;
}
SYSCALL_DEFINE(27, mincore);

#define MLOCK_ONFAULT 1
#define MCL_ONFAULT 4

/* Bytes of mm's locked mappings, and how much of [start, end) they cover. */
static uint64_t locked_bytes(struct mm *mm, uint64_t start, uint64_t end, uint64_t *inside)
{
    uint64_t total = 0;
    *inside = 0;
    spin_lock(&mm->lock);
    list_for_each(node, &mm->vmas) {
        struct vma *v = container_of(node, struct vma, node);
        if (!(v->flags & VMA_LOCKED))
            continue;
        total += v->end - v->start;
        if (v->end > start && v->start < end)
            *inside += MIN(v->end, end) - MAX(v->start, start);
    }
    spin_unlock(&mm->lock);
    return total;
}

/* RLIMIT_MEMLOCK, as Linux checks it: without CAP_IPC_LOCK the locked
 * mappings may total at most the soft limit once [start, end) is locked
 * too (ENOMEM, or `over` for mmap), and a limit of 0 allows no locking at
 * all (EPERM). */
static long memlock_allowed(struct mm *mm, uint64_t start, uint64_t end, long over)
{
    if (capable(CAP_IPC_LOCK))
        return 0;
    uint64_t limit = rlimit_cur(current, RLIMIT_MEMLOCK), inside;
    if (limit == 0)
        return -EPERM;
    uint64_t after = locked_bytes(mm, start, end, &inside) - inside + (end - start);
    return after > limit ? over : 0;
}

/* The VMAs of [start, end) locked (lock) or unlocked, and locked ones
 * faulted in unless on fault.  ENOMEM if part of the range is unmapped. */
static long lock_range(uint64_t start, uint64_t end, bool lock, bool onfault)
{
    struct mm *mm = current->mm;
    if (end < start)
        return -EINVAL;
    if (end == start)
        return 0;
    long denied = lock ? memlock_allowed(mm, start, end, -ENOMEM) : 0;
    if (denied)
        return denied;
    uint32_t flags = VMA_LOCKED | (onfault ? VMA_LOCKONFAULT : 0);
    long r = lock ? vm_set_flags(mm, start, end - start, flags, onfault ? 0 : VMA_LOCKONFAULT)
                  : vm_set_flags(mm, start, end - start, 0, VMA_LOCKED | VMA_LOCKONFAULT);
    if (r || !lock || onfault)
        return r;
    /* fault everything in, writable pages as writes (so copy-on-write is
     * broken now, not on the first store); PROT_NONE is left alone */
    struct { uint64_t s, e; bool w; } todo[64];
    uint64_t at = start;
    while (at < end) {
        int n = 0;
        spin_lock(&mm->lock);
        list_for_each(node, &mm->vmas) {
            struct vma *v = container_of(node, struct vma, node);
            if (v->end <= at || v->start >= end || n == 64)
                continue;
            if (v->prot & (VM_READ | VM_WRITE | VM_EXEC))
                todo[n++] = (typeof(todo[0])){ MAX(v->start, at), MIN(v->end, end), (v->prot & VM_WRITE) != 0 };
        }
        spin_unlock(&mm->lock);
        if (n == 0)
            break;
        for (int i = 0; i < n; i++)
            if (vm_populate(mm, todo[i].s, todo[i].e - todo[i].s, todo[i].w))
                return -ENOMEM;
        at = todo[n - 1].e;
    }
    return 0;
}

static long sys_mlock(uint64_t addr, uint64_t len)
{
    uint64_t start = ALIGN_DOWN(addr, PAGE_SIZE), end = ALIGN_UP(addr + len, PAGE_SIZE);
    return lock_range(start, end, true, false);
}
SYSCALL_DEFINE(149, mlock);

static long sys_mlock2(uint64_t addr, uint64_t len, int flags)
{
    if (flags & ~MLOCK_ONFAULT)
        return -EINVAL;
    uint64_t start = ALIGN_DOWN(addr, PAGE_SIZE), end = ALIGN_UP(addr + len, PAGE_SIZE);
    return lock_range(start, end, true, flags & MLOCK_ONFAULT);
}
SYSCALL_DEFINE(325, mlock2);

static long sys_munlock(uint64_t addr, uint64_t len)
{
    uint64_t start = ALIGN_DOWN(addr, PAGE_SIZE), end = ALIGN_UP(addr + len, PAGE_SIZE);
    return lock_range(start, end, false, false);
}
SYSCALL_DEFINE(150, munlock);

/* The span of every mapping (mlockall and munlockall act on all of them). */
static void all_vmas(struct mm *mm, uint64_t *lo, uint64_t *hi)
{
    *lo = *hi = 0;
    spin_lock(&mm->lock);
    if (!list_empty(&mm->vmas)) {
        *lo = list_first_entry(&mm->vmas, struct vma, node)->start;
        *hi = container_of(mm->vmas.prev, struct vma, node)->end;
    }
    spin_unlock(&mm->lock);
}

/* mlockall: MCL_CURRENT locks (and faults in) what is mapped now,
 * MCL_FUTURE makes every later mapping (mmap, brk) locked and pre-faulted,
 * MCL_ONFAULT locks without faulting in.  The gaps between mappings are
 * not an error here. */
static long sys_mlockall(int flags)
{
    struct mm *mm = current->mm;
    if (!(flags & (MCL_CURRENT | MCL_FUTURE)) || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)))
        return -EINVAL;
    bool onfault = flags & MCL_ONFAULT;
    if (!capable(CAP_IPC_LOCK) && rlimit_cur(current, RLIMIT_MEMLOCK) == 0)
        return -EPERM;
    if ((flags & MCL_CURRENT) && !capable(CAP_IPC_LOCK) && mm_vsize(mm) > rlimit_cur(current, RLIMIT_MEMLOCK))
        return -ENOMEM;                 /* everything mapped would be locked */
    if (flags & MCL_FUTURE)
        WRITE_ONCE(mm->def_flags, VMA_LOCKED | (onfault ? VMA_LOCKONFAULT : 0));
    else
        WRITE_ONCE(mm->def_flags, 0);
    if (!(flags & MCL_CURRENT))
        return 0;
    uint64_t lo, hi;
    all_vmas(mm, &lo, &hi);
    struct { uint64_t s, e; } spans[64];
    uint64_t at = lo;
    while (at < hi) {
        int n = 0;
        spin_lock(&mm->lock);
        list_for_each(node, &mm->vmas) {
            struct vma *v = container_of(node, struct vma, node);
            if (v->end > at && n < 64)
                spans[n++] = (typeof(spans[0])){ MAX(v->start, at), v->end };
        }
        spin_unlock(&mm->lock);
        if (n == 0)
            break;
        for (int i = 0; i < n; i++) {
            long r = lock_range(spans[i].s, spans[i].e, true, onfault);
            if (r)
                return r;
        }
        at = spans[n - 1].e;
    }
    return 0;
}
SYSCALL_DEFINE(151, mlockall);

static long sys_munlockall(void)
{
    struct mm *mm = current->mm;
    WRITE_ONCE(mm->def_flags, 0);
    spin_lock(&mm->lock);
    list_for_each(node, &mm->vmas) {
        struct vma *v = container_of(node, struct vma, node);
        v->flags &= ~(VMA_LOCKED | VMA_LOCKONFAULT);
    }
    mm->locked_pages = 0;
    spin_unlock(&mm->lock);
    return 0;
}
SYSCALL_DEFINE(152, munlockall);

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

/* msync: shared mappings are the file's own frames and files live in
 * memory, so there is nothing to write back; the arguments are checked as
 * Linux checks them (EINVAL, ENOMEM for an unmapped part). */
static long sys_msync(uint64_t addr, uint64_t len, int flags)
{
    struct mm *mm = current->mm;
    if ((addr & (PAGE_SIZE - 1)) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
        ((flags & MS_ASYNC) && (flags & MS_SYNC)))
        return -EINVAL;
    uint64_t size = ALIGN_UP(len, PAGE_SIZE);
    if (size < len || addr + size < addr)
        return -ENOMEM;
    if (size == 0)
        return 0;
    spin_lock(&mm->lock);
    bool covered = vm_covered(mm, addr, size);
    spin_unlock(&mm->lock);
    return covered ? 0 : -ENOMEM;
}
SYSCALL_DEFINE(26, msync);

static long sys_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr)
{
    return vm_remap(current->mm, old, old_len, new_len, flags, new_addr);
}
SYSCALL_DEFINE(25, mremap);

#define MFD_CLOEXEC 1
#define MFD_ALLOW_SEALING 2
#define MFD_HUGETLB 4

/* memfd_create: an unnamed in-memory file (the name shows in /proc only). */
static long sys_memfd_create(const char __user *uname, unsigned flags)
{
    char name[250];
    long n = strncpy_from_user(name, uname, sizeof name);
    if (n < 0)
        return n == -ENAMETOOLONG ? -EINVAL : n;
    if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB))
        return -EINVAL;
    if (flags & MFD_HUGETLB)
        return -EINVAL;                 /* no huge pages */
    struct vnode *v = vfs_anon_file(0);
    if (!v)
        return -ENOMEM;
    struct file *f;
    int err = vfs_open_vnode(v, O_RDWR, &f);
    vnode_put(v);
    if (err)
        return err;
    int fd = fd_install(f, (flags & MFD_CLOEXEC) ? O_CLOEXEC : 0);
    if (fd < 0)
        file_put(f);
    return fd;
}
SYSCALL_DEFINE(319, memfd_create);
