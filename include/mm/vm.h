/*
 * Address spaces: a page table plus a sorted list of virtual memory areas
 * (VMAs).  Pages are allocated on first touch (demand paging), shared
 * copy-on-write after fork, and mapped straight from the page cache for
 * read-only file segments (kernel/mm/vm.c, kernel/mm/fault.c).
 */
#ifndef MM_VM_H
#define MM_VM_H

#include <arch/memlayout.h>
#include <arch/pgtable.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <lib/cpuset.h>
#include <lib/list.h>
#include <mm/mempolicy.h>

struct vnode;

/* The user half's layout (USER_TOP, USER_STACK_TOP, USER_MMAP_TOP,
 * USER_PIE_BASE) is the architecture's: arch/memlayout.h. */
#define USER_STACK_MAX (8UL << 20)
#define USER_MIN_ADDR 0x10000UL              /* page 0 and the low 64 KiB stay unmapped */

/* VMA protection (same values as PROT_*) and flags */
#define VM_READ 1
#define VM_WRITE 2
#define VM_EXEC 4
#define VMA_ANON 0x1
#define VMA_FILE 0x2
#define VMA_STACK 0x4
#define VMA_HEAP 0x8
#define VMA_SHARED 0x10
#define VMA_LOCKED 0x20
#define VMA_WIPEONFORK 0x40           /* MADV_WIPEONFORK: a fork child gets it empty */
#define VMA_LOCKONFAULT 0x80          /* MCL_ONFAULT / MLOCK_ONFAULT: locked, not pre-faulted */
#define VMA_SYSVSHM 0x100             /* a System V shared memory attachment (shmdt finds it) */
#define VMA_NOWRITE 0x200             /* may never be writable (Linux: no VM_MAYWRITE): a shared
                                       * mapping of a file not open for writing, a read-only
                                       * shmat; mprotect(PROT_WRITE) is EACCES */

/* Kernel frames mapped into user space as no file's pages: the vDSO's
 * image and its data page (kernel/vdso.c).  A fault maps the frame at the
 * page's index (file_off counts bytes into the object, as for a file),
 * read-only and copy-on-write, so a write (once mprotect allows it) gets a
 * private copy; fork copies the mapping as any private one.  mprotect
 * beyond max_prot is EACCES, and without VM_WRITE there a debugger's write
 * fails too.  Such a mapping cannot grow or move (mremap: EINVAL). */
struct vm_special {
    const char *name;           /* in /proc/<pid>/maps */
    phys_t *pages;              /* frames, each with a reference of the kernel's own */
    uint32_t npages;
    uint32_t max_prot;          /* VM_* */
};

struct vma {
    uint64_t start, end;        /* [start, end), page aligned */
    uint32_t prot;              /* VM_READ | VM_WRITE | VM_EXEC */
    uint32_t flags;
    struct vnode *file;         /* VMA_FILE: backing file (referenced) */
    const struct vm_special *special;   /* kernel frames (the vDSO), or NULL */
    uint64_t file_off;          /* file offset of `start` (page aligned) */
    uint64_t file_end;          /* virtual address where file data ends (rest is zero) */
    char name[128];             /* for /proc/<pid>/maps: file path or [heap]/[stack] */
    struct mempolicy policy;    /* mbind: where its new pages go (MPOL_DEFAULT: the thread's policy) */
    struct list_node node;
};

struct mm {
    phys_t pt_root;             /* the page table's root (arch/pgtable.h) */
    struct spinlock lock;       /* protects vmas, the page tables and counters */
    struct list_node vmas;      /* sorted by address, non-overlapping */
    int refs;                   /* threads and vfork children share an mm */
    struct cpuset cpus;         /* CPUs that have it loaded (atomic words; mm_activate) */
    struct list_node all_node;  /* in the list of every mm (mm_list_lock) */
    uint64_t brk_start, brk;    /* heap: [brk_start, brk) */
    uint64_t mmap_top;          /* next top-down search start */
    uint64_t stack_top;
    uint64_t rss_pages;         /* resident pages */
    phys_t *pt_pages;           /* the user page-table frames, so teardown need not scan them */
    uint32_t pt_count, pt_cap;
    bool pt_overflow;           /* a table was not recorded: tear down by scanning */
    uint64_t locked_pages;
    uint32_t def_flags;         /* mlockall(MCL_FUTURE): VMA_LOCKED(|ONFAULT) for new mappings */
    uint32_t nr_vmas;           /* bounded by VM_MAX_MAP_COUNT */
    uint8_t dumpable;           /* PR_GET_DUMPABLE: 1, or 0 after a change of credentials */
    uint32_t membarrier;        /* membarrier(2) registrations (atomic): the REGISTER_* commands */
    struct vnode *exe_file;     /* the program it runs (exec), referenced and denied writing
                                 * (ETXTBSY) until the mm goes; set before it is shared */
};

#define VM_MAX_MAP_COUNT 65530  /* Linux's default vm.max_map_count */

struct mm *mm_new(void);                    /* empty user half, kernel half shared */
/* A file shrank to `size` bytes: every shared mapping of it, in every
 * address space, drops its pages past the new end, so touching them
 * raises SIGBUS as on Linux.  Caller holds no spinlock. */
void vm_file_truncated(struct vnode *file, uint64_t size);
/* The same for the file's bytes [from, to) (page aligned): a punched hole. */
void vm_file_unmap(struct vnode *file, uint64_t from, uint64_t to);
struct mm *mm_clone(struct mm *src);        /* fork: copy-on-write copy; NULL on ENOMEM */
void mm_put(struct mm *mm);                 /* drop a reference; frees everything at 0 */
void mm_activate(struct mm *mm);            /* load on this CPU (NULL: the kernel's) */
void mm_get(struct mm *mm);                 /* one more user (a thread, a vfork child) */
/* Translations of mm were changed or removed: make every other CPU that has
 * it loaded drop its cached ones (the caller flushed its own).  Caller holds
 * no spinlock.  Nothing to do while only this CPU runs the mm. */
void mm_flush_others(struct mm *mm);
/* Does another CPU have mm loaded (so a change needs mm_flush_others)? */
bool mm_loaded_elsewhere(struct mm *mm);

/* Map [addr, addr+len) (page aligned) as a new VMA, replacing any mappings
 * there.  Returns 0 or -ENOMEM. */
int vm_map(struct mm *mm, uint64_t addr, uint64_t len, uint32_t prot, uint32_t flags, struct vnode *file,
           uint64_t file_off, uint64_t file_end, const char *name);
/* The same at a free address below the mmap top, found and taken in one
 * step (two threads mapping at once never get the same range); file data
 * covers the first file_len bytes.  The address, or -errno. */
long vm_map_anywhere(struct mm *mm, uint64_t len, uint32_t prot, uint32_t flags, struct vnode *file,
                     uint64_t file_off, uint64_t file_len, const char *name);
/* The same as vm_map, but -EEXIST if anything is mapped there (checked and
 * mapped in one step: MAP_FIXED_NOREPLACE). */
int vm_map_noreplace(struct mm *mm, uint64_t addr, uint64_t len, uint32_t prot, uint32_t flags, struct vnode *file,
                     uint64_t file_off, uint64_t file_end, const char *name);
/* Maps all of sp at addr (replacing what is there); its pages are mapped
 * when first touched.  0 or -errno. */
int vm_map_special(struct mm *mm, uint64_t addr, uint32_t prot, const struct vm_special *sp);
int vm_unmap(struct mm *mm, uint64_t addr, uint64_t len);
int vm_protect(struct mm *mm, uint64_t addr, uint64_t len, uint32_t prot);
/* Drop the pages of [addr, addr+len) but keep the mappings (MADV_DONTNEED):
 * anonymous memory reads back as zeros, a file mapping as the file.
 * -EINVAL on a locked mapping; -ENOMEM if part of the range is unmapped
 * (the rest is still done). */
int vm_zap(struct mm *mm, uint64_t addr, uint64_t len);
/* Set or clear VMA flags over [addr, addr+len), splitting VMAs at the
 * edges; -ENOMEM if part of the range is unmapped. */
int vm_set_flags(struct mm *mm, uint64_t addr, uint64_t len, uint32_t set, uint32_t clear);
/* mbind: the VMAs of [addr, addr+len) get policy pol, split at the edges
 * (pol NULL: only the checks).  -EFAULT if nothing is mapped there, or if
 * something is not and `whole` is set; -ENOMEM if a split fails. */
int vm_set_policy(struct mm *mm, uint64_t addr, uint64_t len, const struct mempolicy *pol, bool whole);
/* The NUMA node of the page at va: -EFAULT if no VMA covers it, -ENOENT if
 * it is not in memory. */
int vm_page_node(struct mm *mm, uint64_t va);
/* Up to max present pages of [*from, end) whose node is not in `nodes`
 * (a node mask), their addresses into vas; *from moves past the last one
 * looked at.  For mbind's MPOL_MF_STRICT and MPOL_MF_MOVE. */
size_t vm_find_misplaced(struct mm *mm, uint64_t *from, uint64_t end, uint64_t nodes, uint64_t *vas, size_t max);
/* Moves the private page at va to a frame from `node` (or the nearest node
 * of `allowed`): the node it is on then, or -EFAULT (no VMA), -ENOENT (not
 * in memory), -EACCES (shared with another mapping and not move_all),
 * -EBUSY (a shared mapping's page, or it changed meanwhile), -ENOMEM.
 * A page already on `node` stays.  Caller holds no spinlock. */
int vm_migrate_page(struct mm *mm, uint64_t va, int node, uint64_t allowed, bool move_all);
/* mremap: move or resize the mapping at old (MREMAP_* flags); the new
 * address or -errno. */
long vm_remap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr);
/* Is [addr, addr+len) free of mappings?  (caller holds the lock) */
bool vm_range_free(struct mm *mm, uint64_t addr, uint64_t len);
/* Is every page of [addr, addr+len) inside some VMA? (caller holds lock) */
bool vm_covered(struct mm *mm, uint64_t addr, uint64_t len);
/* Find a free range of len bytes below the mmap top; 0 if none. */
uint64_t vm_find_free(struct mm *mm, uint64_t len);
struct vma *vm_find(struct mm *mm, uint64_t addr);   /* VMA containing addr; caller holds lock */
/* The PTE of va in mm (creating tables if alloc); caller holds mm->lock. */
pte_t *mm_pte(struct mm *mm, uint64_t va, bool alloc);
/* A debugger's write to a read-only private page (ptrace POKETEXT): the
 * present page at va is replaced by a private copy, mapped as before.
 * Returns the copy's frame (the caller writes into it, then unlocks, calls
 * mm_flush_others and puts *old_out), or 0 (not a present private page, or
 * no memory).  Caller holds mm->lock. */
phys_t vm_force_copy_locked(struct mm *mm, uint64_t va, phys_t *old_out);
/* Populate (and optionally lock) every page of a range, as a write if `write`. */
int vm_populate(struct mm *mm, uint64_t addr, uint64_t len, bool write);

/* Resolve a fault at addr, described by VM_FAULT_* flags (a read unless
 * VM_FAULT_WRITE or VM_FAULT_EXEC); 0 if resolved, else -EFAULT (no
 * mapping), -EACCES (permission), -EIO (a shared page past the end of its
 * file) or -ENOMEM, with a human-readable reason.  VM_FAULT_TRAP says the
 * page-fault exception raised it: such a fault is counted for perf
 * (page-faults, minor-faults); the kernel's own faulting in of a range
 * (populate, another process's memory) is not. */
#define VM_FAULT_WRITE 0x1      /* a write */
#define VM_FAULT_EXEC 0x2       /* an instruction fetch */
#define VM_FAULT_USER 0x4       /* by user mode (else by the kernel, for the user) */
#define VM_FAULT_TRAP 0x8       /* raised by the page-fault exception */
int vm_fault(struct mm *mm, uint64_t addr, unsigned flags, const char **reason);
/* The page-fault exception's generic half, for the current task's address
 * space (called with interrupts on): vm_fault with VM_FAULT_TRAP.  When no
 * frame is left for the task, it is killed (with a log line) rather than
 * the system, and -ENOMEM returned. */
int vm_fault_current(uint64_t addr, unsigned flags, const char **reason);

uint64_t mm_vsize(struct mm *mm);
uint64_t mm_rss_pages(struct mm *mm);
int mm_format_maps(struct mm *mm, char *buf, size_t n);
/* One /proc/<pid>/maps line for v (with its newline), into line[n]; its length. */
int vma_format_line(const struct vma *v, char *line, size_t n);

/* What a VMA's resident pages use, in bytes (/proc/<pid>/smaps).  The
 * proportional figures (pss_x, pss_dirty_x) are in bytes << 12, so the
 * shares of pages mapped by several processes add up without rounding. */
struct vma_usage {
    uint64_t rss, pss_x, pss_dirty_x, pss_anon_x, pss_file_x, pss_shmem_x;
    uint64_t shared_clean, shared_dirty, private_clean, private_dirty;
    uint64_t referenced, anonymous, locked;
};
/* Calls fn for every VMA of mm in address order with its usage; fn runs
 * under mm->lock (it must not sleep). */
int mm_for_each_vma(struct mm *mm, void (*fn)(const struct vma *v, const struct vma_usage *u, void *arg), void *arg);

/* Kernel page tables */
void vm_init(void);
extern phys_t kernel_pt_root;         /* the kernel's page table: the kernel half of every one */

#endif
