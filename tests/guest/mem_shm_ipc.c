/* System V and POSIX shared memory, compared with Linux:
 *  - shmget/shmat: a segment is shared with a child that attaches it;
 *    IPC_STAT reports its size and attach count; IPC_RMID removes the key
 *    at once but the memory stays while attached; after the last detach the
 *    id is gone (EINVAL); IPC_CREAT|IPC_EXCL on an existing key is EEXIST,
 *    a missing key without IPC_CREAT ENOENT, a size too large for the
 *    segment EINVAL; shmdt of an address that is no attachment EINVAL;
 *  - shm_open/shm_unlink (/dev/shm): two opens share one object.
 * Guards against: segments that are not shared, or freed while attached. */
#define _GNU_SOURCE
#include "gt.h"
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

int main(void)
{
    int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
    expect(id >= 0, "shmget(IPC_PRIVATE, 10000)");
    char *p = shmat(id, NULL, 0);
    expect(p != (void *)-1, "shmat");
    pid_t c = fork();
    if (c == 0) {
        char *q = shmat(id, NULL, 0);
        strcpy(q + 5000, "from the child");
        shmdt(q);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    expect(!strcmp(p + 5000, "from the child"), "the parent sees the child's store");
    struct shmid_ds ds;
    expect(shmctl(id, IPC_STAT, &ds) == 0, "IPC_STAT");
    say("segment size %zu, attached %lu\n", (size_t)ds.shm_segsz, (unsigned long)ds.shm_nattch);
    expect(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID");
    expect(!strcmp(p + 5000, "from the child"), "still readable while attached after IPC_RMID");
    expect(shmdt(p) == 0, "shmdt");
    expect_err(shmctl(id, IPC_STAT, &ds), EINVAL, "IPC_STAT after the last detach");
    expect_err(shmdt(p), EINVAL, "shmdt again");

    key_t key = 0x7e55e7a;
    int k = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
    expect(k >= 0, "shmget with a key, IPC_CREAT|IPC_EXCL");
    expect_err(shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600), EEXIST, "the same again");
    expect(shmget(key, 0, 0) == k, "looking the key up finds it");
    expect_err(shmget(key, 8192, 0), EINVAL, "asking for more than its size");
    expect(shmctl(k, IPC_RMID, NULL) == 0, "IPC_RMID");
    expect_err(shmget(key, 4096, 0), ENOENT, "the key is gone");

    int fd = shm_open("/gt-posix", O_RDWR | O_CREAT | O_EXCL, 0600);
    expect(fd >= 0 && ftruncate(fd, 4096) == 0, "shm_open and ftruncate");
    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    strcpy(m, "posix shm");
    int fd2 = shm_open("/gt-posix", O_RDONLY, 0);
    char *m2 = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd2, 0);
    expect(m2 != MAP_FAILED && !strcmp(m2, "posix shm"), "a second open maps the same object");
    expect(shm_unlink("/gt-posix") == 0, "shm_unlink");
    expect_err(shm_open("/gt-posix", O_RDONLY, 0), ENOENT, "it is gone from /dev/shm");
    expect(!strcmp(m, "posix shm"), "the mappings keep it");
    gt_exit();
}
