/*
 * The socket ABI of Linux x86-64 (linux/socket.h, asm-generic/socket.h,
 * linux/un.h): the values AF_UNIX sockets use, and the structures the
 * socket calls copy in and out, with their offsets checked.
 */
#ifndef UAPI_SOCKET_H
#define UAPI_SOCKET_H

#include <stdint.h>

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_MAX 46

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5
#define SOCK_MAX 11                 /* types 0..10 exist (SOCK_PACKET is 10) */
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK 00004000      /* O_NONBLOCK */
#define SOCK_CLOEXEC 02000000       /* O_CLOEXEC */

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SOL_SOCKET 1
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_PRIORITY 12
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO 20              /* SO_RCVTIMEO_OLD: a struct timeval */
#define SO_SNDTIMEO 21
#define SO_ACCEPTCONN 30
#define SO_SNDBUFFORCE 32
#define SO_RCVBUFFORCE 33
#define SO_PROTOCOL 38
#define SO_DOMAIN 39

#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SCM_MAX_FD 253              /* descriptors in one message */
#define UIO_MAXIOV 1024

#define UNIX_PATH_MAX 108

struct linux_sockaddr_un {
    uint16_t sun_family;
    char sun_path[UNIX_PATH_MAX];
};
_Static_assert(sizeof(struct linux_sockaddr_un) == 110, "sockaddr_un is 110 bytes");
#define SOCKADDR_STORAGE_SIZE 128   /* the largest address a call copies in */

struct linux_ucred {
    int32_t pid;
    uint32_t uid, gid;
};

struct linux_msghdr {
    uint64_t msg_name;
    int32_t msg_namelen;
    uint32_t pad1;
    uint64_t msg_iov;
    uint64_t msg_iovlen;
    uint64_t msg_control;
    uint64_t msg_controllen;
    int32_t msg_flags;
    uint32_t pad2;
};
_Static_assert(sizeof(struct linux_msghdr) == 56, "msghdr is 56 bytes");
_Static_assert(__builtin_offsetof(struct linux_msghdr, msg_iov) == 16, "msg_iov");
_Static_assert(__builtin_offsetof(struct linux_msghdr, msg_controllen) == 40, "msg_controllen");
_Static_assert(__builtin_offsetof(struct linux_msghdr, msg_flags) == 48, "msg_flags");

struct linux_cmsghdr {
    uint64_t cmsg_len;              /* header and data, unpadded */
    int32_t cmsg_level;
    int32_t cmsg_type;
};
_Static_assert(sizeof(struct linux_cmsghdr) == 16, "cmsghdr is 16 bytes");
#define CMSG_ALIGN_K(len) (((len) + 7) & ~(uint64_t)7)
#define CMSG_LEN_K(len) (sizeof(struct linux_cmsghdr) + (len))
#define CMSG_SPACE_K(len) (sizeof(struct linux_cmsghdr) + CMSG_ALIGN_K(len))

struct linux_linger {
    int32_t l_onoff, l_linger;
};

struct linux_timeval {
    int64_t tv_sec, tv_usec;
};

#endif
