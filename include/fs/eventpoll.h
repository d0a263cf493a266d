/*
 * epoll (kernel/fs/eventpoll.c): an epoll instance is a file holding a set
 * of watched (file, descriptor number) pairs and the list of those that
 * may be ready.  The system calls' argument handling is in
 * kernel/syscall/sys_poll.c with the rest of the poll family.
 */
#ifndef FS_EVENTPOLL_H
#define FS_EVENTPOLL_H

#include <kernel/kernel.h>

struct file;

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

#define EPOLLEXCLUSIVE (1U << 28)
#define EPOLLWAKEUP (1U << 29)
#define EPOLLONESHOT (1U << 30)
#define EPOLLET (1U << 31)

/* Linux's struct epoll_event: packed on x86-64, 12 bytes. */
struct epoll_event {
    uint32_t events;
    uint64_t data;
} __attribute__((packed));

#define EP_MAX_EVENTS (0x7fffffff / (int)sizeof(struct epoll_event))

/* A new epoll instance installed as a descriptor (flags: O_CLOEXEC). */
long ep_create(int flags);
/* epoll_ctl with the event already copied in (NULL for EPOLL_CTL_DEL):
 * 0 or -EBADF, -EPERM, -EINVAL, -ELOOP, -EEXIST, -ENOENT, -ENOMEM. */
long ep_ctl(int epfd, int op, int fd, const struct epoll_event *ev);
/* epoll_wait: up to maxevents (checked by the caller) ready events to
 * uevents; deadline as do_poll's (0: forever, POLL_NO_WAIT: don't wait).
 * The count, 0 on timeout, -EINTR, -EBADF, -EINVAL or -EFAULT. */
long ep_wait(int epfd, struct epoll_event __user *uevents, int maxevents, uint64_t deadline);
/* The last reference to f is going (file_put): every epoll watching it
 * lets go of it.  May sleep. */
void eventpoll_release_file(struct file *f);

#endif
