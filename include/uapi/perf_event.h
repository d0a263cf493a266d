/*
 * perf_event_open(2) ABI (linux/perf_event.h): the attribute block, the
 * event types and software event ids, read_format bits, open flags and
 * ioctls.  Only what Tessera's counting events use or check is here.
 */
#ifndef UAPI_PERF_EVENT_H
#define UAPI_PERF_EVENT_H

#include <stdint.h>

enum perf_type_id {
    PERF_TYPE_HARDWARE = 0,
    PERF_TYPE_SOFTWARE = 1,
    PERF_TYPE_TRACEPOINT = 2,
    PERF_TYPE_HW_CACHE = 3,
    PERF_TYPE_RAW = 4,
    PERF_TYPE_BREAKPOINT = 5,
};

enum perf_sw_ids {
    PERF_COUNT_SW_CPU_CLOCK = 0,
    PERF_COUNT_SW_TASK_CLOCK = 1,
    PERF_COUNT_SW_PAGE_FAULTS = 2,
    PERF_COUNT_SW_CONTEXT_SWITCHES = 3,
    PERF_COUNT_SW_CPU_MIGRATIONS = 4,
    PERF_COUNT_SW_PAGE_FAULTS_MIN = 5,
    PERF_COUNT_SW_PAGE_FAULTS_MAJ = 6,
    PERF_COUNT_SW_ALIGNMENT_FAULTS = 7,
    PERF_COUNT_SW_EMULATION_FAULTS = 8,
    PERF_COUNT_SW_DUMMY = 9,
    PERF_COUNT_SW_BPF_OUTPUT = 10,
    PERF_COUNT_SW_CGROUP_SWITCHES = 11,
    PERF_COUNT_SW_MAX,
};

/* sample_type bits checked at open */
#define PERF_SAMPLE_BRANCH_STACK (1ULL << 11)
#define PERF_SAMPLE_REGS_USER (1ULL << 12)
#define PERF_SAMPLE_STACK_USER (1ULL << 13)
#define PERF_SAMPLE_REGS_INTR (1ULL << 18)
#define PERF_SAMPLE_CGROUP (1ULL << 21)
#define PERF_SAMPLE_WEIGHT (1ULL << 14)
#define PERF_SAMPLE_WEIGHT_STRUCT (1ULL << 24)
#define PERF_SAMPLE_MAX (1ULL << 25)

#define PERF_FORMAT_TOTAL_TIME_ENABLED (1ULL << 0)
#define PERF_FORMAT_TOTAL_TIME_RUNNING (1ULL << 1)
#define PERF_FORMAT_ID (1ULL << 2)
#define PERF_FORMAT_GROUP (1ULL << 3)
#define PERF_FORMAT_LOST (1ULL << 4)
#define PERF_FORMAT_MAX (1ULL << 5)

#define PERF_ATTR_SIZE_VER0 64      /* first published struct */
#define PERF_ATTR_SIZE_VER1 72      /* add: config2 */
#define PERF_ATTR_SIZE_VER2 80      /* add: branch_sample_type */
#define PERF_ATTR_SIZE_VER3 96      /* add: sample_regs_user, sample_stack_user */
#define PERF_ATTR_SIZE_VER4 104     /* add: sample_regs_intr */
#define PERF_ATTR_SIZE_VER5 112     /* add: aux_watermark */
#define PERF_ATTR_SIZE_VER6 120     /* add: aux_sample_size */
#define PERF_ATTR_SIZE_VER7 128     /* add: sig_data */
#define PERF_ATTR_SIZE_VER8 136     /* add: config3 */

/* The flag word at offset 40, as bit numbers. */
enum perf_attr_bit {
    PERF_ATTR_DISABLED = 0,
    PERF_ATTR_INHERIT = 1,
    PERF_ATTR_PINNED = 2,
    PERF_ATTR_EXCLUSIVE = 3,
    PERF_ATTR_EXCLUDE_USER = 4,
    PERF_ATTR_EXCLUDE_KERNEL = 5,
    PERF_ATTR_FREQ = 10,
    PERF_ATTR_ENABLE_ON_EXEC = 12,
    PERF_ATTR_USE_CLOCKID = 25,
    PERF_ATTR_AUX_OUTPUT = 31,
    PERF_ATTR_INHERIT_THREAD = 35,
    PERF_ATTR_REMOVE_ON_EXEC = 36,
    PERF_ATTR_SIGTRAP = 37,
    PERF_ATTR_NR_BITS = 38,         /* bits 38..63 are reserved */
};

struct perf_event_attr {
    uint32_t type;
    uint32_t size;
    uint64_t config;
    uint64_t sample_period;         /* or sample_freq with the freq bit */
    uint64_t sample_type;
    uint64_t read_format;
    uint64_t flags;                 /* disabled, inherit, ... (enum perf_attr_bit) */
    uint32_t wakeup_events;
    uint32_t bp_type;
    uint64_t config1;
    uint64_t config2;
    uint64_t branch_sample_type;
    uint64_t sample_regs_user;
    uint32_t sample_stack_user;
    int32_t clockid;
    uint64_t sample_regs_intr;
    uint32_t aux_watermark;
    uint16_t sample_max_stack;
    uint16_t reserved_2;
    uint32_t aux_sample_size;
    uint32_t aux_action;            /* start_paused, pause, resume: bits 0..2; the rest reserved */
    uint64_t sig_data;
    uint64_t config3;
};
_Static_assert(sizeof(struct perf_event_attr) == PERF_ATTR_SIZE_VER8, "perf_event_attr is VER8");

#define PERF_FLAG_FD_NO_GROUP (1UL << 0)
#define PERF_FLAG_FD_OUTPUT (1UL << 1)
#define PERF_FLAG_PID_CGROUP (1UL << 2)
#define PERF_FLAG_FD_CLOEXEC (1UL << 3)
#define PERF_FLAG_ALL 0xfUL

/* ioctls: _IO('$', n), _IOW/_IOR/_IOWR with the argument's size */
#define PERF_EVENT_IOC_ENABLE 0x2400
#define PERF_EVENT_IOC_DISABLE 0x2401
#define PERF_EVENT_IOC_REFRESH 0x2402
#define PERF_EVENT_IOC_RESET 0x2403
#define PERF_EVENT_IOC_PERIOD 0x40082404
#define PERF_EVENT_IOC_SET_OUTPUT 0x2405
#define PERF_EVENT_IOC_SET_FILTER 0x40082406
#define PERF_EVENT_IOC_ID 0x80082407
#define PERF_EVENT_IOC_SET_BPF 0x40042408
#define PERF_EVENT_IOC_PAUSE_OUTPUT 0x40042409
#define PERF_EVENT_IOC_QUERY_BPF 0xc008240a
#define PERF_EVENT_IOC_MODIFY_ATTRIBUTES 0x4008240b
#define PERF_IOC_FLAG_GROUP 1U

#endif
