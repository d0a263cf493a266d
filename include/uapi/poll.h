/* poll(2)/select(2) ABI (asm-generic/poll.h, linux/posix_types.h). */
#ifndef UAPI_POLL_H
#define UAPI_POLL_H

#include <stdint.h>

struct pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};
_Static_assert(sizeof(struct pollfd) == 8, "pollfd is 8 bytes");

#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200
#define POLLRDHUP 0x2000

/* select(2): fd_set is an array of unsigned long bit words. */
#define FD_SETSIZE 1024
#define NFDBITS (8 * sizeof(unsigned long))

#endif
