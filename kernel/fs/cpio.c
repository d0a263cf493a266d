/*
 * cpio newc parsing (see <fs/cpio.h>).  Lengths come from the archive, so
 * every addition is checked against the remaining buffer before it is used;
 * sizes are 32-bit fields, so sums cannot overflow size_t.
 */
#include <fs/cpio.h>
#include <lib/string.h>
#include <uapi/errno.h>

int64_t cpio_hex8(const char *s)
{
    int64_t v = 0;
    for (int i = 0; i < 8; i++) {
        char c = s[i];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = (v << 4) | d;
    }
    return v;
}

static size_t pad4(size_t x) { return (x + 3) & ~(size_t)3; }

int cpio_next(const void *buf, size_t len, size_t *off, struct cpio_entry *e)
{
    const char *base = buf;
    size_t o = *off;
    if (o > len || len - o < CPIO_HDR_LEN)
        return -EINVAL;
    const char *h = base + o;
    if (memcmp(h, "070701", 6) != 0 && memcmp(h, "070702", 6) != 0)
        return -EINVAL;
    uint32_t f[13];
    for (int i = 0; i < 13; i++) {
        int64_t v = cpio_hex8(h + 6 + 8 * i);
        if (v < 0)
            return -EINVAL;
        f[i] = (uint32_t)v;
    }
    e->ino = f[0];
    e->mode = f[1];
    e->uid = f[2];
    e->gid = f[3];
    e->nlink = f[4];
    e->mtime = f[5];
    e->size = f[6];
    e->devmajor = f[7];
    e->devminor = f[8];
    e->rdevmajor = f[9];
    e->rdevminor = f[10];
    size_t namesize = f[11];

    /* name: namesize bytes including the NUL, which must be the first NUL */
    size_t name_off = o + CPIO_HDR_LEN;
    if (namesize < 2 || namesize > len - name_off)
        return -EINVAL;
    const char *name = base + name_off;
    if (name[namesize - 1] != '\0' || strnlen(name, namesize) != namesize - 1)
        return -EINVAL;
    e->name = name;
    e->namelen = namesize - 1;

    size_t data_off = o + pad4(CPIO_HDR_LEN + namesize);
    if (data_off > len)
        return -EINVAL;
    if (strcmp(name, "TRAILER!!!") == 0) {
        *off = data_off;
        return 0;
    }
    if (e->size > len - data_off)
        return -EINVAL;
    e->data = base + data_off;
    size_t next = data_off + e->size;
    /* padding after the data may be cut off in the very last entry */
    next = pad4(next) <= len ? pad4(next) : len;
    *off = next;
    return 1;
}
