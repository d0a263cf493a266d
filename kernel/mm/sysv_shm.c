/*
 * System V shared memory: shmget, shmat, shmdt, shmctl.
 *
 * A segment is an unnamed in-memory file (vfs_anon_file) in a table of
 * SHM_SLOTS slots; shmat maps it shared, exactly like a MAP_SHARED mapping
 * of a file, so its pages are shared with every other attachment, across
 * fork, and freed when the last user lets go.  The table holds one
 * reference to each segment's file and every attachment (VMA) one more, so
 * the number of attachments is the file's reference count less one.
 *
 * IPC_RMID removes the key at once (a later shmget with it makes a new
 * segment) and frees the slot when nothing is attached any more; until
 * then the id still names it, as on Linux.  Ids combine the slot and a
 * sequence number, so a recycled slot gets a new id.
 *
 * Access is checked as Linux checks it: a segment's mode bits for shmget
 * of an existing key, shmat and IPC_STAT (EACCES; CAP_IPC_OWNER passes),
 * its owner or creator for IPC_SET, IPC_RMID, SHM_LOCK and SHM_UNLOCK
 * (EPERM; CAP_SYS_ADMIN, or CAP_IPC_LOCK for the locks, passes).
 * SHM_LOCK only marks the segment (its pages are never swapped anyway).
 *
 * Locking: shm_lock (a spinlock) guards the table; it is held only for
 * table updates, never while allocating or mapping.
 */
#include <fs/vfs.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <lib/string.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <proc/cred.h>
#include <proc/rlimit.h>

#define IPC_PRIVATE 0
#define IPC_CREAT 01000
#define IPC_EXCL 02000
#define IPC_RMID 0
#define IPC_SET 1
#define IPC_STAT 2
#define IPC_64 0x100
#define SHM_LOCK 11
#define SHM_UNLOCK 12
#define SHM_LOCKED 02000                /* in the mode IPC_STAT reports */
#define SHM_RDONLY 010000
#define SHM_RND 020000
#define SHM_REMAP 040000
#define SHM_EXEC 0100000
#define SHMLBA PAGE_SIZE
#define SHMMIN 1UL
#define SHMMAX (1UL << 30)              /* a ramfs file's limit */
#define SHM_SLOTS 4096                  /* Linux's SHMMNI */

struct shm_segment {
    struct vnode *file;                 /* NULL: free slot */
    int32_t key;
    uint16_t seq;
    bool removed;                       /* IPC_RMID: freed once unattached */
    uint64_t size;
    uint32_t mode, uid, gid, cuid, cgid;
    pid_t cpid, lpid;
    int64_t atime, dtime, ctime;
};

static struct spinlock shm_lock = SPINLOCK_INIT("shm");
static struct shm_segment segs[SHM_SLOTS];

static int seg_id(int slot) { return segs[slot].seq * SHM_SLOTS + slot; }

static int64_t now_sec(void) { return (int64_t)(time_realtime_ns() / NSEC_PER_SEC); }

static uint64_t nattch(const struct shm_segment *s)
{
    return (uint64_t)__atomic_load_n(&s->file->refcount, __ATOMIC_ACQUIRE) - 1;
}

/* Frees removed segments nothing is attached to; the files to drop are
 * returned through `out` (at most n), to be put after the lock.  Caller
 * holds shm_lock. */
static int reap_removed(struct vnode **out, int n)
{
    int k = 0;
    for (int i = 0; i < SHM_SLOTS && k < n; i++) {
        struct shm_segment *s = &segs[i];
        if (s->file && s->removed && nattch(s) == 0) {
            out[k++] = s->file;
            s->file = NULL;
        }
    }
    return k;
}

/* May the current task have `want` (MAY_READ, MAY_WRITE) on s by its mode
 * bits?  0 or -EACCES.  Caller holds shm_lock. */
static int shm_access(const struct shm_segment *s, int want)
{
    struct task *t = current;
    uint32_t bits = s->mode;
    if (t->euid == s->uid || t->euid == s->cuid)
        bits >>= 6;
    else if (in_group(s->gid) || in_group(s->cgid))
        bits >>= 3;
    return (want & ~bits & 7) && !capable(CAP_IPC_OWNER) ? -EACCES : 0;
}

/* Is the current task s's owner or creator, or privileged by cap? */
static bool shm_owner(const struct shm_segment *s, int cap)
{
    uid_t e = current->euid;
    return e == s->uid || e == s->cuid || capable(cap);
}

/* The slot of a live id (removed segments still count until freed), or -1. */
static int slot_of(int id)
{
    if (id < 0)
        return -1;
    int slot = id % SHM_SLOTS;
    struct shm_segment *s = &segs[slot];
    return s->file && seg_id(slot) == id ? slot : -1;
}

static long sys_shmget(int32_t key, uint64_t size, int flags)
{
    struct vnode *dead[8];
    spin_lock(&shm_lock);
    int nd = reap_removed(dead, 8);
    int found = -1;
    if (key != IPC_PRIVATE)
        for (int i = 0; i < SHM_SLOTS && found < 0; i++)
            if (segs[i].file && !segs[i].removed && segs[i].key == key)
                found = i;
    long r;
    if (found >= 0) {
        int want = ((flags >> 6) | (flags >> 3) | flags) & 7;
        if ((flags & IPC_CREAT) && (flags & IPC_EXCL))
            r = -EEXIST;
        else if (shm_access(&segs[found], want))
            r = -EACCES;
        else if (size > segs[found].size)
            r = -EINVAL;
        else
            r = seg_id(found);
        spin_unlock(&shm_lock);
        goto out;
    }
    spin_unlock(&shm_lock);
    if (key != IPC_PRIVATE && !(flags & IPC_CREAT)) {
        r = -ENOENT;
        goto out;
    }
    if (size < SHMMIN || size > SHMMAX) {
        r = -EINVAL;
        goto out;
    }
    struct vnode *file = vfs_anon_file(ALIGN_UP(size, PAGE_SIZE));
    if (!file) {
        r = -ENOMEM;
        goto out;
    }
    struct task *t = current;
    spin_lock(&shm_lock);
    r = -ENOSPC;
    for (int i = 0; i < SHM_SLOTS; i++) {
        struct shm_segment *s = &segs[i];
        if (s->file)
            continue;
        uint16_t seq = s->seq + 1;
        memset(s, 0, sizeof *s);
        s->seq = seq;
        s->file = file;
        s->key = key;
        s->size = size;
        s->mode = flags & 0777;
        s->uid = s->cuid = t->euid;
        s->gid = s->cgid = t->egid;
        s->cpid = t->tgid;
        s->ctime = now_sec();
        r = seg_id(i);
        file = NULL;
        break;
    }
    spin_unlock(&shm_lock);
    vnode_put(file);                    /* no free slot */
out:
    for (int i = 0; i < nd; i++)
        vnode_put(dead[i]);
    return r;
}
SYSCALL_DEFINE(29, shmget);

static long sys_shmat(int id, uint64_t addr, int flags)
{
    struct mm *mm = current->mm;
    struct vnode *dead[8];
    spin_lock(&shm_lock);
    int nd = reap_removed(dead, 8);
    int slot = slot_of(id);
    int denied = slot >= 0 ? shm_access(&segs[slot], (flags & SHM_RDONLY) ? MAY_READ : MAY_READ | MAY_WRITE) : 0;
    if (denied)
        slot = -1;
    struct vnode *file = slot >= 0 ? segs[slot].file : NULL;
    uint64_t size = slot >= 0 ? ALIGN_UP(segs[slot].size, PAGE_SIZE) : 0;
    int32_t key = slot >= 0 ? segs[slot].key : 0;
    if (file)
        vnode_get(file);
    spin_unlock(&shm_lock);
    for (int i = 0; i < nd; i++)
        vnode_put(dead[i]);
    if (!file)
        return denied ? denied : -EINVAL;
    long r;
    if (addr) {
        if (flags & SHM_RND)
            addr = ALIGN_DOWN(addr, SHMLBA);
        if ((addr & (PAGE_SIZE - 1)) || addr < USER_MIN_ADDR || addr + size > USER_TOP) {
            r = -EINVAL;
            goto out;
        }
    }
    uint32_t prot = VM_READ | ((flags & SHM_RDONLY) ? 0 : VM_WRITE) | ((flags & SHM_EXEC) ? VM_EXEC : 0);
    char name[32];
    snprintf(name, sizeof name, "/SYSV%08x (deleted)", (unsigned)key);
    uint32_t vflags = VMA_FILE | VMA_SHARED | VMA_SYSVSHM | ((flags & SHM_RDONLY) ? VMA_NOWRITE : 0);
    if (addr && (flags & SHM_REMAP))
        r = vm_map(mm, addr, size, prot, vflags, file, 0, addr + size, name);
    else if (addr && (r = vm_map_noreplace(mm, addr, size, prot, vflags, file, 0, addr + size, name)) == -EEXIST)
        r = -EINVAL;                    /* something is mapped there (Linux) */
    else if ((r = vm_map_anywhere(mm, size, prot, vflags, file, 0, size, name)) > 0)
        addr = (uint64_t)r;
    if (r >= 0) {
        r = (long)addr;
        spin_lock(&shm_lock);
        if (slot_of(id) == slot) {
            segs[slot].lpid = current->tgid;
            segs[slot].atime = now_sec();
        }
        spin_unlock(&shm_lock);
    }
out:
    vnode_put(file);                    /* the mapping holds its own reference */
    return r;
}
SYSCALL_DEFINE(30, shmat);

static long sys_shmdt(uint64_t addr)
{
    struct mm *mm = current->mm;
    if (addr & (PAGE_SIZE - 1))
        return -EINVAL;
    /* the attachment starting at addr: its VMA, and any split parts after it */
    spin_lock(&mm->lock);
    struct vma *v = vm_find(mm, addr);
    struct vnode *file = v && v->start == addr && (v->flags & VMA_SYSVSHM) ? v->file : NULL;
    uint64_t end = addr;
    if (file) {
        list_for_each(n, &mm->vmas) {
            struct vma *w = container_of(n, struct vma, node);
            if (w->start == end && w->file == file && (w->flags & VMA_SYSVSHM))
                end = w->end;
        }
    }
    spin_unlock(&mm->lock);
    if (!file)
        return -EINVAL;
    long r = vm_unmap(mm, addr, end - addr);
    spin_lock(&shm_lock);
    for (int i = 0; i < SHM_SLOTS; i++)
        if (segs[i].file == file) {
            segs[i].lpid = current->tgid;
            segs[i].dtime = now_sec();
        }
    spin_unlock(&shm_lock);
    return r;
}
SYSCALL_DEFINE(67, shmdt);

/* struct shmid64_ds, as the x86-64 ABI lays it out (musl's shmid_ds). */
struct kshmid_ds {
    int32_t key;
    uint32_t uid, gid, cuid, cgid, mode;
    uint16_t seq, pad2;
    uint32_t pad3;
    uint64_t unused1, unused2;
    uint64_t segsz;
    int64_t atime, dtime, ctime;
    int32_t cpid, lpid;
    uint64_t nattch;
    uint64_t unused4, unused5;
};
_Static_assert(sizeof(struct kshmid_ds) == 112, "shmid64_ds is 112 bytes on x86-64");

static long sys_shmctl(int id, int cmd, struct kshmid_ds __user *buf)
{
    cmd &= ~IPC_64;
    if (cmd != IPC_STAT && cmd != IPC_SET && cmd != IPC_RMID && cmd != SHM_LOCK && cmd != SHM_UNLOCK)
        return -EINVAL;
    struct kshmid_ds k;
    if (cmd == IPC_SET && copy_from_user(&k, buf, sizeof k))
        return -EFAULT;
    struct vnode *dead[8];
    long r = 0;
    spin_lock(&shm_lock);
    int nd = reap_removed(dead, 8);     /* a removed, unattached segment is gone */
    int slot = slot_of(id);
    if (slot < 0) {
        spin_unlock(&shm_lock);
        for (int i = 0; i < nd; i++)
            vnode_put(dead[i]);
        return -EINVAL;
    }
    struct shm_segment *s = &segs[slot];
    if (cmd == IPC_STAT)
        r = shm_access(s, MAY_READ);
    else if (cmd == SHM_LOCK || cmd == SHM_UNLOCK)
        r = shm_owner(s, CAP_IPC_LOCK) && (cmd == SHM_UNLOCK || capable(CAP_IPC_LOCK) ||
                                           rlimit_cur(current, RLIMIT_MEMLOCK)) ? 0 : -EPERM;
    else if (!shm_owner(s, CAP_SYS_ADMIN))
        r = -EPERM;
    if (r) {
        /* refused: nothing changes */
    } else if (cmd == SHM_LOCK || cmd == SHM_UNLOCK) {
        s->mode = cmd == SHM_LOCK ? s->mode | SHM_LOCKED : s->mode & ~SHM_LOCKED;
    } else if (cmd == IPC_SET) {
        s->uid = k.uid;
        s->gid = k.gid;
        s->mode = (s->mode & ~0777u) | (k.mode & 0777);
        s->ctime = now_sec();
    } else if (cmd == IPC_RMID) {
        s->removed = true;
        s->key = IPC_PRIVATE;
        s->mode |= 01000;               /* SHM_DEST, as Linux reports it */
        nd += reap_removed(dead + nd, 8 - nd);
    } else {
        memset(&k, 0, sizeof k);
        k.key = s->key;
        k.uid = s->uid;
        k.gid = s->gid;
        k.cuid = s->cuid;
        k.cgid = s->cgid;
        k.mode = s->mode;
        k.seq = s->seq;
        k.segsz = s->size;
        k.atime = s->atime;
        k.dtime = s->dtime;
        k.ctime = s->ctime;
        k.cpid = s->cpid;
        k.lpid = s->lpid;
        k.nattch = nattch(s);
    }
    spin_unlock(&shm_lock);
    for (int i = 0; i < nd; i++)
        vnode_put(dead[i]);
    if (!r && cmd == IPC_STAT && copy_to_user(buf, &k, sizeof k))
        r = -EFAULT;
    return r;
}
SYSCALL_DEFINE(31, shmctl);
