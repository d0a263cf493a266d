/* System V semaphores and message queues, error by error as their man
 * pages list them: bad ids and commands (EINVAL), bad pointers (EFAULT),
 * too many operations (E2BIG), a semaphore number past the set (EFBIG),
 * values past SEMVMX (ERANGE), a message too long (EINVAL) or a buffer
 * too short (E2BIG), missing keys (ENOENT), IPC_EXCL (EEXIST), and as the
 * user nobody: root's 0600 objects refused (EACCES), changing or removing
 * them refused (EPERM), 0644 ones readable but not writable, and
 * msg_qbytes past msgmnb refused without CAP_SYS_RESOURCE. */
#include "gt_errors.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>

static int root_sem, root_sem_ro, root_q, root_q_ro;   /* root's 0600 and 0644 objects */

struct m {
    long type;
    char text[16];
};

static void as_nobody(void)
{
    struct semid_ds sds;
    struct msqid_ds mds;
    struct sembuf down = { 0, -1, IPC_NOWAIT }, zero = { 0, 0, IPC_NOWAIT };
    struct m m = { 1, "x" };
    unsigned short vals[2] = { 0, 0 };
    say("-- as nobody, semaphores\n");
    E(syscall(SYS_semget, 0x5e3a1001, 0, 0600), EACCES);
    E(syscall(SYS_semop, root_sem, &zero, 1), EACCES);
    E(syscall(SYS_semctl, root_sem, 0, GETVAL, 0), EACCES);
    E(syscall(SYS_semctl, root_sem, 0, GETALL, vals), EACCES);
    E(syscall(SYS_semctl, root_sem, 0, IPC_STAT, &sds), EACCES);
    E(syscall(SYS_semctl, root_sem, 0, SETVAL, 1), EACCES);
    E(syscall(SYS_semctl, root_sem, 0, IPC_RMID, 0), EPERM);
    E(syscall(SYS_semctl, root_sem, 0, IPC_SET, &sds), EPERM);
    OK(syscall(SYS_semop, root_sem_ro, &zero, 1));
    OK(syscall(SYS_semctl, root_sem_ro, 0, GETVAL, 0));
    E(syscall(SYS_semop, root_sem_ro, &down, 1), EACCES);
    E(syscall(SYS_semctl, root_sem_ro, 0, SETALL, vals), EACCES);
    say("nobody writes /proc/sys/kernel/sem: %s\n", errname(write_val("/proc/sys/kernel/sem", "1 1 1 1")));
    say("-- as nobody, message queues\n");
    E(syscall(SYS_msgget, 0x3e5a1001, 0600), EACCES);
    E(syscall(SYS_msgsnd, root_q, &m, 2, IPC_NOWAIT), EACCES);
    E(syscall(SYS_msgrcv, root_q, &m, 16, 0, IPC_NOWAIT), EACCES);
    E(syscall(SYS_msgctl, root_q, IPC_STAT, &mds), EACCES);
    E(syscall(SYS_msgctl, root_q, IPC_RMID, NULL), EPERM);
    E(syscall(SYS_msgsnd, root_q_ro, &m, 2, IPC_NOWAIT), EACCES);
    E(syscall(SYS_msgrcv, root_q_ro, &m, 16, 0, IPC_NOWAIT), ENOMSG);
    OK(syscall(SYS_msgctl, root_q_ro, IPC_STAT, &mds));
    int q = msgget(IPC_PRIVATE, 0600);
    say("nobody's own queue: %s\n", q >= 0 ? "yes" : "no");
    msgctl(q, IPC_STAT, &mds);
    mds.msg_qbytes = 16385;
    E(syscall(SYS_msgctl, q, IPC_SET, &mds), EPERM);
    mds.msg_qbytes = 100;
    OK(syscall(SYS_msgctl, q, IPC_SET, &mds));
    msgctl(q, IPC_RMID, NULL);
}

int main(void)
{
    gt_errors_init();
    struct semid_ds sds;
    struct msqid_ds mds;
    struct sembuf ops[600];
    memset(ops, 0, sizeof ops);

    say("-- semget\n");
    E(syscall(SYS_semget, IPC_PRIVATE, -1, 0600), EINVAL);
    E(syscall(SYS_semget, IPC_PRIVATE, 0, 0600), EINVAL);
    E(syscall(SYS_semget, IPC_PRIVATE, 32001, 0600), EINVAL);
    E(syscall(SYS_semget, 0x5e3a1fff, 1, 0600), ENOENT);
    int id = semget(IPC_PRIVATE, 2, 0600);
    OK(id);

    say("-- semop, semtimedop\n");
    E(syscall(SYS_semop, id, ops, 0), EINVAL);
    E(syscall(SYS_semop, -1, ops, 1), EINVAL);
    E(syscall(SYS_semop, id + 1, ops, 1), EINVAL);
    E(syscall(SYS_semop, id, ops, 501), E2BIG);
    E(syscall(SYS_semop, id, BAD_PTR, 1), EFAULT);
    E(syscall(SYS_semop, id, UNMAPPED, 1), EFAULT);
    ops[0] = (struct sembuf){ 2, 1, 0 };
    E(syscall(SYS_semop, id, ops, 1), EFBIG);
    ops[0] = (struct sembuf){ 0, 32767, 0 };
    OK(syscall(SYS_semop, id, ops, 1));
    ops[0].sem_op = 1;
    E(syscall(SYS_semop, id, ops, 1), ERANGE);
    ops[0] = (struct sembuf){ 1, -1, SEM_UNDO };
    ops[1] = (struct sembuf){ 1, 1, SEM_UNDO };
    ops[0].sem_flg |= IPC_NOWAIT;
    E(syscall(SYS_semop, id, ops, 1), EAGAIN);
    struct timespec ts = { -1, 0 };
    ops[0] = (struct sembuf){ 1, -1, 0 };
    E(syscall(SYS_semtimedop, id, ops, 1, &ts), EINVAL);
    E(syscall(SYS_semtimedop, id, ops, 1, BAD_PTR), EFAULT);
    memset(ops, 0, sizeof ops);

    say("-- semctl\n");
    E(syscall(SYS_semctl, -1, 0, GETVAL, 0), EINVAL);
    E(syscall(SYS_semctl, id + 1, 0, GETVAL, 0), EINVAL);
    E(syscall(SYS_semctl, id, 0, 99, 0), EINVAL);
    E(syscall(SYS_semctl, id, 2, GETVAL, 0), EINVAL);
    E(syscall(SYS_semctl, id, -1, GETNCNT, 0), EINVAL);
    E(syscall(SYS_semctl, id, 2, SETVAL, 1), EINVAL);
    E(syscall(SYS_semctl, id, 0, SETVAL, 32768), ERANGE);
    E(syscall(SYS_semctl, id, 0, SETVAL, -1), ERANGE);
    unsigned short big[2] = { 1, 40000 };
    E(syscall(SYS_semctl, id, 0, SETALL, big), ERANGE);
    E(syscall(SYS_semctl, id, 0, SETALL, BAD_PTR), EFAULT);
    E(syscall(SYS_semctl, id, 0, GETALL, BAD_PTR), EFAULT);
    E(syscall(SYS_semctl, id, 0, IPC_STAT, BAD_PTR), EFAULT);
    E(syscall(SYS_semctl, id, 0, IPC_SET, BAD_PTR), EFAULT);
    E(syscall(SYS_semctl, 0, 0, IPC_INFO, BAD_PTR), EFAULT);
    E(syscall(SYS_semctl, 1 << 14, 0, SEM_STAT, &sds), EINVAL);
    OK(syscall(SYS_semctl, id, 0, IPC_STAT, &sds));
    sds.sem_perm.uid = (uid_t)-1;
    E(syscall(SYS_semctl, id, 0, IPC_SET, &sds), EINVAL);
    OK(syscall(SYS_semctl, id, 0, IPC_RMID, 0));
    E(syscall(SYS_semctl, id, 0, IPC_RMID, 0), EINVAL);

    say("-- msgget, msgsnd, msgrcv, msgctl\n");
    E(syscall(SYS_msgget, 0x3e5a1fff, 0600), ENOENT);
    int q = msgget(IPC_PRIVATE, 0600);
    OK(q);
    struct m m = { 1, "hello" };
    E(syscall(SYS_msgsnd, -1, &m, 6, 0), EINVAL);
    E(syscall(SYS_msgsnd, q + 1, &m, 6, 0), EINVAL);
    E(syscall(SYS_msgsnd, q, &m, 8193, 0), EINVAL);
    E(syscall(SYS_msgsnd, q, &m, (size_t)-1, 0), EINVAL);
    m.type = 0;
    E(syscall(SYS_msgsnd, q, &m, 6, 0), EINVAL);
    m.type = -3;
    E(syscall(SYS_msgsnd, q, &m, 6, 0), EINVAL);
    m.type = 1;
    E(syscall(SYS_msgsnd, q, BAD_PTR, 6, 0), EFAULT);
    E(syscall(SYS_msgsnd, q, UNMAPPED, 6, 0), EFAULT);
    OK(syscall(SYS_msgsnd, q, &m, 0, 0));
    OK(syscall(SYS_msgsnd, q, &m, 6, 0));
    E(syscall(SYS_msgrcv, -1, &m, 16, 0, 0), EINVAL);
    E(syscall(SYS_msgrcv, q + 1, &m, 16, 0, 0), EINVAL);
    E(syscall(SYS_msgrcv, q, &m, (size_t)-1, 0, 0), EINVAL);
    OK(syscall(SYS_msgrcv, q, &m, 0, 0, 0));
    E(syscall(SYS_msgrcv, q, &m, 5, 0, 0), E2BIG);
    E(syscall(SYS_msgrcv, q, BAD_PTR, 16, 0, 0), EFAULT);
    E(syscall(SYS_msgrcv, q, &m, 16, 0, IPC_NOWAIT), ENOMSG);
    E(syscall(SYS_msgctl, -1, IPC_STAT, &mds), EINVAL);
    E(syscall(SYS_msgctl, q, 99, &mds), EINVAL);
    E(syscall(SYS_msgctl, q, IPC_STAT, BAD_PTR), EFAULT);
    E(syscall(SYS_msgctl, q, IPC_SET, BAD_PTR), EFAULT);
    E(syscall(SYS_msgctl, 0, MSG_INFO, BAD_PTR), EFAULT);
    E(syscall(SYS_msgctl, 1 << 14, MSG_STAT, &mds), EINVAL);
    OK(syscall(SYS_msgctl, q, IPC_RMID, NULL));
    E(syscall(SYS_msgctl, q, IPC_RMID, NULL), EINVAL);

    root_sem = semget(0x5e3a1001, 1, IPC_CREAT | IPC_EXCL | 0600);
    root_sem_ro = semget(IPC_PRIVATE, 1, 0644);
    root_q = msgget(0x3e5a1001, IPC_CREAT | IPC_EXCL | 0600);
    root_q_ro = msgget(IPC_PRIVATE, 0644);
    E(syscall(SYS_semget, 0x5e3a1001, 1, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    E(syscall(SYS_msgget, 0x3e5a1001, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    in_child_as_nobody(as_nobody);
    semctl(root_sem, 0, IPC_RMID);
    semctl(root_sem_ro, 0, IPC_RMID);
    msgctl(root_q, IPC_RMID, NULL);
    msgctl(root_q_ro, IPC_RMID, NULL);
    gt_exit();
}
