/*
 * devpts: not there yet (no instance: mounting it gives ENODEV).
 */
#include <fs/mount.h>

struct vnode *devpts_root(void) { return NULL; }
int devpts_options(char *opts, bool apply) { return -EINVAL; }
void devpts_show(struct superblock *sb, struct seqbuf *s) {}
