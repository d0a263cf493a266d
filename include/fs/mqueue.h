/*
 * POSIX message queues (kernel/fs/mqueue.c): mq_open, mq_unlink,
 * mq_timedsend, mq_timedreceive, mq_notify and mq_getsetattr, the queues
 * being the files of one "mqueue" file system instance (wherever `mount -t
 * mqueue` puts it; init mounts it on /dev/mqueue), as on Linux.
 * docs/fs.md, "POSIX message queues", has the behaviour.
 */
#ifndef FS_MQUEUE_H
#define FS_MQUEUE_H

#include <kernel/sysctl.h>

struct vnode;

/* The instance's root directory (not referenced), for its fs_type. */
struct vnode *mqueue_root(void);
/* Boot: makes the instance. */
void mqueue_init(void);
/* /proc/sys/fs/mqueue/{msg_max,msgsize_max,queues_max,msg_default,msgsize_default} */
extern const struct sysctl_entry mqueue_sysctls[];

#endif
