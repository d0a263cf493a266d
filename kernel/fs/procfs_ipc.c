/*
 * /proc/sysvipc/{msg,sem,shm}: every System V object, in Linux's columns
 * (ipcs reads them), from the rows the IPC layer hands out
 * (include/ipc/ipc.h).
 */
#include <fs/procfs.h>
#include <ipc/ipc.h>

static int show_msg(struct seqbuf *s)
{
    seq_printf(s, "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid"
                  "      stime      rtime      ctime\n");
    struct ipc_row r;
    for (int i = 0; msg_row(&i, &r);)
        seq_printf(s, "%10d %10d  %4o  %10lu %10lu %5d %5d %5u %5u %5u %5u %10ld %10ld %10ld\n", r.perm.key,
                   r.id, r.perm.mode, (unsigned long)r.cbytes, (unsigned long)r.qnum, r.pid[0], r.pid[1],
                   r.perm.uid, r.perm.gid, r.perm.cuid, r.perm.cgid, (long)r.time[0], (long)r.time[1],
                   (long)r.time[2]);
    return 0;
}

static int show_sem(struct seqbuf *s)
{
    seq_printf(s, "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n");
    struct ipc_row r;
    for (int i = 0; sem_row(&i, &r);)
        seq_printf(s, "%10d %10d  %4o %10lu %5u %5u %5u %5u %10ld %10ld\n", r.perm.key, r.id, r.perm.mode,
                   (unsigned long)r.nsems, r.perm.uid, r.perm.gid, r.perm.cuid, r.perm.cgid, (long)r.time[0],
                   (long)r.time[1]);
    return 0;
}

/* rss is the whole segment (its pages are counted per file system, not
 * per file), swap always 0. */
static int show_shm(struct seqbuf *s)
{
    seq_printf(s, "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid"
                  "      atime      dtime      ctime                   rss                  swap\n");
    struct ipc_row r;
    for (int i = 0; shm_row(&i, &r);)
        seq_printf(s, "%10d %10d  %4o %21lu %5d %5d  %5lu %5u %5u %5u %5u %10ld %10ld %10ld %21lu %21lu\n",
                   r.perm.key, r.id, r.perm.mode, (unsigned long)r.size, r.pid[0], r.pid[1],
                   (unsigned long)r.nattch, r.perm.uid, r.perm.gid, r.perm.cuid, r.perm.cgid, (long)r.time[0],
                   (long)r.time[1], (long)r.time[2], (unsigned long)ALIGN_UP(r.size, 4096), 0UL);
    return 0;
}

const struct proc_entry procfs_sysvipc_entries[] = {
    { .name = "msg", .mode = S_IFREG | 0444, .show = show_msg },
    { .name = "sem", .mode = S_IFREG | 0444, .show = show_sem },
    { .name = "shm", .mode = S_IFREG | 0444, .show = show_shm },
};
const unsigned procfs_sysvipc_count = ARRAY_SIZE(procfs_sysvipc_entries);
