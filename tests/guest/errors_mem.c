/* Memory calls, error by error as their man pages list them, beyond what
 * mem_mmap_errors and mem_advise_lock check: msync, mincore, mlock/munlock/
 * mlock2/mlockall/munlockall, brk, mprotect/madvise/mremap/munmap
 * arguments, shmget/shmat/shmdt/shmctl, memfd_create, membarrier and
 * process_vm_readv/writev.  Unaligned addresses and bad flags (EINVAL),
 * unmapped ranges (ENOMEM), bad pointers (EFAULT), unknown ids (EINVAL,
 * ESRCH), and as the user nobody EPERM. */
#include "gt_errors.h"
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/uio.h>

#define PG 4096L
#define NOPID 4000000

static int root_seg, shared, root_fd;   /* root's 0600 and 0644 segments, its 0644 file read-only */

static void as_nobody(void)
{
    struct shmid_ds ds;
    E(syscall(SYS_shmat, root_seg, NULL, SHM_RDONLY), EACCES);
    E(syscall(SYS_shmctl, root_seg, IPC_STAT, &ds), EACCES);
    E(syscall(SYS_shmctl, root_seg, IPC_RMID, NULL), EPERM);
    E(syscall(SYS_shmctl, root_seg, IPC_SET, &ds), EPERM);
    E(syscall(SYS_shmctl, root_seg, SHM_LOCK, NULL), EPERM);
    E(syscall(SYS_shmat, shared, NULL, 0), EACCES);
    void *at = shmat(shared, NULL, SHM_RDONLY);
    say("shmat of root's 0644 segment, read-only: %s\n", at != (void *)-1 ? "yes" : "no");
    OK(syscall(SYS_shmctl, shared, IPC_STAT, &ds));
    shmdt(at);
    char *ro = mmap(NULL, PG, PROT_READ, MAP_SHARED, root_fd, 0);
    say("a shared read-only mapping of root's file: %s\n", ro != MAP_FAILED ? "yes" : "no");
    E(syscall(SYS_mprotect, ro, PG, PROT_READ | PROT_WRITE), EACCES);
    E(syscall(SYS_mmap, NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, root_fd, 0), EACCES);
    struct rlimit rl = { 0, 0 };
    setrlimit(RLIMIT_MEMLOCK, &rl);
    char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    E(syscall(SYS_mlock, p, PG), EPERM);
    E(syscall(SYS_mlockall, MCL_CURRENT), EPERM);
    char buf[8];
    struct iovec l = { buf, 8 }, r = { buf, 8 };
    E(syscall(SYS_process_vm_readv, 1, &l, 1, &r, 1, 0), EPERM);
    int id = shmget(IPC_PRIVATE, PG, 0600);
    say("nobody's own segment: %s\n", id >= 0 ? "yes" : "no");
    E(syscall(SYS_shmctl, id, SHM_LOCK, NULL), EPERM);
    shmctl(id, IPC_RMID, NULL);
}

int main(void)
{
    gt_errors_init();
    char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p + 2 * PG, PG);             /* a hole at page 2 */
    unsigned char vec[4];

    say("-- msync\n");
    E(syscall(SYS_msync, p + 1, PG, MS_SYNC), EINVAL);
    E(syscall(SYS_msync, p, PG, 0x8), EINVAL);
    E(syscall(SYS_msync, p, PG, MS_SYNC | MS_ASYNC), EINVAL);
    E(syscall(SYS_msync, p + 2 * PG, PG, MS_SYNC), ENOMEM);
    E(syscall(SYS_msync, p, 4 * PG, MS_ASYNC), ENOMEM);
    OK(syscall(SYS_msync, p, 2 * PG, MS_SYNC | MS_INVALIDATE));
    OK(syscall(SYS_msync, p, 0, MS_SYNC));

    say("-- mincore\n");
    E(syscall(SYS_mincore, p + 1, PG, vec), EINVAL);
    E(syscall(SYS_mincore, p + 2 * PG, PG, vec), ENOMEM);
    E(syscall(SYS_mincore, p, 4 * PG, vec), ENOMEM);
    E(syscall(SYS_mincore, p, PG, BAD_PTR), EFAULT);
    E(syscall(SYS_mincore, p, -PG, vec), ENOMEM);
    OK(syscall(SYS_mincore, p, 0, vec));
    p[0] = 1;
    OK(syscall(SYS_mincore, p, 2 * PG, vec));
    say("mincore: the touched page is resident: %s\n", vec[0] & 1 ? "yes" : "no");

    say("-- mlock, munlock, mlock2, mlockall, munlockall\n");
    E(syscall(SYS_mlock, p + 2 * PG, PG), ENOMEM);
    E(syscall(SYS_mlock2, p, PG, 0x2), EINVAL);
    E(syscall(SYS_mlock2, p + 2 * PG, PG, 0), ENOMEM);
    E(syscall(SYS_mlockall, 0), EINVAL);
    E(syscall(SYS_mlockall, 0x10), EINVAL);
    E(syscall(SYS_mlockall, MCL_ONFAULT), EINVAL);
    OK(syscall(SYS_mlock, p + 1, PG));
    OK(syscall(SYS_munlock, p + 1, PG));
    OK(syscall(SYS_mlock, p, 0));
    OK(syscall(SYS_munlockall));

    say("-- brk, mprotect, madvise, mremap, munmap\n");
    long cur = syscall(SYS_brk, 0);
    say("brk(0) returns the break: %s\n", cur > 0 ? "yes" : "no");
    say("brk below the data segment leaves it: %s\n", syscall(SYS_brk, 4096) == cur ? "yes" : "no");
    say("brk far away fails, returning the old break: %s\n",
        syscall(SYS_brk, 0x7ffffffff000L) == cur ? "yes" : "no");
    E(syscall(SYS_mprotect, p, -PG, PROT_READ), ENOMEM);
    E(syscall(SYS_mprotect, p + 2 * PG, PG, PROT_READ), ENOMEM);
    E(syscall(SYS_madvise, p + 1, PG, MADV_NORMAL), EINVAL);
    E(syscall(SYS_madvise, p, -PG, MADV_NORMAL), EINVAL);
    E(syscall(SYS_madvise, p + 2 * PG, PG, MADV_NORMAL), ENOMEM);
    OK(syscall(SYS_madvise, p, 0, MADV_NORMAL));
    E(syscall(SYS_mremap, p + 1, PG, PG, 0), EINVAL);
    E(syscall(SYS_mremap, p, PG, 0, 0), EINVAL);
    E(syscall(SYS_mremap, p, PG, PG, 0x80), EINVAL);
    E(syscall(SYS_mremap, p, PG, PG, MREMAP_FIXED), EINVAL);
    E(syscall(SYS_mremap, p, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, p + 1), EINVAL);
    E(syscall(SYS_mremap, p + 2 * PG, PG, PG, 0), EFAULT);
    E(syscall(SYS_munmap, p, -PG), EINVAL);
    OK(syscall(SYS_munmap, p + 2 * PG, PG));

    say("-- shmget, shmat, shmdt, shmctl\n");
    struct shmid_ds ds;
    E(syscall(SYS_shmget, IPC_PRIVATE, 0, 0600), EINVAL);
    E(syscall(SYS_shmctl, -1, IPC_STAT, &ds), EINVAL);
    E(syscall(SYS_shmat, -1, NULL, 0), EINVAL);
    int id = shmget(IPC_PRIVATE, PG, 0600);
    E(syscall(SYS_shmat, id, p + 1, 0), EINVAL);
    E(syscall(SYS_shmctl, id, 99, &ds), EINVAL);
    E(syscall(SYS_shmctl, id, IPC_STAT, BAD_PTR), EFAULT);
    E(syscall(SYS_shmctl, id, IPC_SET, BAD_PTR), EFAULT);
    E(syscall(SYS_shmdt, p + 1), EINVAL);
    E(syscall(SYS_shmdt, p), EINVAL);
    void *at = shmat(id, NULL, SHM_RDONLY);
    E(syscall(SYS_mprotect, at, PG, PROT_WRITE), EACCES);
    OK(syscall(SYS_shmdt, at));
    OK(syscall(SYS_shmctl, id, IPC_RMID, NULL));
    E(syscall(SYS_shmctl, id, IPC_STAT, &ds), EINVAL);

    say("-- memfd_create, membarrier\n");
    E(syscall(SYS_memfd_create, "x", 0x100), EINVAL);
    E(syscall(SYS_memfd_create, BAD_PTR, 0), EFAULT);
    char name[300];
    memset(name, 'm', sizeof name - 1);
    name[sizeof name - 1] = 0;
    E(syscall(SYS_memfd_create, name, 0), EINVAL);
    E(syscall(SYS_membarrier, 0x4000, 0, 0), EINVAL);
    E(syscall(SYS_membarrier, 0, 1, 0), EINVAL);
    E(syscall(SYS_membarrier, 8 /* PRIVATE_EXPEDITED */, 0, 0), EPERM);

    say("-- process_vm_readv, process_vm_writev\n");
    char src[8] = "abcdefg", dst[8];
    struct iovec l = { dst, 8 }, r = { src, 8 }, bad = { BAD_PTR, 8 };
    E(syscall(SYS_process_vm_readv, NOPID, &l, 1, &r, 1, 0), ESRCH);
    E(syscall(SYS_process_vm_readv, getpid(), &l, 1, &r, 1, 1), EINVAL);
    E(syscall(SYS_process_vm_readv, getpid(), &l, 1025, &r, 1, 0), EINVAL);
    E(syscall(SYS_process_vm_readv, getpid(), BAD_PTR, 1, &r, 1, 0), EFAULT);
    E(syscall(SYS_process_vm_readv, getpid(), &l, 1, &bad, 1, 0), EFAULT);
    E(syscall(SYS_process_vm_writev, getpid(), &bad, 1, &r, 1, 0), EFAULT);
    say("process_vm_readv of 8 bytes of itself: %ld\n", (long)syscall(SYS_process_vm_readv, getpid(), &l, 1, &r, 1, 0));

    root_seg = shmget(IPC_PRIVATE, PG, 0600);
    shared = shmget(IPC_PRIVATE, PG, 0644);
    int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644);
    ftruncate(fd, PG);
    close(fd);
    root_fd = open("f", O_RDONLY);
    char *ro = mmap(NULL, PG, PROT_READ, MAP_SHARED, root_fd, 0);
    E(syscall(SYS_mprotect, ro, PG, PROT_READ | PROT_WRITE), EACCES);
    OK(syscall(SYS_mprotect, ro, PG, PROT_READ | PROT_EXEC));
    char *priv = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, root_fd, 0);
    OK(syscall(SYS_mprotect, priv, PG, PROT_READ | PROT_WRITE));
    OK(syscall(SYS_shmctl, root_seg, SHM_LOCK, NULL));
    shmctl(root_seg, IPC_STAT, &ds);
    say("SHM_LOCK shows in the mode: %s\n", ds.shm_perm.mode & 02000 ? "yes" : "no");
    OK(syscall(SYS_shmctl, root_seg, SHM_UNLOCK, NULL));

    say("-- as nobody\n");
    in_child_as_nobody(as_nobody);
    say("root's segment is still there: %s\n", shmctl(root_seg, IPC_STAT, &ds) == 0 ? "yes" : "no");
    shmctl(root_seg, IPC_RMID, NULL);
    shmctl(shared, IPC_RMID, NULL);
    gt_exit();
}
