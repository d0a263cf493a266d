/* Helpers shared by the AF_UNIX socket tests (unix_*.c): addresses, a
 * millisecond clock, and descriptor passing. */
#ifndef GT_UNIX_H
#define GT_UNIX_H

#include "gt.h"
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

GT_FN long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A path address; returns the length bind/connect take for it. */
GT_FN socklen_t path_addr(struct sockaddr_un *a, const char *path)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    size_t n = strlen(path);
    memcpy(a->sun_path, path, n < sizeof a->sun_path ? n : sizeof a->sun_path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

/* An abstract address "\0name"; the length counts no terminator. */
GT_FN socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    memcpy(a->sun_path + 1, name, strlen(name));
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

/* An address as getsockname/accept/recvfrom returned it: its length, and
 * the name ("@name" for an abstract one, with autobind's 5 hex digits shown
 * as "@<auto>"). */
GT_FN const char *addrstr(const struct sockaddr_un *a, socklen_t len)
{
    static char buf[256];
    size_t off = offsetof(struct sockaddr_un, sun_path);
    if (len < off) {
        snprintf(buf, sizeof buf, "len %u", (unsigned)len);
        return buf;
    }
    const char *fam = a->sun_family == AF_UNIX ? "AF_UNIX" : "other family";
    if (len == off) {
        snprintf(buf, sizeof buf, "len %u %s unnamed", (unsigned)len, fam);
    } else if (a->sun_path[0] == 0) {
        size_t n = len - off - 1;
        int hex = n == 5;
        for (size_t i = 1; i <= n && hex; i++)
            hex = strchr("0123456789abcdef", a->sun_path[i]) != NULL;
        if (hex)
            snprintf(buf, sizeof buf, "len %u %s @<auto>", (unsigned)len, fam);
        else
            snprintf(buf, sizeof buf, "len %u %s @%.*s", (unsigned)len, fam, (int)n, a->sun_path + 1);
    } else {
        snprintf(buf, sizeof buf, "len %u %s %.*s", (unsigned)len, fam,
                 (int)strnlen(a->sun_path, sizeof a->sun_path), a->sun_path);
    }
    return buf;
}

/* getsockname's or getpeername's answer as addrstr shows it, or the errno. */
GT_FN const char *name_of(int fd, int (*get)(int, struct sockaddr *, socklen_t *))
{
    struct sockaddr_un a;
    socklen_t len = sizeof a;
    memset(&a, 0x55, sizeof a);
    if (get(fd, (struct sockaddr *)&a, &len) < 0)
        return errname(errno);
    return addrstr(&a, len);
}
#define sockname(fd) name_of((fd), getsockname)
#define peername(fd) name_of((fd), getpeername)

GT_FN int getint(int fd, int opt)
{
    int v = -12345;
    socklen_t len = sizeof v;
    if (getsockopt(fd, SOL_SOCKET, opt, &v, &len) < 0)
        return -errno;
    return v;
}

/* Makes m a message of the one segment iov with one SOL_SOCKET control
 * message of `type` carrying len bytes, built in cbuf (CMSG_SPACE(len)
 * bytes at least). */
GT_FN void set_cmsg(struct msghdr *m, struct iovec *iov, void *cbuf, int type, const void *data, size_t len)
{
    memset(cbuf, 0, CMSG_SPACE(len));
    memset(m, 0, sizeof *m);
    m->msg_iov = iov;
    m->msg_iovlen = 1;
    m->msg_control = cbuf;
    m->msg_controllen = CMSG_SPACE(len);
    struct cmsghdr *c = CMSG_FIRSTHDR(m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(len);
    memcpy(CMSG_DATA(c), data, len);
}

/* Sends `len` bytes with up to 16 descriptors attached (SCM_RIGHTS). */
GT_FN ssize_t send_fds(int sock, const void *buf, size_t len, const int *fds, int n, int flags)
{
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    char cbuf[CMSG_SPACE(sizeof(int) * 16)];
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    if (n > 0)
        set_cmsg(&m, &iov, cbuf, SCM_RIGHTS, fds, sizeof(int) * n);
    return sendmsg(sock, &m, flags);
}

/* Receives into buf with room for `max` passed descriptors, which land in
 * fds (*n: how many came; any beyond max are closed); *mflags gets
 * msg_flags. */
GT_FN ssize_t recv_fds(int sock, void *buf, size_t len, int *fds, int max, int *n, int *mflags, int flags)
{
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    char cbuf[CMSG_SPACE(sizeof(int) * 16)];
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                       .msg_controllen = max > 0 ? CMSG_LEN(sizeof(int) * max) : 0};
    if (max == 0)
        m.msg_control = NULL;
    ssize_t r = recvmsg(sock, &m, flags);
    *n = 0;
    if (mflags)
        *mflags = m.msg_flags;
    if (r < 0)
        return r;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (int i = 0; i < k; i++) {
                int fd;
                memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                if (*n < max)
                    fds[*n] = fd;
                else
                    close(fd);
                (*n)++;
            }
        }
    return r;
}

/* Receives one message that must carry exactly one descriptor: it, or -1. */
GT_FN int recv_one_fd(int sock)
{
    char buf[8];
    int fds[2], n, fl;
    ssize_t r = recv_fds(sock, buf, sizeof buf, fds, 2, &n, &fl, 0);
    return r >= 0 && n == 1 ? fds[0] : -1;
}

#endif
