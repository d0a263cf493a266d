/*
 * /sys (kernel/fs/sysfs.c): the CPU and NUMA files of
 * /sys/devices/system/{cpu,node}, generated when opened, in Linux's
 * formats, for lscpu, numactl and libnuma.  See docs/fs.md.
 */
#ifndef FS_SYSFS_H
#define FS_SYSFS_H

/* Mounts /sys (creating the directory if the image has none).  Called once
 * at boot, after the root file system is unpacked. */
void sysfs_init(void);

#endif
