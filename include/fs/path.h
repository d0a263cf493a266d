/*
 * Pure path-string helpers (kernel/fs/path.c): no vnodes, no locks, so the
 * host unit tests compile them unchanged.  The walker in namei.c uses them to
 * cut a path into components.
 */
#ifndef FS_PATH_H
#define FS_PATH_H

#include <stdbool.h>
#include <stddef.h>

#define PATH_NAME_MAX 255      /* longest component (NAME_MAX) */
#define PATH_LEN_MAX 4096      /* PATH_MAX, including the NUL */

/* Validate a whole path string: -ENOENT if empty, -ENAMETOOLONG if its
 * length is >= PATH_LEN_MAX or any component is longer than PATH_NAME_MAX;
 * otherwise 0. */
int path_check(const char *path);

/*
 * Component iterator.  *cursor points into the path; each call skips
 * slashes, returns the next component as (*name, *len) and advances the
 * cursor past it.  Returns true if a component was produced, false at the
 * end.  *last is set when no other component follows (trailing slashes do
 * not count as a component).
 */
bool path_next(const char **cursor, const char **name, size_t *len, bool *last);

/* True if the path ends in '/' after its last component ("a/", "a//"), which
 * requires the final object to be a directory.  "/" alone is false. */
bool path_trailing_slash(const char *path);

/* The component is "." (1) or ".." (2), else 0. */
int path_dot_kind(const char *name, size_t len);

/*
 * Lexical normalisation of an absolute path: collapses repeated slashes,
 * drops "." and resolves ".." (".." at the root stays at the root).  Writes
 * a NUL-terminated result into out; returns its length or -ENAMETOOLONG if
 * it does not fit, -EINVAL if `in` is not absolute.  Symlinks are not
 * considered: used for display (mount table, diagnostics), not for lookup.
 */
int path_normalize(const char *in, char *out, size_t n);

#endif
