/*
 * What the System V IPC objects share (kernel/ipc/util.c): shared memory
 * (kernel/ipc/shm.c), semaphore sets (kernel/ipc/sem.c) and message
 * queues (kernel/ipc/msg.c) are each a table of objects found by key or by
 * id, every object opening with a struct ipc_obj: its key, owner, creator,
 * mode bits and the sequence number that makes its id.
 *
 * An id is seq * IPC_MNI + index, as on Linux: each new object of a kind
 * takes the next sequence number, so a slot used again gets a new id and an
 * old id names nothing (EINVAL).  A table grows on demand up to
 * its owner's limit.  The tables keep no lock of their own: each owner
 * calls these functions under its own lock (documented there), which also
 * protects every field of its objects' ipc_obj.
 *
 * Access is Linux's ipcperms(): the owner's or creator's bits for the
 * effective user id, the group bits for the effective or a supplementary
 * group, else the others' bits; CAP_IPC_OWNER passes.  IPC_SET and
 * IPC_RMID need the owner or the creator, or CAP_SYS_ADMIN.
 */
#ifndef IPC_IPC_H
#define IPC_IPC_H

#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/sysctl.h>

struct seqbuf;
struct task;

#define IPC_PRIVATE 0
#define IPC_CREAT 01000
#define IPC_EXCL 02000
#define IPC_NOWAIT 04000
#define IPC_RMID 0
#define IPC_SET 1
#define IPC_STAT 2
#define IPC_INFO 3
#define IPC_MNI 32768                   /* ids: seq * IPC_MNI + index (Linux's IPCMNI) */

/* The head of every System V object. */
struct ipc_obj {
    int32_t key;                        /* IPC_PRIVATE once removed */
    uint32_t uid, gid, cuid, cgid;
    uint32_t mode;                      /* the low 9 bits; shm keeps its flags above them */
    uint16_t seq;
    int index;                          /* its slot in the table */
};

/* One kind's table of objects. */
struct ipc_table {
    struct ipc_obj **slots;             /* kmalloc'd, grown up to `limit`, freed when empty */
    int size;                           /* slots allocated */
    uint16_t seq;                       /* the next object's sequence number */
    int used;                           /* objects in it */
    int max_index;                      /* the highest slot in use, or -1 */
};
#define IPC_TABLE_INIT { .max_index = -1 }

/* struct ipc64_perm as x86-64 lays it out (48 bytes). */
struct kipc64_perm {
    int32_t key;
    uint32_t uid, gid, cuid, cgid, mode;
    uint16_t seq, pad2;
    uint32_t pad3;
    uint64_t unused1, unused2;
};

/* The object with `key` (never IPC_PRIVATE), or NULL. */
struct ipc_obj *ipc_find_key(struct ipc_table *t, int32_t key);
/* The object an id names, or NULL. */
struct ipc_obj *ipc_find_id(struct ipc_table *t, int id);
/* The object at table index `index` (SEM_STAT, MSG_STAT, SHM_STAT), or NULL. */
struct ipc_obj *ipc_find_index(struct ipc_table *t, int index);
static inline int ipc_id(const struct ipc_obj *o) { return o->seq * IPC_MNI + o->index; }
/* Puts a new object o in a free slot below `limit` with key, the mode
 * bits of flags and the current task's effective ids as owner and creator.
 * Returns its id, -ENOSPC (table full) or -ENOMEM.  May allocate: the
 * caller's lock must rank above "kheap". */
int ipc_add(struct ipc_table *t, struct ipc_obj *o, int32_t key, int flags, int limit);
/* What shmget, semget and msgget share: how a kind looks a key up and
 * makes a new object. */
struct ipc_kind {
    struct spinlock *lock;              /* the kind's lock, guarding `table` */
    struct ipc_table *table;
    const int *limit;                   /* objects at most (a tunable) */
    /* an existing object asked for with `arg` (a size): the kind's own
     * refusal or 0; under the lock; NULL: none */
    int (*check_old)(struct ipc_obj *o, long arg);
    /* before making a new one, under the lock: the refusal or 0; NULL: none */
    int (*check_new)(long arg);
    /* a new object (zeroed head), made without the lock; NULL: no memory */
    struct ipc_obj *(*make)(long arg);
    void (*unmake)(struct ipc_obj *o);  /* frees one that was not added */
    /* it is in the table now, under the lock; NULL: nothing to do */
    void (*added)(struct ipc_obj *o, long arg);
};
/* shmget/semget/msgget: the id of key's object (checked as Linux does),
 * or of a new one with IPC_PRIVATE or IPC_CREAT; or -ENOENT, -EEXIST,
 * -EACCES, -ENOSPC, -ENOMEM, or the kind's refusal.  Takes k->lock. */
long ipc_get(const struct ipc_kind *k, int32_t key, int flags, long arg);
/* Takes o out of the table: its id and key name nothing any more. */
void ipc_remove(struct ipc_table *t, struct ipc_obj *o);
/* shmget/semget/msgget of an existing object, in Linux's order: -EEXIST
 * for IPC_CREAT|IPC_EXCL, then the kind's own refusal `more` (0: none),
 * then -EACCES if flags' permission bits ask for what the mode refuses. */
int ipc_check_get(const struct ipc_obj *o, int flags, int more);
/* May the current task have `want` (MAY_READ, MAY_WRITE) on o?  0 or -EACCES. */
int ipc_access(const struct ipc_obj *o, int want);
/* Is the current task o's owner or creator, or privileged by cap? */
bool ipc_owner(const struct ipc_obj *o, int cap);
/* IPC_SET's common part: the owner ids and the mode's low 9 bits; -EINVAL
 * (nothing changed) for an id that is no id ((uid_t)-1). */
int ipc_set_perm(struct ipc_obj *o, const struct kipc64_perm *p);
/* IPC_STAT's common part. */
void ipc_fill_perm(struct kipc64_perm *p, const struct ipc_obj *o);
/* The wall clock in seconds, for the objects' times. */
int64_t ipc_now(void);

/* SEM_UNDO adjustments at a task's end, and CLONE_SYSVSEM (kernel/ipc/sem.c). */
/* A new task's undo list, made by the current task (its parent): with
 * CLONE_SYSVSEM the parent's, shared (made now if it had none), else none
 * yet.  0 or -ENOMEM. */
int sem_fork(struct task *child, bool share);
/* The task leaves its undo list (exit, unshare(CLONE_SYSVSEM)): the last
 * task to leave applies it. */
void sem_exit(struct task *t);

/* One object as /proc/sysvipc/{shm,sem,msg} lists it: a copy taken under
 * its owner's lock. */
struct ipc_row {
    struct ipc_obj perm;
    int id;
    uint64_t size, nattch;              /* shm: bytes asked for, attachments */
    uint64_t nsems;                     /* sem */
    uint64_t cbytes, qnum;              /* msg: bytes and messages queued */
    pid_t pid[2];                       /* shm: creator, last; msg: last sender, receiver */
    int64_t time[3];                    /* shm: attach, detach, change; sem: op, change;
                                         * msg: send, receive, change */
};
/* The first object at table index *index or above into r, *index moved
 * past it; false when there is none. */
bool shm_row(int *index, struct ipc_row *r);
bool sem_row(int *index, struct ipc_row *r);
bool msg_row(int *index, struct ipc_row *r);
/* The same walk, over a table (caller holds its owner's lock). */
struct ipc_obj *ipc_next(struct ipc_table *t, int *index);

/* The tunables /proc/sys/kernel/{sem,msgmax,msgmnb,msgmni}
 * (include/kernel/sysctl.h). */
extern const struct sysctl_entry sem_sysctls[];
extern const struct sysctl_entry msg_sysctls[];

#endif
