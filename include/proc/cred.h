/*
 * Credentials and the permission checks built on them (kernel/proc/cred.c).
 *
 * Each task has Linux's four user ids and four group ids (real, effective,
 * saved, file system) and a list of supplementary groups; they are the
 * task's own (a libc changes every thread's, as on Linux).  Privilege is
 * Linux's without separate capability sets: a task whose effective user id
 * is 0 has every capability, and the file-system ones (reading, writing
 * and searching anything, owning any file) follow the file-system user id,
 * which follows the effective one unless setfsuid set it apart.
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

#endif
