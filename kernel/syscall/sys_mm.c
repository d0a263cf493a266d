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
#include <fs/vfs.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <lib/string.h>
#include <mm/pmm.h>
#include <mm/vm.h>
#include <proc/task.h>

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
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
#define MAP_FIXED_NOREPLACE 0x100000
#define MCL_CURRENT 1
#define MCL_FUTURE 2

long sys_brk(uint64_t addr)
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
    } else if (new_end < old_end) {
        vm_unmap(mm, new_end, old_end - new_end);
    }
    mm->brk = addr;
    return addr;
}
SYSCALL_DEFINE(12, brk);

static uint32_t to_vm_prot(int prot) { return prot & (PROT_READ | PROT_WRITE | PROT_EXEC); }

long sys_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off)
{
    struct mm *mm = current->mm;
    if (len == 0 || (off & (PAGE_SIZE - 1)))
        return -EINVAL;
    if (!(flags & (MAP_SHARED | MAP_PRIVATE)) || ((flags & MAP_SHARED) && (flags & MAP_PRIVATE)))
        return -EINVAL;
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
        return -EINVAL;
    uint64_t size = ALIGN_UP(len, PAGE_SIZE);
    if (size < len || size > (1UL << 46))
        return -ENOMEM;
    struct vnode *file = NULL;
    struct file *f = NULL;
    bool anon = flags & MAP_ANONYMOUS;
    if (!anon) {
        f = fd_get(fd);
        if (!f)
            return -EBADF;
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
    uint64_t at;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (addr & (PAGE_SIZE - 1) || addr < USER_MIN_ADDR || addr + size > USER_TOP_ADDR || addr + size < addr) {
            file_put(f);
            vnode_put(shm);
            return -EINVAL;
        }
        if (flags & MAP_FIXED_NOREPLACE) {
            spin_lock(&mm->lock);
            bool busy = false;
            list_for_each(n, &mm->vmas) {
                struct vma *v = container_of(n, struct vma, node);
                if (v->start < addr + size && v->end > addr)
                    busy = true;
            }
            spin_unlock(&mm->lock);
            if (busy) {
                file_put(f);
                vnode_put(shm);
                return -EEXIST;
            }
        }
        at = addr;
    } else {
        spin_lock(&mm->lock);
        at = vm_find_free(mm, size);
        spin_unlock(&mm->lock);
        if (!at) {
            file_put(f);
            vnode_put(shm);
            return -ENOMEM;
        }
    }
    uint32_t vflags = file ? VMA_FILE : VMA_ANON;
    if (flags & MAP_SHARED)
        vflags |= VMA_SHARED;
    const char *name = shm ? "/dev/zero (deleted)" : "";
    int r = vm_map(mm, at, size, to_vm_prot(prot), vflags, file, shm ? 0 : off, file ? at + size : 0, name);
    vnode_put(shm);                     /* the mapping holds its own reference */
    if (file && !(flags & MAP_SHARED)) {
        /* file data ends at EOF: beyond it pages read as zeros */
        struct linux_stat st;
        vnode_stat(file, &st);
        if (r == 0 && (uint64_t)st.st_size < off + size) {
            spin_lock(&mm->lock);
            struct vma *v = vm_find(mm, at);
            if (v)
                v->file_end = at + ((uint64_t)st.st_size > off ? st.st_size - off : 0);
            spin_unlock(&mm->lock);
        }
    }
    file_put(f);
    if (r)
        return r;
    if (flags & (MAP_POPULATE | MAP_LOCKED)) {
        vm_populate(mm, at, size, prot & PROT_WRITE);
        if (flags & MAP_LOCKED) {
            spin_lock(&mm->lock);
            struct vma *v = vm_find(mm, at);
            if (v) {
                v->flags |= VMA_LOCKED;
                mm->locked_pages += size / PAGE_SIZE;
            }
            spin_unlock(&mm->lock);
        }
    }
    return at;
}
SYSCALL_DEFINE(9, mmap);

long sys_munmap(uint64_t addr, uint64_t len)
{
    if ((addr & (PAGE_SIZE - 1)) || len == 0 || addr + len < addr || addr + len > USER_TOP_ADDR)
        return -EINVAL;
    return vm_unmap(current->mm, addr, ALIGN_UP(len, PAGE_SIZE));
}
SYSCALL_DEFINE(11, munmap);

long sys_mprotect(uint64_t addr, uint64_t len, int prot)
{
    if ((addr & (PAGE_SIZE - 1)) || addr + len < addr)
        return -EINVAL;
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000 /* GROWSDOWN */ | 0x02000000))
        return -EINVAL;
    if (len == 0)
        return 0;
    return vm_protect(current->mm, addr, ALIGN_UP(len, PAGE_SIZE), to_vm_prot(prot));
}
SYSCALL_DEFINE(10, mprotect);

long sys_madvise(uint64_t addr, uint64_t len, int advice)
{
    if (addr & (PAGE_SIZE - 1))
        return -EINVAL;
    /* MADV_DONTNEED (4) on private anonymous memory: drop the pages (they
     * read back as zeros); every other advice is a hint we may ignore */
    return 0;
}
SYSCALL_DEFINE(28, madvise);

static long lock_range(uint64_t addr, uint64_t len, bool lock)
{
    struct mm *mm = current->mm;
    uint64_t start = ALIGN_DOWN(addr, PAGE_SIZE), end = ALIGN_UP(addr + len, PAGE_SIZE);
    if (end < start)
        return -EINVAL;
    if (lock) {
        int r = vm_populate(mm, start, end - start, false);
        if (r)
            return -ENOMEM;
    }
    spin_lock(&mm->lock);
    list_for_each(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        if (v->end <= start || v->start >= end)
            continue;
        bool was = v->flags & VMA_LOCKED;
        if (lock && !was) {
            v->flags |= VMA_LOCKED;
            mm->locked_pages += (v->end - v->start) / PAGE_SIZE;
        } else if (!lock && was) {
            v->flags &= ~VMA_LOCKED;
            mm->locked_pages -= (v->end - v->start) / PAGE_SIZE;
        }
    }
    spin_unlock(&mm->lock);
    return 0;
}

long sys_mlock(uint64_t addr, uint64_t len) { return lock_range(addr, len, true); }
SYSCALL_DEFINE(149, mlock);
long sys_munlock(uint64_t addr, uint64_t len) { return lock_range(addr, len, false); }
SYSCALL_DEFINE(150, munlock);

long sys_mlockall(int flags)
{
    if (!(flags & (MCL_CURRENT | MCL_FUTURE)) || (flags & ~7))
        return -EINVAL;
    if (flags & MCL_CURRENT)
        return lock_range(USER_MIN_ADDR, USER_TOP_ADDR - USER_MIN_ADDR - PAGE_SIZE, true);
    return 0;
}
SYSCALL_DEFINE(151, mlockall);

long sys_munlockall(void) { return lock_range(USER_MIN_ADDR, USER_TOP_ADDR - USER_MIN_ADDR - PAGE_SIZE, false); }
SYSCALL_DEFINE(152, munlockall);
