/*
 * System V shared memory: shmget, shmat, shmdt, shmctl.
 *
 * A segment is an unnamed in-memory file (vfs_anon_file) in the System V
 * table of shared memory (include/ipc/ipc.h: keys, ids and permissions
 * are the ones semaphores and message queues use), at most SHMMNI; shmat maps it shared, exactly like a MAP_SHARED mapping
 * of a file, so its pages are shared with every other attachment, across
 * fork, and freed when the last user lets go.  The table holds one
 * reference to each segment's file and every attachment (VMA) one more, so
 * the number of attachments is the file's reference count less one.
 *
 * IPC_RMID removes the key at once (a later shmget with it makes a new
 * segment) and frees the slot when nothing is attached any more; until
 * then the id still names it, as on Linux.  IPC_INFO and SHM_INFO report
 * the limits and the usage, SHM_STAT and SHM_STAT_ANY a segment by its
 * index in the table (ipcs), /proc/sysvipc/shm every segment.
 *
 * Access is checked as Linux checks it: a segment's mode bits for shmget
 * of an existing key, shmat and IPC_STAT (EACCES; CAP_IPC_OWNER passes),
 * its owner or creator for IPC_SET, IPC_RMID, SHM_LOCK and SHM_UNLOCK
 * (EPERM; CAP_SYS_ADMIN, or CAP_IPC_LOCK for the locks, passes).
 * SHM_LOCK only marks the segment (its pages are never swapped anyway).
 *
 * Locking: shm_lock (a spinlock) guards the table and every segment's
 * fields; it is held only for table updates, never while mapping.
 */
#include <fs/vfs.h>
#include <ipc/ipc.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <proc/cred.h>
#include <proc/rlimit.h>

#define SHM_STAT 13
#define SHM_INFO 14
#define SHM_STAT_ANY 15
#define SHM_LOCK 11
#define SHM_UNLOCK 12
#define SHM_DEST 01000                  /* in the mode IPC_STAT reports */
#define SHM_LOCKED 02000
#define SHM_RDONLY 010000
#define SHM_RND 020000
#define SHM_REMAP 040000
#define SHM_EXEC 0100000
#define SHMLBA PAGE_SIZE
#define SHMMIN 1UL
#define SHMMAX (1UL << 30)              /* a ramfs file's limit */
#define SHMMNI 4096                     /* Linux's */

struct shm_segment {
    struct ipc_obj perm;                /* key, owner, mode, id */
    struct vnode *file;
    bool removed;                       /* IPC_RMID: freed once unattached */
    uint64_t size;
    pid_t cpid, lpid;
    int64_t atime, dtime, ctime;
};

static struct spinlock shm_lock = SPINLOCK_INIT("shm");
static struct ipc_table shm_table = IPC_TABLE_INIT;   /* of struct shm_segment, under shm_lock */

static struct shm_segment *seg_of(struct ipc_obj *o) { return (struct shm_segment *)o; }

static uint64_t nattch(const struct shm_segment *s)
{
    return (uint64_t)__atomic_load_n(&s->file->refcount, __ATOMIC_ACQUIRE) - 1;
}

/* Frees removed segments nothing is attached to: they leave the table and
 * go on the list `out` (at most n), to be put after the lock.  Caller
 * holds shm_lock. */
static int reap_removed(struct shm_segment **out, int n)
{
    int k = 0;
    for (int i = 0; i <= shm_table.max_index && k < n; i++) {
        struct ipc_obj *o = shm_table.slots[i];
        struct shm_segment *s = o ? seg_of(o) : NULL;
        if (s && s->removed && nattch(s) == 0) {
            ipc_remove(&shm_table, o);
            out[k++] = s;
        }
    }
    return k;
}

static void put_dead(struct shm_segment **dead, int n)
{
    for (int i = 0; i < n; i++) {
        vnode_put(dead[i]->file);
        kfree(dead[i]);
    }
}

/* The segment of a live id (removed segments still count until freed), or NULL. */
static struct shm_segment *seg_find(int id)
{
    struct ipc_obj *o = ipc_find_id(&shm_table, id);
    return o ? seg_of(o) : NULL;
}

static int shm_check_old(struct ipc_obj *o, long size)
{
    return (uint64_t)size > seg_of(o)->size ? -EINVAL : 0;
}

static int shm_check_new(long size)
{
    return (uint64_t)size < SHMMIN || (uint64_t)size > SHMMAX ? -EINVAL : 0;
}

static struct ipc_obj *seg_make(long size)
{
    struct shm_segment *s = kzalloc(sizeof *s);
    struct vnode *file = s ? vfs_anon_file(ALIGN_UP((uint64_t)size, PAGE_SIZE)) : NULL;
    if (!file) {
        kfree(s);
        return NULL;
    }
    s->file = file;
    s->size = (uint64_t)size;
    s->cpid = current->tgid;
    s->ctime = ipc_now();
    return &s->perm;
}

static void seg_unmake(struct ipc_obj *o)
{
    vnode_put(seg_of(o)->file);
    kfree(o);
}

static const int shmmni = SHMMNI;
static const struct ipc_kind shm_kind = {
    .lock = &shm_lock, .table = &shm_table, .limit = &shmmni, .check_old = shm_check_old,
    .check_new = shm_check_new, .make = seg_make, .unmake = seg_unmake,
};

static long sys_shmget(int32_t key, uint64_t size, int flags)
{
    struct shm_segment *dead[8];
    spin_lock(&shm_lock);
    int nd = reap_removed(dead, 8);     /* a removed segment's key is free already; its slot now */
    spin_unlock(&shm_lock);
    put_dead(dead, nd);
    return ipc_get(&shm_kind, key, flags, (long)size);  /* the size goes back unchanged */
}
SYSCALL_DEFINE(29, shmget);

static long sys_shmat(int id, uint64_t addr, int flags)
{
    struct mm *mm = current->mm;
    struct shm_segment *dead[8];
    spin_lock(&shm_lock);
    int nd = reap_removed(dead, 8);
    struct shm_segment *s = seg_find(id);
    int denied = s ? ipc_access(&s->perm, (flags & SHM_RDONLY) ? MAY_READ : MAY_READ | MAY_WRITE) : 0;
    if (denied)
        s = NULL;
    struct vnode *file = s ? s->file : NULL;
    uint64_t size = s ? ALIGN_UP(s->size, PAGE_SIZE) : 0;
    int32_t key = s ? s->perm.key : 0;
    if (file)
        vnode_get(file);
    spin_unlock(&shm_lock);
    put_dead(dead, nd);
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
        s = seg_find(id);
        if (s && s->file == file) {
            s->lpid = current->tgid;
            s->atime = ipc_now();
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
    for (int i = 0; i <= shm_table.max_index; i++) {
        struct ipc_obj *o = shm_table.slots[i];
        if (o && seg_of(o)->file == file) {
            seg_of(o)->lpid = current->tgid;
            seg_of(o)->dtime = ipc_now();
        }
    }
    spin_unlock(&shm_lock);
    return r;
}
SYSCALL_DEFINE(67, shmdt);

/* struct shmid64_ds, as the x86-64 ABI lays it out (musl's shmid_ds). */
struct kshmid_ds {
    struct kipc64_perm perm;
    uint64_t segsz;
    int64_t atime, dtime, ctime;
    int32_t cpid, lpid;
    uint64_t nattch;
    uint64_t unused4, unused5;
};
_Static_assert(sizeof(struct kshmid_ds) == 112, "shmid64_ds is 112 bytes on x86-64");

/* IPC_INFO's struct shminfo64 and SHM_INFO's struct shm_info. */
struct kshminfo {
    uint64_t shmmax, shmmin, shmmni, shmseg, shmall, unused[4];
};
struct kshm_info {
    int32_t used_ids;
    uint64_t shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};

static void fill_stat(struct kshmid_ds *k, const struct shm_segment *s)
{
    memset(k, 0, sizeof *k);
    ipc_fill_perm(&k->perm, &s->perm);
    k->segsz = s->size;
    k->atime = s->atime;
    k->dtime = s->dtime;
    k->ctime = s->ctime;
    k->cpid = s->cpid;
    k->lpid = s->lpid;
    k->nattch = nattch(s);
}

/* IPC_INFO and SHM_INFO: the limits or the usage, and the highest index in use. */
static long shm_info(int cmd, void __user *buf)
{
    union {
        struct kshminfo lim;
        struct kshm_info use;
    } u;
    memset(&u, 0, sizeof u);
    spin_lock(&shm_lock);
    if (cmd == IPC_INFO) {
        u.lim = (struct kshminfo){ .shmmax = SHMMAX, .shmmin = SHMMIN, .shmmni = SHMMNI, .shmseg = SHMMNI,
                                   .shmall = SHMMAX / PAGE_SIZE * SHMMNI };
    } else {
        u.use.used_ids = shm_table.used;
        for (int i = 0; i <= shm_table.max_index; i++)
            if (shm_table.slots[i])
                u.use.shm_tot += ALIGN_UP(seg_of(shm_table.slots[i])->size, PAGE_SIZE) / PAGE_SIZE;
        u.use.shm_rss = u.use.shm_tot;  /* never swapped */
    }
    int max = shm_table.max_index;
    spin_unlock(&shm_lock);
    if (copy_to_user(buf, &u, cmd == IPC_INFO ? sizeof u.lim : sizeof u.use))
        return -EFAULT;
    return max < 0 ? 0 : max;
}

static long sys_shmctl(int id, int cmd, struct kshmid_ds __user *buf)
{
    if (cmd == IPC_INFO || cmd == SHM_INFO)
        return shm_info(cmd, buf);
    if (cmd != IPC_STAT && cmd != IPC_SET && cmd != IPC_RMID && cmd != SHM_LOCK && cmd != SHM_UNLOCK &&
        cmd != SHM_STAT && cmd != SHM_STAT_ANY)
        return -EINVAL;
    struct kshmid_ds k;
    if (cmd == IPC_SET && copy_from_user(&k, buf, sizeof k))
        return -EFAULT;
    struct shm_segment *dead[8];
    long r = 0;
    spin_lock(&shm_lock);
    int nd = reap_removed(dead, 8);     /* a removed, unattached segment is gone */
    bool by_index = cmd == SHM_STAT || cmd == SHM_STAT_ANY;
    struct ipc_obj *o = by_index ? ipc_find_index(&shm_table, id) : ipc_find_id(&shm_table, id);
    if (!o) {
        spin_unlock(&shm_lock);
        put_dead(dead, nd);
        return -EINVAL;
    }
    struct shm_segment *s = seg_of(o);
    if (cmd == IPC_STAT || cmd == SHM_STAT)
        r = ipc_access(o, MAY_READ);
    else if (cmd == SHM_LOCK || cmd == SHM_UNLOCK)
        r = ipc_owner(o, CAP_IPC_LOCK) && (cmd == SHM_UNLOCK || capable(CAP_IPC_LOCK) ||
                                          rlimit_cur(current, RLIMIT_MEMLOCK)) ? 0 : -EPERM;
    else if (cmd != SHM_STAT_ANY && !ipc_owner(o, CAP_SYS_ADMIN))
        r = -EPERM;
    if (r) {
        /* refused: nothing changes */
    } else if (cmd == SHM_LOCK || cmd == SHM_UNLOCK) {
        o->mode = cmd == SHM_LOCK ? o->mode | SHM_LOCKED : o->mode & ~SHM_LOCKED;
    } else if (cmd == IPC_SET) {
        r = ipc_set_perm(o, &k.perm);
        if (!r)
            s->ctime = ipc_now();
    } else if (cmd == IPC_RMID) {
        s->removed = true;
        o->key = IPC_PRIVATE;
        o->mode |= SHM_DEST;
        nd += reap_removed(dead + nd, 8 - nd);
    } else {
        fill_stat(&k, s);
        if (by_index)
            r = ipc_id(o);
    }
    spin_unlock(&shm_lock);
    put_dead(dead, nd);
    if (r >= 0 && (cmd == IPC_STAT || by_index) && copy_to_user(buf, &k, sizeof k))
        r = -EFAULT;
    return r;
}
SYSCALL_DEFINE(31, shmctl);

bool shm_row(int *index, struct ipc_row *r)
{
    spin_lock(&shm_lock);
    struct ipc_obj *o = ipc_next(&shm_table, index);
    if (o) {
        struct shm_segment *s = seg_of(o);
        *r = (struct ipc_row){ .perm = *o, .id = ipc_id(o), .size = s->size, .nattch = nattch(s),
                               .pid = { s->cpid, s->lpid }, .time = { s->atime, s->dtime, s->ctime } };
    }
    spin_unlock(&shm_lock);
    return o != NULL;
}
