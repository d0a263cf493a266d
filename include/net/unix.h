/*
 * AF_UNIX sockets: stream, datagram and seqpacket, with path, abstract and
 * automatic names, descriptor and credential passing.  kernel/net/unix.c
 * has the sockets (names, connections, close, poll, options),
 * kernel/net/unix_io.c the messages (send, receive, descriptors in flight
 * and their collector); kernel/syscall/sys_socket.c turns the socket calls'
 * user structures into the calls below.  docs/sockets.md has the design.
 *
 * Objects
 *  - struct unix_sock: one socket.  A socket made by socket(), socketpair()
 *    or accept() has one open file (file_alloc_mode, S_IFSOCK) whose
 *    private_data it is; a connection request not accepted yet has none
 *    (an "embryo", on its listener's `pending` list).
 *  - struct unix_msg: one message in a receive queue: a datagram, a
 *    seqpacket record, or a piece of a stream.  It references its sender,
 *    whose send buffer it is charged to until it is consumed.
 *  - struct unix_fds: the files an SCM_RIGHTS message carries.
 *
 * Locking (docs/locking.md)
 *  - `lock` ("unix") guards a socket's state, peer, queues and counters.
 *    Two are taken together only in address order (connect).
 *  - `iolock` (a mutex) serializes the receivers of one socket: only
 *    its holder takes messages off the queue, so a message it looks at
 *    stays while it copies to user memory without the spinlock.  Nobody
 *    sleeps waiting for data with it held.
 *  - the name lock ("unix_names", below "unix") guards the abstract name
 *    table, the autobind counter and every socket node's `sock` pointer.
 *  - the collector's lock ("unix_gc", below "unix") guards the in-flight
 *    counts, the list of sockets in flight and the deferred releases.
 *  - Copies to and from user memory, file_put and unix_put happen with no
 *    spinlock held.
 */
#ifndef NET_UNIX_H
#define NET_UNIX_H

#include <fs/fasync.h>
#include <fs/vfs.h>
#include <kernel/mutex.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <lib/list.h>
#include <proc/signal.h>
#include <uapi/socket.h>

#define UNIX_RCV_SHUTDOWN 1
#define UNIX_SEND_SHUTDOWN 2
#define UNIX_SHUTDOWN_MASK 3

enum unix_state { UNIX_UNCONNECTED, UNIX_LISTENING, UNIX_CONNECTED };

/* Linux's defaults: net.core.wmem_default/rmem_default, wmem_max/rmem_max,
 * the smallest buffers setsockopt allows, net.unix.max_dgram_qlen and
 * net.core.somaxconn. */
#define UNIX_BUF_DEFAULT 212992
#define UNIX_BUF_MAX 212992
#define UNIX_SNDBUF_MIN 4608
#define UNIX_RCVBUF_MIN 2304
#define UNIX_DGRAM_QLEN 10
#define UNIX_SOMAXCONN 4096
/* What a message costs its sender's buffer beyond its bytes (Linux's skb
 * overhead: two small datagrams show 1536 bytes in SIOCOUTQ). */
#define UNIX_MSG_COST 768

/* A bound name: the bytes getsockname returns. */
struct unix_addr {
    int refs;                       /* atomic */
    unsigned len;                   /* 2 + name (+1: a path's terminator) */
    uint32_t hash;                  /* abstract names: the table's hash */
    union {
        struct linux_sockaddr_un sun;
        char raw[sizeof(struct linux_sockaddr_un) + 1];   /* a 108-byte path ends in raw[110] */
    };
};

struct unix_fds {
    struct list_node node;          /* on the deferred-release list */
    int n;
    bool inflight;                  /* counted in its sockets' `inflight` (not a MSG_PEEK copy) */
    struct file *files[];           /* referenced */
};

/* A message's credentials (SCM_CREDENTIALS, SO_PASSCRED). */
struct unix_cred {
    bool set;                       /* false: recorded nothing (pid 0, ids 65534 on receipt) */
    struct linux_ucred ucred;
};

struct unix_msg {
    struct list_node node;          /* in the receiver's queue */
    struct unix_sock *sender;       /* referenced; its wmem carries `charge` */
    size_t charge;
    size_t len, off;                /* bytes; bytes already read (streams) */
    struct unix_fds *fds;           /* SCM_RIGHTS, or NULL */
    struct unix_cred cred;
    uint8_t **pages;                /* data in whole pages, or NULL: in `data` */
    uint8_t data[];
};

struct unix_sock {
    int refs;                       /* atomic: its file, its peer, a listener's list, its messages */
    int type;                       /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
    struct file *file;              /* not referenced (it references us); NULL for an embryo */

    struct spinlock lock;           /* everything down to `options`, unless marked */
    enum unix_state state;
    bool dead;                      /* closed: takes no more messages or connections */
    uint8_t shutdown;               /* UNIX_RCV_SHUTDOWN | UNIX_SEND_SHUTDOWN */
    int err;                        /* pending error (SO_ERROR), taken once */
    struct unix_sock *peer;         /* referenced */
    struct unix_addr *addr;         /* referenced; set once (under the name lock too) */
    struct vnode *vnode;            /* a path name's socket node, referenced */
    struct list_node queue;         /* of struct unix_msg */
    unsigned qlen;
    size_t qbytes;
    struct list_node pending;       /* a listener's embryos (pending_node) */
    struct list_node pending_node;
    unsigned npending;
    unsigned backlog;
    struct linux_ucred peercred;    /* the peer's at connect (a listener's own, from listen) */
    bool passcred;                  /* SO_PASSCRED */
    uint32_t options;               /* SO_* flags set with setsockopt, bit = option number */
    int sndbuf, rcvbuf;
    int64_t rcvtimeo_ns, sndtimeo_ns;   /* 0: wait forever; < 0: never wait */
    int rcvlowat;                   /* SO_RCVLOWAT: bytes a stream read waits for */
    int priority;                   /* SO_PRIORITY */
    struct linux_linger linger;

    size_t wmem;                    /* atomic: charges of its messages not yet consumed */
    struct fasync_list fasync;      /* its O_ASYNC file: told of data, connections, the peer's close */

    struct waitq rd_wait;           /* receivers, acceptors: data, connections, shutdown, errors */
    struct waitq wr_wait;           /* its senders: room in wmem, shutdown, the peer gone */
    struct waitq room_wait;         /* others' blocking senders and connectors: room in the queue */
    struct mutex iolock;         /* receivers */

    struct unix_sock *hnext;        /* abstract name table chain (name lock) */

    /* in flight (the collector's lock) */
    unsigned inflight;              /* references from messages in queues */
    struct list_node gc_node;       /* on the list of sockets in flight */
    struct list_node gc_work;
    unsigned gc_refs;
    bool gc_candidate, gc_alive;
};

/* ---- unix.c: sockets (the calls return 0 or -errno) ---- */
bool unix_is_socket(struct file *f);
/* socket(2)/socketpair(2) for AF_UNIX: type and flags already checked. */
int unix_create(int type, int flags, struct file **out);
int unix_socketpair(int type, int flags, struct file **a, struct file **b);
int unix_bind(struct unix_sock *s, const struct linux_sockaddr_un *addr, int len);
int unix_listen(struct unix_sock *s, int backlog);
int unix_connect(struct unix_sock *s, const struct linux_sockaddr_un *addr, int len, bool nonblock);
/* The accepted socket's file (flags: SOCK_NONBLOCK for it). */
int unix_accept(struct unix_sock *s, int flags, bool nonblock, struct file **out);
int unix_shutdown(struct unix_sock *s, int how);
/* The socket's or its peer's name into *out; its length, or -ENOTCONN. */
int unix_getname(struct unix_sock *s, bool peer, struct unix_addr *out);
int unix_setsockopt(struct unix_sock *s, int level, int name, const void __user *val, int len);
int unix_getsockopt(struct unix_sock *s, int level, int name, void __user *val, int __user *len);
/* The current task's process id and effective (SO_PEERCRED) or real
 * (SCM_CREDENTIALS) user and group ids, as Linux records them. */
struct linux_ucred unix_current_cred(bool effective);

/* ---- unix_io.c: messages ---- */
/* What one send carries besides its bytes. */
struct unix_scm {
    struct unix_fds *fds;           /* SCM_RIGHTS (the send takes them over) */
    struct unix_cred cred;          /* SCM_CREDENTIALS, checked */
};
/* What one receive hands back besides its bytes. */
struct unix_recv {
    struct unix_addr *from;         /* the sender's name, referenced, or NULL */
    struct unix_fds *fds;           /* descriptors, referenced and not in flight any more */
    struct unix_cred cred;
    int msg_flags;                  /* MSG_TRUNC */
};
/* Files for SCM_RIGHTS: n descriptors of the current task, referenced and
 * counted in flight.  -EBADF, -ENOMEM. */
int unix_fds_get(const int *fds, int n, struct unix_fds **out);
/* Drops the files (their in-flight count first); a receiver that gave
 * some of them descriptors took references of its own.  NULL is a no-op. */
void unix_fds_put(struct unix_fds *fds);

/* The segments are the caller's user memory, or with `kernel` kernel
 * memory (a file write or read of a kernel buffer: sendfile, splice). */
ssize_t unix_sendmsg(struct unix_sock *s, const struct linux_sockaddr_un *to, int tolen,
                     const struct iovec_k *iov, int cnt, bool kernel, struct unix_scm *scm, int flags);
ssize_t unix_recvmsg(struct unix_sock *s, const struct iovec_k *iov, int cnt, bool kernel, int flags,
                     struct unix_recv *out);
void unix_recv_done(struct unix_recv *r);   /* releases what the caller did not take */

/* ---- shared between the two files ---- */
void unix_get(struct unix_sock *s);
void unix_put(struct unix_sock *s);
struct unix_addr *unix_addr_get(struct unix_addr *a);       /* NULL is passed through */
void unix_addr_put(struct unix_addr *a);
struct unix_sock *unix_find(const struct linux_sockaddr_un *addr, int len, int type, int *err);
int unix_autobind(struct unix_sock *s);
int unix_check_addr(const struct linux_sockaddr_un *addr, int len);
void unix_msg_free(struct unix_msg *m);
/* Takes every message off the queue onto `out` (lock held). */
void unix_queue_steal(struct unix_sock *s, struct list_node *out);
void unix_free_msgs(struct list_node *msgs);
/* Wakes datagram pollers waiting for room in some peer's queue. */
void unix_room_wake(void);
extern struct waitq unix_room_poll;
/* The collector: run when a socket closes or a descriptor of one in
 * flight is closed (`closing`: that file, whose reference is about to go). */
void unix_gc(struct file *closing);
bool unix_gc_wanted(void);
/* The deadline of a socket timeout (time_ns() clock; 0: none). */
uint64_t unix_deadline(int64_t timeo_ns);

/* A socket call's sleep: wait_event_deadline, with Linux's answers: EAGAIN
 * when the timeout expires, and for a signal EINTR when a timeout was set
 * (Linux restarts only untimed socket calls). */
#define unix_wait(wq, cond, deadline)                                        \
    ({                                                                       \
        uint64_t __ud = (deadline);                                          \
        int __u = wait_event_deadline(wq, cond, __ud);                       \
        __u == -ETIMEDOUT ? -EAGAIN : __u == -ERESTARTSYS && __ud ? -EINTR : __u; \
    })

/* The pending error (SO_ERROR), taken: -errno or 0.  Socket's lock held. */
static inline int unix_take_err(struct unix_sock *s)
{
    int err = -s->err;
    s->err = 0;
    return err;
}

#endif
