/*
 * Credentials and the permission checks built on them (kernel/proc/cred.c).
 *
 * Each task has Linux's four user ids and four group ids (real, effective,
 * saved, file system) and a list of supplementary groups; they are the
 * task's own (a libc changes every thread's, as on Linux).  Privilege is
 * Linux's capability sets (capabilities(7)): a check looks at the
 * effective set; the permitted set bounds what may become effective; the
 * inheritable, bounding and ambient sets decide what an exec keeps.  There
 * are no file capabilities, so an exec gives a root process (real or
 * effective user id 0) the bounding set (with the inheritable one), and
 * another only its ambient set.  User id changes move the sets as Linux's
 * "setuid fix-up" does: leaving user id 0 everywhere clears the permitted
 * and effective sets unless PR_SET_KEEPCAPS; an effective id leaving 0
 * clears the effective set, one returning to 0 restores it from the
 * permitted set; a file-system id leaving or returning to 0 drops or
 * restores the file-system capabilities (CAP_FS_SET).
 */
#ifndef PROC_CRED_H
#define PROC_CRED_H

#include <kernel/kernel.h>

struct task;
struct vnode;

#define NGROUPS_KEPT 64         /* supplementary groups a task may have (Linux: 65536) */

#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4

/* Capabilities the kernel checks (Linux's numbers, for capget). */
#define CAP_CHOWN 0
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_FOWNER 3
#define CAP_FSETID 4
#define CAP_KILL 5
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_SETPCAP 8
#define CAP_LINUX_IMMUTABLE 9
#define CAP_NET_ADMIN 12
#define CAP_IPC_LOCK 14
#define CAP_IPC_OWNER 15
#define CAP_SYS_PTRACE 19
#define CAP_SYS_ADMIN 21
#define CAP_SYS_BOOT 22
#define CAP_SYS_NICE 23
#define CAP_SYS_RESOURCE 24
#define CAP_SYS_TIME 25
#define CAP_MKNOD 27
#define CAP_MAC_OVERRIDE 32
#define CAP_SYSLOG 34
#define CAP_LAST_CAP 40                 /* Linux 6.1's: CAP_CHECKPOINT_RESTORE */
#define CAP_FULL_SET ((1ULL << (CAP_LAST_CAP + 1)) - 1)

/* Does the current task have capability cap?  (No task yet: the kernel
 * itself, which may do anything.) */
bool capable(int cap);
/* Is gid the current task's file-system group or one of its supplementary groups? */
bool in_group(gid_t gid);
/* May the current task access v as mask (MAY_READ|MAY_WRITE|MAY_EXEC) says,
 * by its mode bits and file-system ids?  0 or -EACCES. */
int vnode_permission(const struct vnode *v, int mask);
/* The same with the real ids (access(2) without AT_EACCESS). */
int vnode_permission_real(const struct vnode *v, int mask);
/* Removing or renaming `victim` out of a sticky directory `dir`: only its
 * owner, the directory's owner or a privileged task.  0 or -EPERM. */
int sticky_check(const struct vnode *dir, const struct vnode *victim);
/* Is the current task the owner of v, or privileged to act as it (CAP_FOWNER)? */
bool owner_or_capable(const struct vnode *v);
/* A new file's owner: the file-system ids, the group a set-group-id
 * directory's (and a new directory there is set-group-id too). */
void cred_init_new_file(struct vnode *v, const struct vnode *dir);
/* May `from` send a signal to `to` (Linux's rule: an id of the sender
 * matches the receiver's real or saved user id, or CAP_KILL)? */
bool may_signal(const struct task *from, const struct task *to);
/* May the current task trace or inspect t (same ids, or CAP_SYS_PTRACE)? */
bool may_ptrace(const struct task *t);
/* May the current task change t's scheduling (its ids match, or CAP_SYS_NICE)? */
bool may_schedule(const struct task *t);
/* execve of a set-user-id or set-group-id file: the new ids; true if they
 * changed (AT_SECURE). */
bool cred_exec(struct task *t, const struct vnode *file);
/* Would cred_exec(t, file) report a change (before committing to the exec)? */
bool cred_exec_secure(const struct task *t, const struct vnode *file);
/* fork/clone: the child's credentials are the parent's. */
void cred_copy(struct task *to, const struct task *from);
/* A task made from nothing (init, the kernel's own): root with every
 * capability in its permitted, effective and bounding sets. */
void cred_init_root(struct task *t);
/* prctl's capability options: PR_CAPBSET_READ, PR_CAPBSET_DROP,
 * PR_CAP_AMBIENT, PR_GET_KEEPCAPS, PR_SET_KEEPCAPS, with Linux's errors. */
long cred_prctl(int option, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

#endif
