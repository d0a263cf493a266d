/*
 * execve: replace the calling process's program.
 *
 * 1. Copy the path, argv and envp into kernel pages (E2BIG beyond Linux's
 *    limit, a quarter of RLIMIT_STACK: include/proc/exec_args.h; EFAULT on
 *    a bad pointer).
 * 2. Resolve the file (ETXTBSY while it is open for writing); a "#!"
 *    script restarts with its interpreter (up to four levels); anything else
 *    must pass elf_parse() (ENOEXEC otherwise).  The new address space keeps
 *    the program from being written while it runs (struct mm's exe_file).
 * 3. Build a new address space: each PT_LOAD becomes a file-backed VMA
 *    (demand-paged; read-only pages map the page cache directly), a stack
 *    VMA and an empty heap.  Static-PIE programs get a load base.  With
 *    ASLR (default; "norandmaps" on the command line disables it, and the
 *    ADDR_NO_RANDOMIZE personality for one program) the PIE base, heap,
 *    mmap area and stack move by random page multiples.  The
 *    vDSO and its data page go below the interpreter (kernel/vdso.c).
 * 4. Point of no return: install the address space, close close-on-exec
 *    descriptors, reset caught signals (ignored ones stay ignored), name the
 *    task, and lay out the Linux initial stack (argc, argv, envp, auxv,
 *    AT_RANDOM bytes, strings) with a clean register and FPU state.
 * A failure before step 4 leaves the caller untouched.
 */
#include <arch/abi.h>
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <arch/signal_frame.h>
#include <arch/thread.h>
#include <fs/fsyscall.h>
#include <fs/vfs.h>
#include <kernel/kernel.h>
#include <kernel/perf_event.h>
#include <kernel/random.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/vdso.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <proc/cred.h>
#include <proc/elf.h>
#include <proc/exec_args.h>
#include <proc/pid.h>
#include <proc/posix_timer.h>
#include <proc/proc.h>
#include <proc/ptrace.h>
#include <proc/signal.h>
#include <proc/user.h>

#define INTERP_DEPTH 4


static bool aslr_enabled(void)
{
    static int cached = -1;
    if (cached < 0)
        cached = cmdline_get("norandmaps") == NULL;
    return cached;
}

/* A random multiple of pages below 2^bits pages, or 0 without ASLR. */
static uint64_t rand_pages(bool randomize, unsigned bits)
{
    return randomize ? (random_u64() & ((1ULL << bits) - 1)) << 12 : 0;
}

#define READ_IMPLIES_EXEC 0x0400000
#define ADDR_NO_RANDOMIZE 0x0040000
#define ADDR_COMPAT_LAYOUT 0x0200000
#define MMAP_PAGE_ZERO 0x0100000
/* The flags an exec that changes the ids drops (Linux's PER_CLEAR_ON_SETID). */
#define PER_CLEAR_ON_SETID (READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE | ADDR_COMPAT_LAYOUT | MMAP_PAGE_ZERO)

/* The personality the new program runs with: a 64-bit exec drops
 * READ_IMPLIES_EXEC (Linux's set_personality_64bit), a set-user-id one the
 * flags that would weaken it. */
static unsigned exec_personality(const struct task *t, const struct vnode *v)
{
    unsigned p = t->personality & ~READ_IMPLIES_EXEC;
    return cred_exec_secure(t, v) ? p & ~PER_CLEAR_ON_SETID : p;
}

/* Counts the pointers of a user string vector (NULL: none).  The count,
 * -EFAULT, or -E2BIG past MAX_ARG_STRINGS. */
static long count_user_vector(const char *const __user *vec)
{
    long n = 0;
    for (; vec; n++) {
        const char *up;
        if (copy_from_user(&up, &vec[n], sizeof up))
            return -EFAULT;
        if (!up)
            break;
        if (n >= MAX_ARG_STRINGS)
            return -E2BIG;
    }
    return n;
}

/* Appends the n strings of a user vector. */
static int copy_user_vector(struct exec_args *a, const char *const __user *vec, long n)
{
    for (long i = 0; i < n; i++) {
        const char *up;
        if (copy_from_user(&up, &vec[i], sizeof up))
            return -EFAULT;
        int err = up ? exec_args_push_user(a, up) : -EFAULT;  /* changed under us */
        if (err)
            return err;
    }
    return 0;
}

/* Replace argv[0] with "interp [arg] path" for a #! script. */
static int apply_interpreter(struct exec_args *a, const char *path, const char *interp, const char *iarg)
{
    const char *strs[3] = { interp, iarg, path };
    if (!iarg || !*iarg) {
        strs[1] = path;
        return exec_args_replace_argv0(a, strs, 2);
    }
    return exec_args_replace_argv0(a, strs, 3);
}

/* Maps the PT_LOAD segments of v at `base` (0 for ET_EXEC). */
static int load_elf(struct vnode *v, const struct elf_info *ei, struct mm *mm, uint64_t base, const char *path)
{
    for (int i = 0; i < ei->nseg; i++) {
        const struct elf_segment *s = &ei->seg[i];
        uint64_t start = ALIGN_DOWN(s->vaddr + base, PAGE_SIZE);
        uint64_t end = ALIGN_UP(s->vaddr + base + s->memsz, PAGE_SIZE);
        uint32_t prot = (s->flags & 4 ? VM_READ : 0) | (s->flags & 2 ? VM_WRITE : 0) | (s->flags & 1 ? VM_EXEC : 0);
        uint64_t file_off = ALIGN_DOWN(s->offset, PAGE_SIZE);
        uint64_t file_end = s->vaddr + base + s->filesz;
        int r = vm_map(mm, start, end - start, prot, VMA_FILE, v, file_off, file_end, path);
        if (r)
            return r;
    }
    return 0;
}

/*
 * A dynamically linked program: loads the interpreter its PT_INTERP names
 * (glibc's /lib64/ld-linux-x86-64.so.2, musl's /lib/ld-musl-x86_64.so.1)
 * below the mmap top, where a library would go, and returns its load bias
 * (AT_BASE) and entry point.  A missing interpreter is ENOENT, as on Linux,
 * and the log says which one was missing; one that is not a loadable ELF
 * object is ELIBBAD.
 */
static int load_interpreter(struct vnode *prog, const struct elf_info *ei, struct mm *mm, const char *path,
                            uint64_t *bias_out, uint64_t *entry_out)
{
    char *name = kmalloc(ELF_INTERP_MAX);
    struct elf_info *ii = kmalloc(sizeof *ii);
    uint8_t *hdr = kmalloc(PAGE_SIZE);
    struct vnode *iv = NULL;
    int r = -ENOMEM;
    if (!name || !ii || !hdr)
        goto out;
    ssize_t n = vnode_read_kernel(prog, ei->interp_off, name, ei->interp_len);
    if (n != (ssize_t)ei->interp_len || name[n - 1] != 0 || strlen(name) != (size_t)n - 1) {
        r = n < 0 ? (int)n : -ENOEXEC;
        goto out;
    }
    r = vfs_lookup_exec(name, &iv);
    if (r) {
        kprintf(KERN_INFO "exec: %s: interpreter %s: %s\n", path, name,
                r == -ENOENT ? "not found" : "not executable");
        goto out;
    }
    n = vnode_read_kernel(iv, 0, hdr, PAGE_SIZE);
    struct linux_stat st;
    vnode_stat(iv, &st);
    if (n < 0 || elf_parse(hdr, (size_t)n, (uint64_t)st.st_size, ii) || ii->has_interp) {
        kprintf(KERN_INFO "exec: %s: interpreter %s is not a loadable ELF object\n", path, name);
        r = -ELIBBAD;
        goto out;
    }
    uint64_t bias = 0;
    if (ii->type == 3) {
        uint64_t at = vm_find_free(mm, ii->hi - ii->lo);
        if (!at) {
            r = -ENOMEM;
            goto out;
        }
        bias = at - ii->lo;
    }
    char ipath[128];
    if (vfs_path_of(iv, ipath, sizeof ipath) < 0)
        strlcpy(ipath, name, sizeof ipath);
    r = load_elf(iv, ii, mm, bias, ipath);
    *bias_out = bias;
    *entry_out = ii->entry + bias;
out:
    vnode_put(iv);
    kfree(name);
    kfree(ii);
    kfree(hdr);
    return r;
}

/* Pushes `len` bytes onto the new user stack. */
static int push_bytes(uint64_t *sp, const void *data, size_t len)
{
    *sp -= len;
    return copy_to_user((void *)*sp, data, len);
}

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_SYSINFO_EHDR 33
#define AT_MINSIGSTKSZ 51

static int build_stack(struct exec_args *a, const struct elf_info *ei, uint64_t base, uint64_t interp_base,
                       uint64_t vdso, bool secure, const char *execfn, uint64_t stack_top, uint64_t *sp_out)
{
    uint64_t sp = stack_top;
    uint64_t zero = 0;
    if (push_bytes(&sp, &zero, 8))
        return -EFAULT;
    uint64_t execfn_at;
    if (push_bytes(&sp, execfn, strlen(execfn) + 1))
        return -EFAULT;
    execfn_at = sp;
    /* argument and environment strings, copied as one block */
    sp -= a->used;
    if (exec_args_copy_out(a, 0, a->used, (void __user *)sp))
        return -EFAULT;
    uint64_t strings = sp;
    if (push_bytes(&sp, ARCH_PLATFORM, sizeof ARCH_PLATFORM))
        return -EFAULT;
    uint64_t platform = sp;
    uint8_t rnd[16];
    random_bytes(rnd, sizeof rnd);
    if (push_bytes(&sp, rnd, 16))
        return -EFAULT;
    uint64_t random_at = sp;
    sp &= ~15ULL;

    uint64_t auxv[][2] = {
        { AT_SYSINFO_EHDR, vdso },      /* first, as on Linux; left out without a vDSO */
        { AT_PHDR, ei->phdr_vaddr ? ei->phdr_vaddr + base : 0 },
        { AT_PHENT, 56 },
        { AT_PHNUM, ei->phnum },
        { AT_PAGESZ, PAGE_SIZE },
        { AT_BASE, interp_base },
        { AT_FLAGS, 0 },
        { AT_ENTRY, ei->entry + base },
        { AT_UID, current->uid }, { AT_EUID, current->euid }, { AT_GID, current->gid }, { AT_EGID, current->egid },
        { AT_SECURE, secure },          /* set-user-id or set-group-id: the loader ignores LD_* */
        { AT_HWCAP, arch_elf_hwcap() },
        { AT_HWCAP2, 0 },               /* no FSGSBASE, no ring-3 MWAIT */
        { AT_MINSIGSTKSZ, arch_signal_frame_max() },
        { AT_CLKTCK, 100 },
        { AT_RANDOM, random_at },
        { AT_EXECFN, execfn_at },
        { AT_PLATFORM, platform },
        { AT_NULL, 0 },
    };
    size_t nptr = 1 + a->argc + 1 + a->envc + 1, skip = vdso ? 0 : 1;
    size_t total = nptr * 8 + sizeof auxv - skip * sizeof auxv[0];
    sp -= total;
    sp &= ~15ULL;                       /* rsp at argc is 16-byte aligned */
    *sp_out = sp;
    /* argc, the argv pointers, NULL, the envp pointers, NULL: written a
     * page at a time (there may be hundreds of thousands) */
    uint64_t *chunk = kmalloc(PAGE_SIZE);
    if (!chunk)
        return -ENOMEM;
    const size_t per = PAGE_SIZE / 8;
    size_t k = 0, off = 0;
    uint64_t at = sp;
    int r = 0;
    chunk[k++] = a->argc;
    for (size_t i = 0; i < nptr - 1 && !r; i++) {
        bool end = i == (size_t)a->argc || i == (size_t)a->argc + 1 + (size_t)a->envc;
        chunk[k++] = end ? 0 : strings + off;
        if (!end)
            off += exec_args_strlen(a, off) + 1;
        if (k == per || i == nptr - 2) {
            r = copy_to_user((void __user *)at, chunk, k * 8);
            at += k * 8;
            k = 0;
        }
    }
    kfree(chunk);
    return r ? r : copy_to_user((void __user *)at, auxv + skip, sizeof auxv - skip * sizeof auxv[0]);
}

/* The name /proc/<pid>/maps and /proc/<pid>/exe show for the program:
 * absolute, and for a re-exec through /proc/self/exe (busybox does it for
 * every applet) the running program's own name. */
static void exec_path_name(const char *path, char *out, size_t n)
{
    struct task *t = current;
    size_t len = strlen(path);
    if (!strncmp(path, "/proc/", 6) && len > 4 && !strcmp(path + len - 4, "/exe") && t->exe_path[0]) {
        strlcpy(out, t->exe_path, n);
    } else if (path[0] == '/') {
        strlcpy(out, path, n);
    } else {
        char cwd[128];
        struct vnode *dir = task_cwd(t);
        if (vfs_path_of(dir, cwd, sizeof cwd) < 0)
            strlcpy(out, path, n);
        else
            snprintf(out, n, "%s/%s", strcmp(cwd, "/") ? cwd : "", path);
        vnode_put(dir);
    }
}

/*
 * execve in a process with other threads: they all end first (killed as by
 * SIGKILL, but without ending the process).  If the caller is not the
 * leader, it then takes the leader's place in the process tree and its pid
 * (the old leader is freed), so the program continues under the process
 * id.  0, or -EINTR if the process is being killed (or another thread got
 * to execve first).
 */
static int exec_end_other_threads(struct task *t)
{
    struct thread_group *g = t->group;
    spin_lock(&tasks_lock);
    spin_lock(&g->sig_lock);
    if (g->exiting || g->execing || (t->pending & SIGBIT(SIGKILL))) {
        spin_unlock(&g->sig_lock);
        spin_unlock(&tasks_lock);
        return -EINTR;
    }
    bool alone = g->live == 1;
    if (!alone) {
        g->execing = t;
        signal_kill_others_locked(t);
    }
    spin_unlock(&g->sig_lock);
    spin_unlock(&tasks_lock);
    if (alone && t == g->leader)
        return 0;

    /* wait for them (each exiting thread wakes us); only a SIGKILL of the
     * whole process stops the wait */
    struct wait_entry w;
    bool killed = false;
    for (;;) {
        prepare_to_wait(&g->exec_wait, &w);
        if (READ_ONCE(g->live) == 1)
            break;
        if ((killed = READ_ONCE(t->pending) & SIGBIT(SIGKILL)))
            break;
        schedule();
    }
    finish_wait(&g->exec_wait, &w);
    spin_lock(&tasks_lock);
    spin_lock(&g->sig_lock);
    g->execing = NULL;
    spin_unlock(&g->sig_lock);
    struct task *old = g->leader;
    if (killed || old == t) {
        spin_unlock(&tasks_lock);
        return killed ? -EINTR : 0;
    }
    /* take the leader's place: its pid (and process group place), parent,
     * children and exit signal */
    pid_exec_swap_locked(old, t);
    t->se.id = t->pid;
    t->parent = old->parent;
    t->ppid = old->ppid;
    t->exit_signal = old->exit_signal;
    list_insert_between(&t->sibling, &old->sibling, old->sibling.next);
    list_remove(&old->sibling);
    list_for_each_safe(n, &old->children) {
        struct task *c = container_of(n, struct task, sibling);
        list_remove(&c->sibling);
        c->parent = t;
        if (c->parent_tid == old->pid)  /* made by this thread under its old id */
            c->parent_tid = t->pid;
        list_push_back(&t->children, &c->sibling);
    }
    task_stats_add(&g->dead, &old->stats);
    g->leader = t;
    old->state = TASK_DEAD;
    spin_unlock(&tasks_lock);
    itimer_exit(old);
    task_release(old);                  /* waits until it is off its CPU */
    return 0;
}

/* After exec the signal actions and descriptor table are the process's own,
 * even if it shared them with another process (clone without CLONE_THREAD). */
static void exec_unshare(struct task *t)
{
    if (__atomic_load_n(&t->sighand->refs, __ATOMIC_ACQUIRE) > 1) {
        struct sighand *own = sighand_copy(t->sighand);
        if (own) {
            struct thread_group *g = t->group;
            spin_lock(&g->sig_lock);
            struct sighand *old = t->sighand;
            t->sighand = own;
            spin_unlock(&g->sig_lock);
            sighand_put(old);
        }
    }
    task_unshare_files(t);                 /* out of memory: it stays shared */
}

/* Runs the program at `path`, or, if `first` is given (referenced; the
 * call takes the reference over), that file under the name `path`
 * (execveat's /dev/fd/N), named `comm` (NULL: path's last component). */
static int do_execve_args(const char *path, struct exec_args *a, struct vnode *first, const char *comm)
{
    char *cur_path = kmalloc(256);
    if (!cur_path) {
        vnode_put(first);
        return -ENOMEM;
    }
    strlcpy(cur_path, path, 256);
    struct vnode *v = NULL;
    struct elf_info *ei = kmalloc(sizeof *ei);
    uint8_t *hdr = kmalloc(PAGE_SIZE);
    struct mm *mm = NULL;
    int r = -ENOMEM;
    if (!ei || !hdr)
        goto out;

    for (int depth = 0;; depth++) {
        if (first) {
            v = first;                  /* resolved by the caller */
            first = NULL;
        } else if ((r = vfs_lookup_exec(cur_path, &v))) {
            goto out;
        }
        if (READ_ONCE(v->writecount) > 0) {
            r = -ETXTBSY;               /* open for writing somewhere */
            goto out;
        }
        ssize_t n = vnode_read_kernel(v, 0, hdr, PAGE_SIZE);
        if (n < 0) {
            r = (int)n;
            goto out;
        }
        if (n >= 2 && hdr[0] == '#' && hdr[1] == '!') {
            if (depth >= INTERP_DEPTH) {
                r = -ELOOP;
                goto out;
            }
            /* "#!interp [arg]\n" */
            size_t end = 2;
            while (end < (size_t)n && hdr[end] != '\n')
                end++;
            if (end == (size_t)n && n == PAGE_SIZE) {
                r = -ENOEXEC;
                goto out;
            }
            hdr[end] = 0;
            char *s = (char *)hdr + 2;
            while (*s == ' ' || *s == '\t')
                s++;
            char *e = s;
            while (*e && *e != ' ' && *e != '\t')
                e++;
            char *arg = NULL;
            if (*e) {
                *e++ = 0;
                while (*e == ' ' || *e == '\t')
                    e++;
                arg = e;
                size_t al = strlen(arg);
                while (al && (arg[al - 1] == ' ' || arg[al - 1] == '\t' || arg[al - 1] == '\r'))
                    arg[--al] = 0;
            }
            if (!*s) {
                r = -ENOEXEC;
                goto out;
            }
            r = apply_interpreter(a, cur_path, s, arg);
            if (r)
                goto out;
            strlcpy(cur_path, s, 256);
            vnode_put(v);
            v = NULL;
            continue;
        }
        struct linux_stat st;
        vnode_stat(v, &st);
        r = elf_parse(hdr, (size_t)n, (uint64_t)st.st_size, ei);
        if (r)
            goto out;
        break;
    }

    mm = mm_new();
    if (!mm) {
        r = -ENOMEM;
        goto out;
    }
    /* nobody may write the program while the new mm runs it (mm_put allows it again) */
    if ((r = vnode_deny_write_access(v)))
        goto out;
    vnode_get(v);
    mm->exe_file = v;
    uint64_t base;
    unsigned personality = exec_personality(current, v);
    bool rnd = aslr_enabled() && !(personality & ADDR_NO_RANDOMIZE);
    /* the file's own path (a symlink such as /proc/self/exe resolved) */
    char abspath[128];
    if (vfs_path_of(v, abspath, sizeof abspath) < 0)
        exec_path_name(cur_path, abspath, sizeof abspath);
    base = ei->type == 3 ? USER_PIE_BASE + rand_pages(rnd, 28) : 0;
    r = load_elf(v, ei, mm, base, abspath);
    if (r)
        goto out;
    mm->mmap_top = USER_MMAP_TOP - rand_pages(rnd, 28);
    uint64_t interp_base = 0, entry = ei->entry + base;
    if (ei->has_interp) {
        r = load_interpreter(v, ei, mm, cur_path, &interp_base, &entry);
        if (r)
            goto out;
    }
    long vdso = vdso_map(mm);           /* [vvar] and [vdso], below the interpreter */
    if (vdso < 0) {
        r = (int)vdso;
        goto out;
    }
    uint64_t stack_top = USER_STACK_TOP - rand_pages(rnd, 16);
    /* room for the strings and their pointers (up to 6 MiB), then 128 KiB */
    uint64_t stack_size = ALIGN_UP(a->used + 8 * ((uint64_t)a->argc + a->envc) + PAGE_SIZE, PAGE_SIZE) + 128 * 1024;
    r = vm_map(mm, stack_top - stack_size, stack_size, VM_READ | VM_WRITE, VMA_ANON | VMA_STACK, NULL, 0, 0,
               "[stack]");
    if (r)
        goto out;
    mm->stack_top = stack_top;
    mm->brk_start = mm->brk = ei->hi + base + rand_pages(rnd, 12);

    r = exec_end_other_threads(current);
    if (r)
        goto out;

    /* ---- point of no return ---- */
    struct task *t = current;
    spin_lock(&tasks_lock);             /* /proc readers look at mm under it */
    struct mm *old = t->mm;
    t->mm = mm;
    t->did_exec = true;
    spin_unlock(&tasks_lock);
    mm_activate(mm);
    mm_put(old);
    uint64_t sp;
    bool secure = cred_exec(t, v);      /* the file's set-user-id and set-group-id bits */
    t->personality = personality;
    r = build_stack(a, ei, base, interp_base, (uint64_t)vdso, secure, cur_path, stack_top, &sp);
    if (r) {
        mm = NULL;
        kprintf(KERN_WARNING "exec: %s: cannot build the initial stack (%d); killing pid %d\n", cur_path, r, t->pid);
        do_exit(SIGSEGV);
    }
    mm = NULL;
    exec_unshare(t);
    if (t->files)
        fdtable_exec(t->files);
    signal_exec_reset(t);
    task_set_comm(t, comm ? comm : path);
    perf_task_exec(t);                  /* enable_on_exec events start counting here */
    strlcpy(t->exe_path, abspath, sizeof t->exe_path);
    size_t argbytes = a->argbytes;
    char *cmdline = kmalloc(argbytes ? argbytes : 1);
    if (cmdline)
        exec_args_copy_in(a, 0, argbytes, cmdline);
    spin_lock(&tasks_lock);
    void *old_cmdline = t->cmdline;
    t->cmdline = cmdline;
    t->cmdline_len = cmdline ? argbytes : 0;
    spin_unlock(&tasks_lock);
    kfree(old_cmdline);

    arch_tf_init_user(t->tf, entry, sp);
    t->tls_base = 0;
    /* exec drops the alternate signal stack (Linux keeps its flags word:
     * sigaltstack then reports SS_DISABLE with any SS_AUTODISARM) */
    t->alt_stack_sp = t->alt_stack_size = 0;
    posix_timers_exit(t->group);                /* exec deletes the process's timers */
    arch_set_tls(0);
    arch_fpu_init_state(t->fpu);
    arch_fpu_restore(t->fpu);
    if (t->vfork_parent)
        vfork_release(t);
    r = 0;
out:
    if (mm)
        mm_put(mm);
    vnode_put(first);
    vnode_put(v);
    kfree(ei);
    kfree(hdr);
    kfree(cur_path);
    return r;
}

/* The arguments and environment from user space, in Linux's order: count
 * both, check the pointers against the limit, copy the strings; a program
 * given no arguments at all gets an empty argv[0] (Linux 5.18 and later). */
static int copy_user_args(struct exec_args *a, const char *path, const char *const __user *uargv,
                          const char *const __user *uenvp)
{
    long argc = count_user_vector(uargv);
    if (argc < 0)
        return (int)argc;
    long envc = count_user_vector(uenvp);
    if (envc < 0)
        return (int)envc;
    int r = exec_args_limit(a, (size_t)MAX(argc, 1) + (size_t)envc, strlen(path));
    if (!r && argc == 0)
        r = exec_args_push(a, "");
    if (!r)
        r = copy_user_vector(a, uargv, argc);
    a->argc = (int)MAX(argc, 1);
    a->argbytes = a->used;
    if (!r)
        r = copy_user_vector(a, uenvp, envc);
    a->envc = (int)envc;
    return r;
}

/* execve and execveat once the program is found (first, or by path). */
static long execve_common(const char *path, struct vnode *first, const char *comm,
                          const char *const __user *uargv, const char *const __user *uenvp)
{
    /* a set*uid made the caller a user over its RLIMIT_NPROC: Linux fails
     * the exec (programs rarely check setuid's result), if it still is */
    if (!user_exec_allowed()) {
        vnode_put(first);
        return -EAGAIN;
    }
    struct exec_args a;
    exec_args_init(&a);
    int r = copy_user_args(&a, path, uargv, uenvp);
    pid_t old_tid = current->pid;       /* execve from a thread takes the leader's pid */
    if (r >= 0)
        r = do_execve_args(path, &a, first, comm);
    else
        vnode_put(first);
    exec_args_release(&a);
    if (r == 0)
        ptrace_exec(old_tid);
    return r;
}

static long sys_execve(const char __user *upath, const char *const __user *uargv, const char *const __user *uenvp)
{
    char path[256];
    long len = strncpy_from_user(path, upath, sizeof path);
    if (len < 0)
        return len;
    if (len == 0)
        return -ENOENT;
    return execve_common(path, NULL, NULL, uargv, uenvp);
}
SYSCALL_DEFINE(59, execve);

/*
 * execveat: the program at a path relative to a directory descriptor, or
 * with AT_EMPTY_PATH the file a descriptor refers to (fexecve; an O_PATH
 * one will do).  A program reached through a descriptor is known by the
 * name /dev/fd/N[/path] (its AT_EXECFN, and the script path an
 * interpreter is given) and named (comm) after its file, as Linux does.
 * AT_SYMLINK_NOFOLLOW: a symbolic link as the last component is ELOOP.
 */
static long sys_execveat(int dirfd, const char __user *upath, const char *const __user *uargv,
                         const char *const __user *uenvp, int flags)
{
    if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
        return -EINVAL;
    char path[200];
    long len = strncpy_from_user(path, upath, sizeof path);
    if (len < 0)
        return len;
    if (len == 0 && !(flags & AT_EMPTY_PATH))
        return -ENOENT;
    struct vnode *v = NULL;
    int err;
    if (len == 0) {
        if (dirfd == AT_FDCWD) {
            v = task_cwd(current);
        } else {
            struct file *f = fd_get(dirfd);
            if (!f)
                return -EBADF;
            v = f->vnode;
            vnode_get(v);
            file_put(f);
        }
        if ((err = vfs_exec_permission(v))) {
            vnode_put(v);
            return err;
        }
    } else {
        struct vnode *start;
        if ((err = at_start(dirfd, path, &start)))
            return err;
        err = vfs_lookup_exec_at(start, path, !(flags & AT_SYMLINK_NOFOLLOW), &v);
        vnode_put(start);
        if (err)
            return err;
    }
    char name[256], comm[NAME_MAX + 1] = "";
    if (dirfd == AT_FDCWD || path[0] == '/') {
        strlcpy(name, path, sizeof name);
    } else {
        snprintf(name, sizeof name, len ? "/dev/fd/%d/%s" : "/dev/fd/%d", dirfd, path);
        char full[256];
        if (vfs_path_of(v, full, sizeof full) > 0)
            strlcpy(comm, strrchr(full, '/') + 1, sizeof comm);
    }
    return execve_common(name, v, comm[0] ? comm : NULL, uargv, uenvp);
}
SYSCALL_DEFINE(322, execveat);

int kernel_execve(const char *path, const char *const argv[], const char *const envp[])
{
    struct exec_args a;
    exec_args_init(&a);
    int r = 0;
    for (int i = 0; argv[i] && !r; i++, a.argc++)
        r = exec_args_push(&a, argv[i]);
    a.argbytes = a.used;
    for (int i = 0; envp[i] && !r; i++, a.envc++)
        r = exec_args_push(&a, envp[i]);
    if (!r)
        r = do_execve_args(path, &a, NULL, NULL);
    exec_args_release(&a);
    return r;
}
