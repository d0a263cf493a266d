/*
 * Parser for the cpio "newc" archive format (the initramfs format): pure
 * code, no allocation, every header field and length checked against the
 * buffer, so a truncated or corrupt archive is reported, never trusted.
 *
 * An entry is a 110-byte ASCII header ("070701" or "070702", then 13 fields
 * of 8 hex digits: ino mode uid gid nlink mtime filesize devmajor devminor
 * rdevmajor rdevminor namesize check), the NUL-terminated name padded so that
 * header+name is a multiple of 4, then filesize bytes of data padded to 4.
 * The archive ends with the entry named "TRAILER!!!".
 */
#ifndef FS_CPIO_H
#define FS_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define CPIO_HDR_LEN 110

struct cpio_entry {
    const char *name;       /* points into the archive, NUL-terminated */
    size_t namelen;         /* strlen(name) */
    uint32_t ino, mode, uid, gid, nlink, mtime;
    uint32_t devmajor, devminor, rdevmajor, rdevminor;
    const void *data;       /* file data (regular files) or symlink target (not terminated) */
    size_t size;
};

/*
 * Parse the entry at *off.  Returns 1 and fills *e (advancing *off past the
 * padded data) for an ordinary entry, 0 at the trailer, or -EINVAL when the
 * header is malformed (bad magic, non-hex digit, name not terminated where
 * namesize says, name or data running past `len`).  The caller must stop at
 * the first non-positive result.
 */
int cpio_next(const void *buf, size_t len, size_t *off, struct cpio_entry *e);

/* Parse an 8-digit hex field; -1 if any digit is not hex. */
int64_t cpio_hex8(const char *s);

#endif
