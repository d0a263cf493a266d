/*
 * The socket calls: AF_UNIX sockets (kernel/net/unix.c) behind Linux's
 * system-call ABI.  This file copies the user structures (addresses,
 * msghdr, iovecs, control messages) in and out with Linux's rules and
 * checks, in Linux's order:
 *  - socket/socketpair: unknown flags EINVAL, a family out of range or other
 *    than AF_UNIX EAFNOSUPPORT, a type out of range EINVAL, a protocol
 *    other than 0 or PF_UNIX EPROTONOSUPPORT, an unknown type
 *    ESOCKTNOSUPPORT (SOCK_RAW is a datagram socket);
 *  - a descriptor that is not a socket ENOTSOCK (EBADF if none);
 *  - an address longer than sockaddr_storage or negative EINVAL; names go
 *    out as move_addr_to_user does: cut to the caller's length, which then
 *    says the real one;
 *  - control messages: SCM_RIGHTS (at most 253 descriptors; EBADF for a
 *    closed one) and SCM_CREDENTIALS (checked: ESRCH for a pid that does not
 *    exist); another SOL_SOCKET type or a malformed header EINVAL; other
 *    levels are skipped.  On receipt credentials come first (with
 *    SO_PASSCRED), then the descriptors that fit (MSG_CTRUNC for the rest,
 *    which are closed).
 */
#include <fs/fsyscall.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <net/unix.h>
#include <proc/cred.h>

#define OPTMEM_MAX 131072                /* net.core.optmem_max: the largest control buffer */

/* An address copied in (move_addr_to_kernel): up to 128 bytes. */
union sockaddr_in_k {
    struct linux_sockaddr_un sun;
    char bytes[SOCKADDR_STORAGE_SIZE];
};

/* The socket behind fd: *sp, with its file referenced in *fp (file_put it).
 * An O_PATH descriptor is EBADF, even one of a socket node (Linux's
 * sockfd_lookup goes through fdget, which refuses them). */
static long sock_lookup(long fd, struct file **fp, struct unix_sock **sp)
{
    struct file *f = fd_get_io((int)fd);
    if (!f)
        return -EBADF;
    if (!unix_is_socket(f)) {
        file_put(f);
        return -ENOTSOCK;
    }
    *fp = f;
    *sp = f->private_data;
    return 0;
}

/* Evaluates `call` with `s` the socket behind fd and `f` its file (EBADF,
 * ENOTSOCK otherwise), and gives its value. */
#define SOCKET_CALL(fd, call)                                       \
    ({                                                              \
        struct file *f;                                             \
        struct unix_sock *s;                                        \
        long __r = sock_lookup((fd), &f, &s);                       \
        if (!__r) {                                                 \
            __r = (call);                                           \
            file_put(f);                                            \
        }                                                           \
        __r;                                                        \
    })

static long addr_in(const void __user *uaddr, long len, union sockaddr_in_k *out)
{
    if (len < 0 || len > SOCKADDR_STORAGE_SIZE)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    return len ? copy_from_user(out->bytes, uaddr, (size_t)len) : 0;
}

/* move_addr_to_user: the name cut to *ulen bytes, *ulen set to its length. */
static long addr_out(const struct unix_addr *a, unsigned klen, void __user *uaddr, int __user *ulen)
{
    int len;
    if (copy_from_user(&len, ulen, sizeof(len)))
        return -EFAULT;
    if (len < 0)
        return -EINVAL;
    len = MIN(len, (int)klen);
    if (len && copy_to_user(uaddr, a->raw, (size_t)len))
        return -EFAULT;
    return copy_to_user(ulen, &klen, sizeof(int));
}

/* socket()'s type argument: the type (SOCK_RAW becomes SOCK_DGRAM), and
 * the SOCK_NONBLOCK/SOCK_CLOEXEC flags in *flags. */
static long check_socket_args(long family, long type, long protocol, int *flags)
{
    *flags = (int)type & ~SOCK_TYPE_MASK;
    if (*flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    type &= SOCK_TYPE_MASK;
    if ((int)family < 0 || (int)family >= AF_MAX)
        return -EAFNOSUPPORT;
    if (type >= SOCK_MAX)
        return -EINVAL;
    if (family != AF_UNIX)
        return -EAFNOSUPPORT;
    if (protocol && protocol != AF_UNIX)
        return -EPROTONOSUPPORT;
    switch (type) {
    case SOCK_STREAM:
    case SOCK_DGRAM:
    case SOCK_SEQPACKET:
        return type;
    case SOCK_RAW:
        return SOCK_DGRAM;
    default:
        return -ESOCKTNOSUPPORT;
    }
}

/* Installs f (whose reference it takes over; dropped on failure). */
static long install(struct file *f, int flags)
{
    int fd = fd_install(f, flags & O_CLOEXEC);
    if (fd < 0)
        file_put(f);
    return fd;
}

static long sys_socket(long family, long type, long protocol)
{
    int flags;
    long t = check_socket_args(family, type, protocol, &flags);
    if (t < 0)
        return t;
    struct file *f;
    int err = unix_create((int)t, flags, &f);
    return err ? err : install(f, flags);
}
SYSCALL_DEFINE(41, socket);

static long sys_socketpair(long family, long type, long protocol, int __user *usv)
{
    int flags;
    long t = check_socket_args(family, type, protocol, &flags);
    if (t < 0)
        return t;
    struct file *a, *b;
    int err = unix_socketpair((int)t, flags, &a, &b);
    if (err)
        return err;
    long fa = install(a, flags);
    if (fa < 0) {
        file_put(b);
        return fa;
    }
    long fb = install(b, flags);
    if (fb < 0) {
        fd_close((int)fa);
        return fb;
    }
    int fds[2] = {(int)fa, (int)fb};
    if (copy_to_user(usv, fds, sizeof(fds))) {
        fd_close((int)fa);
        fd_close((int)fb);
        return -EFAULT;
    }
    return 0;
}
SYSCALL_DEFINE(53, socketpair);

static long sys_bind(long fd, const void __user *uaddr, long len)
{
    union sockaddr_in_k a;
    return SOCKET_CALL(fd, addr_in(uaddr, len, &a) ?: unix_bind(s, &a.sun, (int)len));
}
SYSCALL_DEFINE(49, bind);

static long sys_listen(long fd, long backlog) { return SOCKET_CALL(fd, unix_listen(s, (int)backlog)); }
SYSCALL_DEFINE(50, listen);

static long sys_connect(long fd, const void __user *uaddr, long len)
{
    union sockaddr_in_k a;
    return SOCKET_CALL(fd, addr_in(uaddr, len, &a) ?: unix_connect(s, &a.sun, (int)len, f->flags & O_NONBLOCK));
}
SYSCALL_DEFINE(42, connect);

/* getsockname/getpeername and accept's address. */
static long name_out(struct unix_sock *s, bool peer, void __user *uaddr, int __user *ulen)
{
    struct unix_addr a;
    int len = unix_getname(s, peer, &a);
    return len < 0 ? len : addr_out(&a, (unsigned)len, uaddr, ulen);
}

static long sys_accept4(long fd, void __user *uaddr, int __user *ulen, long flags)
{
    if (flags & ~(long)(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    struct file *nf;
    long err = SOCKET_CALL(fd, unix_accept(s, (int)flags, f->flags & O_NONBLOCK, &nf));
    if (err)
        return err;
    if (uaddr && (err = name_out(nf->private_data, true, uaddr, ulen))) {
        file_put(nf);                   /* the connection is dropped, as on Linux */
        return err;
    }
    return install(nf, (int)flags);
}
SYSCALL_DEFINE(288, accept4);

static long sys_accept(long fd, void __user *uaddr, int __user *ulen) { return sys_accept4(fd, uaddr, ulen, 0); }
SYSCALL_DEFINE(43, accept);

static long sys_getsockname(long fd, void __user *addr, int __user *len) { return SOCKET_CALL(fd, name_out(s, false, addr, len)); }
SYSCALL_DEFINE(51, getsockname);
static long sys_getpeername(long fd, void __user *addr, int __user *len) { return SOCKET_CALL(fd, name_out(s, true, addr, len)); }
SYSCALL_DEFINE(52, getpeername);

static long sys_shutdown(long fd, long how) { return SOCKET_CALL(fd, unix_shutdown(s, (int)how)); }
SYSCALL_DEFINE(48, shutdown);

static long sys_setsockopt(long fd, long level, long name, const void __user *val, long len)
{
    return SOCKET_CALL(fd, unix_setsockopt(s, (int)level, (int)name, val, (int)len));
}
SYSCALL_DEFINE(54, setsockopt);

static long sys_getsockopt(long fd, long level, long name, void __user *val, int __user *len)
{
    return SOCKET_CALL(fd, unix_getsockopt(s, (int)level, (int)name, val, len));
}
SYSCALL_DEFINE(55, getsockopt);

/* ------------------------------------------------------------------ messages */

/* The checks of an SCM_CREDENTIALS message (Linux's scm_check_creds): its
 * own process id unless CAP_SYS_ADMIN, one of its user ids unless
 * CAP_SETUID, one of its group ids unless CAP_SETGID; the process must
 * exist. */
static int check_cred(const struct linux_ucred *u)
{
    struct task *t = current;
    if (u->uid == (uint32_t)-1 || u->gid == (uint32_t)-1)
        return -EINVAL;
    if ((u->pid != t->tgid && !capable(CAP_SYS_ADMIN)) ||
        (u->uid != t->uid && u->uid != t->euid && u->uid != t->suid && !capable(CAP_SETUID)) ||
        (u->gid != t->gid && u->gid != t->egid && u->gid != t->sgid && !capable(CAP_SETGID)))
        return -EPERM;
    spin_lock(&tasks_lock);
    bool found = u->pid > 0 && task_find(u->pid) != NULL;
    spin_unlock(&tasks_lock);
    return found ? 0 : -ESRCH;
}

/* Parses a control buffer (kernel copy) into scm. */
static int scm_parse(const uint8_t *ctl, size_t len, struct unix_scm *scm)
{
    int *fds = NULL, nfds = 0, err = 0;
    for (size_t off = 0; off + sizeof(struct linux_cmsghdr) <= len;) {
        struct linux_cmsghdr c;
        memcpy(&c, ctl + off, sizeof(c));
        if (c.cmsg_len < sizeof(c) || c.cmsg_len > len - off) {
            err = -EINVAL;
            break;
        }
        const uint8_t *data = ctl + off + sizeof(c);
        size_t dlen = c.cmsg_len - sizeof(c);
        off += CMSG_ALIGN_K(c.cmsg_len);
        if (c.cmsg_level != SOL_SOCKET)
            continue;
        if (c.cmsg_type == SCM_RIGHTS) {
            int n = (int)(dlen / sizeof(int));
            if (n <= 0)
                continue;
            if (nfds + n > SCM_MAX_FD) {
                err = -EINVAL;
                break;
            }
            if (!fds && !(fds = kmalloc(SCM_MAX_FD * sizeof(int)))) {
                err = -ENOMEM;
                break;
            }
            memcpy(fds + nfds, data, (size_t)n * sizeof(int));
            nfds += n;
        } else if (c.cmsg_type == SCM_CREDENTIALS) {
            if (c.cmsg_len != CMSG_LEN_K(sizeof(struct linux_ucred))) {
                err = -EINVAL;
                break;
            }
            memcpy(&scm->cred.ucred, data, sizeof(scm->cred.ucred));
            if ((err = check_cred(&scm->cred.ucred)))
                break;
            scm->cred.set = true;
        } else {
            err = -EINVAL;
            break;
        }
    }
    if (!err && nfds)
        err = unix_fds_get(fds, nfds, &scm->fds);
    kfree(fds);
    return err;
}

/* A msghdr's vector copied in and checked (UIO_MAXIOV segments, each and
 * the total at most MAX_RW_COUNT; a longer total is cut, as Linux does). */
static long iov_in(uint64_t uiov, uint64_t cnt, struct iovec_k **out)
{
    *out = NULL;
    if (cnt > UIO_MAXIOV)
        return -EMSGSIZE;
    struct iovec_k *iov = kmalloc(sizeof(*iov) * (cnt ? cnt : 1));
    if (!iov)
        return -ENOMEM;
    if (copy_from_user(iov, (const void __user *)uiov, sizeof(*iov) * cnt)) {
        kfree(iov);
        return -EFAULT;
    }
    uint64_t total = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        if ((int64_t)iov[i].len < 0) {
            kfree(iov);
            return -EINVAL;
        }
        iov[i].len = MIN(iov[i].len, (uint64_t)MAX_RW_COUNT - total);
        total += iov[i].len;
    }
    *out = iov;
    return 0;
}

/* A msghdr and its vector copied in: EFAULT, EINVAL for a negative name
 * length, and iov_in's errors. */
static long msghdr_in(const struct linux_msghdr __user *umsg, struct linux_msghdr *m, struct iovec_k **iov)
{
    *iov = NULL;
    if (copy_from_user(m, umsg, sizeof(*m)))
        return -EFAULT;
    if (m->msg_namelen < 0)
        return -EINVAL;
    return iov_in(m->msg_iov, m->msg_iovlen, iov);
}

static long do_send(struct unix_sock *s, struct file *f, const struct iovec_k *iov, int cnt,
                    const union sockaddr_in_k *to, int tolen, struct unix_scm *scm, int flags)
{
    if (f->flags & O_NONBLOCK)
        flags |= MSG_DONTWAIT;
    return unix_sendmsg(s, tolen ? &to->sun : NULL, tolen, iov, cnt, false, scm, flags);
}

static long sys_sendto(long fd, const void __user *buf, size_t len, long flags, const void __user *uaddr, long alen)
{
    union sockaddr_in_k a;
    struct unix_scm scm = {0};
    struct iovec_k iov = {(uint64_t)buf, MIN(len, (size_t)MAX_RW_COUNT)};
    if (!uaddr)
        alen = 0;
    return SOCKET_CALL(fd, addr_in(uaddr, alen, &a) ?: do_send(s, f, &iov, 1, &a, (int)alen, &scm, (int)flags));
}
SYSCALL_DEFINE(44, sendto);

static long sendmsg_on(struct unix_sock *s, struct file *f, const struct linux_msghdr __user *umsg, int flags)
{
    long err;
    struct linux_msghdr m;
    struct iovec_k *iov;
    uint8_t *ctl = NULL;
    union sockaddr_in_k a;
    struct unix_scm scm = {0};
    int alen = 0;
    if ((err = msghdr_in(umsg, &m, &iov)))
        goto out;
    if (m.msg_name && m.msg_namelen) {
        alen = MIN(m.msg_namelen, SOCKADDR_STORAGE_SIZE);
        if ((err = addr_in((const void __user *)m.msg_name, alen, &a)))
            goto out;
    }
    if (m.msg_controllen > OPTMEM_MAX) {
        err = -ENOBUFS;                 /* Linux: larger than net.core.optmem_max */
        goto out;
    }
    if (m.msg_controllen) {
        if (!(ctl = kmalloc(m.msg_controllen))) {
            err = -ENOBUFS;
            goto out;
        }
        if (copy_from_user(ctl, (const void __user *)m.msg_control, m.msg_controllen)) {
            err = -EFAULT;
            goto out;
        }
        if ((err = scm_parse(ctl, m.msg_controllen, &scm)))
            goto out;
    }
    err = do_send(s, f, iov, (int)m.msg_iovlen, &a, alen, &scm, flags);
out:
    unix_fds_put(scm.fds);
    kfree(ctl);
    kfree(iov);
    return err;
}

static long sys_sendmsg(long fd, const struct linux_msghdr __user *umsg, long flags)
{
    return SOCKET_CALL(fd, sendmsg_on(s, f, umsg, (int)flags));
}
SYSCALL_DEFINE(46, sendmsg);

/* Where received control messages go (Linux's put_cmsg): a user buffer
 * that shrinks as they are written. */
struct ctl_out {
    uint64_t ptr, left;
    int flags;                          /* MSG_CTRUNC */
};

static int put_cmsg(struct ctl_out *c, int type, const void *data, size_t len)
{
    if (!c->ptr || c->left < sizeof(struct linux_cmsghdr)) {
        c->flags |= MSG_CTRUNC;
        return 0;
    }
    size_t cmlen = CMSG_LEN_K(len);
    if (c->left < cmlen) {
        c->flags |= MSG_CTRUNC;
        cmlen = c->left;
    }
    struct linux_cmsghdr h = {.cmsg_len = cmlen, .cmsg_level = SOL_SOCKET, .cmsg_type = type};
    if (copy_to_user((void __user *)c->ptr, &h, sizeof(h)) ||
        copy_to_user((void __user *)(c->ptr + sizeof(h)), data, cmlen - sizeof(h)))
        return -EFAULT;
    size_t adv = MIN(CMSG_SPACE_K(len), c->left);
    c->ptr += adv;
    c->left -= adv;
    return 0;
}

/* Descriptors that fit get numbers (scm_detach_fds); the rest are closed. */
static int put_fds(struct ctl_out *c, struct unix_fds *x, bool cloexec)
{
    int fit = c->ptr && c->left > sizeof(struct linux_cmsghdr)
                  ? (int)((c->left - sizeof(struct linux_cmsghdr)) / sizeof(int)) : 0;
    fit = MIN(fit, x->n);
    int i, err = 0;
    for (i = 0; i < fit; i++) {
        file_get(x->files[i]);
        int fd = fd_install(x->files[i], cloexec ? O_CLOEXEC : 0);
        if (fd < 0) {
            file_put(x->files[i]);
            break;
        }
        int __user *slot = (int __user *)(c->ptr + sizeof(struct linux_cmsghdr)) + i;
        if (put_user(fd, slot)) {
            fd_close(fd);
            err = -EFAULT;
            break;
        }
    }
    if (i > 0) {
        struct linux_cmsghdr h = {.cmsg_len = CMSG_LEN_K(i * sizeof(int)), .cmsg_level = SOL_SOCKET,
                                  .cmsg_type = SCM_RIGHTS};
        if (copy_to_user((void __user *)c->ptr, &h, sizeof(h)))
            err = -EFAULT;
        size_t adv = MIN(CMSG_SPACE_K(i * sizeof(int)), c->left);
        c->ptr += adv;
        c->left -= adv;
    }
    if (i < x->n)
        c->flags |= MSG_CTRUNC;
    return err;
}

/* The receive's ancillary data (Linux's scm_recv): credentials with
 * SO_PASSCRED, then descriptors. */
static int ctl_recv(struct unix_sock *s, struct unix_recv *r, struct ctl_out *c, int flags)
{
    bool passcred = READ_ONCE(s->passcred);
    int err = 0;
    if (!c->ptr) {
        if (passcred || r->fds)
            c->flags |= MSG_CTRUNC;
        return 0;
    }
    if (passcred) {
        struct linux_ucred u = r->cred.set ? r->cred.ucred
                                           : (struct linux_ucred){.pid = 0, .uid = 65534, .gid = 65534};
        err = put_cmsg(c, SCM_CREDENTIALS, &u, sizeof(u));
    }
    if (!err && r->fds)
        err = put_fds(c, r->fds, flags & MSG_CMSG_CLOEXEC);
    return err;
}

static long do_recv(struct unix_sock *s, struct file *f, const struct iovec_k *iov, int cnt, int flags,
                    struct unix_recv *r)
{
    if (f->flags & O_NONBLOCK)
        flags |= MSG_DONTWAIT;
    return unix_recvmsg(s, iov, cnt, false, flags, r);
}

static long recvfrom_on(struct unix_sock *s, struct file *f, void __user *buf, size_t len, int flags,
                        void __user *uaddr, int __user *ulen)
{
    struct iovec_k iov = {(uint64_t)buf, MIN(len, (size_t)MAX_RW_COUNT)};
    struct unix_recv r;
    long n = do_recv(s, f, &iov, 1, flags, &r);
    if (n >= 0 && uaddr) {
        struct unix_addr none = {.len = 0};
        long err = addr_out(r.from ? r.from : &none, r.from ? r.from->len : 0, uaddr, ulen);
        if (err)
            n = err;
    }
    unix_recv_done(&r);
    return n;
}

static long sys_recvfrom(long fd, void __user *buf, size_t len, long flags, void __user *uaddr, int __user *ulen)
{
    return SOCKET_CALL(fd, recvfrom_on(s, f, buf, len, (int)flags, uaddr, ulen));
}
SYSCALL_DEFINE(45, recvfrom);

static long recvmsg_on(struct unix_sock *s, struct file *f, struct linux_msghdr __user *umsg, int flags)
{
    long err;
    struct linux_msghdr m;
    struct iovec_k *iov;
    if ((err = msghdr_in(umsg, &m, &iov)))
        goto out;
    struct unix_recv r;
    long n = do_recv(s, f, iov, (int)m.msg_iovlen, flags, &r);
    if (n >= 0) {
        struct ctl_out c = {.ptr = m.msg_control, .left = m.msg_controllen};
        err = ctl_recv(s, &r, &c, flags);
        unsigned klen = r.from ? r.from->len : 0;
        if (!err && m.msg_name) {
            int ulen = MIN(m.msg_namelen, (int)klen);
            if (ulen && copy_to_user((void __user *)m.msg_name, r.from->raw, (size_t)ulen))
                err = -EFAULT;
            else if (copy_to_user(&umsg->msg_namelen, &klen, sizeof(int)))
                err = -EFAULT;
        }
        int oflags = (flags & MSG_CMSG_CLOEXEC) | r.msg_flags | c.flags;
        uint64_t used = c.ptr - m.msg_control;
        if (!err && (copy_to_user(&umsg->msg_flags, &oflags, sizeof(oflags)) ||
                     copy_to_user(&umsg->msg_controllen, &used, sizeof(used))))
            err = -EFAULT;
        if (!err)
            err = n;
    } else {
        err = n;
    }
    unix_recv_done(&r);
out:
    kfree(iov);
    return err;
}

static long sys_recvmsg(long fd, struct linux_msghdr __user *umsg, long flags)
{
    return SOCKET_CALL(fd, recvmsg_on(s, f, umsg, (int)flags));
}
SYSCALL_DEFINE(47, recvmsg);
