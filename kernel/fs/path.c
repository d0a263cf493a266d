/*
 * Path strings, independent of any file system: validation (ENOENT for an
 * empty path, ENAMETOOLONG for an over-long path or component), the component
 * iterator the walker drives, trailing-slash detection, and a lexical
 * normaliser.  Repeated slashes are equivalent to one everywhere, as POSIX
 * requires ("//" at the start is not special on Linux).
 */
#include <fs/path.h>
#include <lib/string.h>
#include <uapi/errno.h>

int path_check(const char *path)
{
    size_t total = 0, comp = 0;
    if (!path[0])
        return -ENOENT;
    for (const char *p = path; *p; p++) {
        if (++total >= PATH_LEN_MAX)
            return -ENAMETOOLONG;
        if (*p == '/') {
            comp = 0;
        } else if (++comp > PATH_NAME_MAX) {
            return -ENAMETOOLONG;
        }
    }
    return 0;
}

bool path_next(const char **cursor, const char **name, size_t *len, bool *last)
{
    const char *p = *cursor;
    while (*p == '/')
        p++;
    if (!*p) {
        *cursor = p;
        return false;
    }
    const char *start = p;
    while (*p && *p != '/')
        p++;
    *name = start;
    *len = (size_t)(p - start);
    *cursor = p;
    const char *q = p;
    while (*q == '/')
        q++;
    *last = (*q == '\0');
    return true;
}

bool path_trailing_slash(const char *path)
{
    size_t n = strlen(path);
    if (n == 0 || path[n - 1] != '/')
        return false;
    for (size_t i = 0; i < n; i++)
        if (path[i] != '/')
            return true;   /* some component precedes the slash */
    return false;          /* only slashes: the root */
}

int path_dot_kind(const char *name, size_t len)
{
    if (len == 1 && name[0] == '.')
        return 1;
    if (len == 2 && name[0] == '.' && name[1] == '.')
        return 2;
    return 0;
}

int path_normalize(const char *in, char *out, size_t n)
{
    if (in[0] != '/')
        return -EINVAL;
    if (n < 2)
        return -ENAMETOOLONG;
    size_t o = 0;
    out[o++] = '/';
    const char *cur = in, *name;
    size_t len;
    bool last;
    while (path_next(&cur, &name, &len, &last)) {
        int dots = path_dot_kind(name, len);
        if (dots == 1)
            continue;
        if (dots == 2) {
            /* back up over the previous component (never past the root) */
            while (o > 1 && out[o - 1] != '/')
                o--;
            if (o > 1)
                o--;
            continue;
        }
        size_t need = (o > 1 ? 1 : 0) + len;
        if (o + need + 1 > n)
            return -ENAMETOOLONG;
        if (o > 1)
            out[o++] = '/';
        memcpy(out + o, name, len);
        o += len;
    }
    out[o] = '\0';
    return (int)o;
}
