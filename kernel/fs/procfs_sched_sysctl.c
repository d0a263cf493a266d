/*
 * /proc/sys/kernel/sched_*: the system-wide policy and every tunable of
 * struct sched_tunables, as text files a user reads with cat and changes
 * with echo.  /proc reads and sets them through the scheduler's public
 * functions (include/sched/sched.h, include/sched/policies.h).
 *
 *   sched_policy                     the system policy's name (write one to switch)
 *   sched_policies                   read-only: the names that can be written
 *   sched_queues                     single (SQMS) or per-cpu (MQMS): write one to switch
 *   sched_work_stealing              1 = an idle CPU steals from the busiest queue (per-cpu)
 *   sched_rr_slice_ms                RR slice
 *   sched_mlfq_levels                number of MLFQ queues, 1..16
 *   sched_mlfq_slices_ms             slice per level, highest first ("10 20 40")
 *   sched_mlfq_allotments_ms         allotment per level, highest first
 *   sched_mlfq_boost_ms              boost period, 0 = never
 *   sched_mlfq_antigaming            1 = rule 4, 0 = the gameable rules 4a/4b
 *   sched_mlfq_iobump                1 = a job back from I/O joins the front of its level
 *   sched_lottery_seed               seed of the lottery's generator (restarts the lottery)
 *   sched_lottery_slice_ms           one draw per slice
 *   sched_stride_slice_ms            the slice a stride is charged for
 *   sched_fair_latency_ms            fair: target latency
 *   sched_fair_min_granularity_ms    fair: minimum slice
 *   sched_fair_wakeup_granularity_ms fair: wake-up preemption margin
 *   sched_sjf_default_ms             SJF/STCF: expected time of an undeclared job
 *   sched_rr_timeslice_ms            SCHED_RR slice (Linux's name for it)
 *
 * Times are milliseconds with up to six decimals ("0.75" is 750 us), so the
 * usual values read as whole numbers and nanosecond precision is kept.  A
 * list may be shorter than 16 values: the last one is repeated for the
 * deeper levels ("10" gives every level 10 ms).  Booleans are 0 or 1.
 *
 * A write changes a copy of the current tunables, which sched_set_tunables()
 * validates (sched_tunables_check) and installs with every run queue
 * locked: a bad value is refused with EINVAL and nothing changes.
 */
#include <fs/procfs.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <lib/string.h>
#include <sched/policies.h>
#include <sched/sched.h>

#define NS_PER_MS 1000000ull

/* Serializes read-modify-write of the tunables (and gives readers a
 * consistent copy). */
static struct spinlock tun_lock = SPINLOCK_INIT("sched_sysctl");

/* ---- text <-> numbers ---- */

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

/* Parse an unsigned decimal at *p (no sign); advances *p.  false on no
 * digits or overflow. */
static bool parse_u64(const char **p, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    if (*s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *p = s;
    *out = v;
    return true;
}

/* Milliseconds with up to six decimals -> ns.  false on junk or overflow. */
static bool parse_ms(const char **p, uint64_t *ns)
{
    uint64_t ms, frac = 0;
    if (!parse_u64(p, &ms) || ms > UINT64_MAX / NS_PER_MS)
        return false;
    if (**p == '.') {
        (*p)++;
        int digits = 0;
        uint64_t scale = NS_PER_MS;
        while (**p >= '0' && **p <= '9') {
            if (++digits > 6)
                return false;
            scale /= 10;
            frac += (uint64_t)(**p - '0') * scale;
            (*p)++;
        }
        if (!digits)
            return false;
    }
    *ns = ms * NS_PER_MS + frac;
    return *ns >= ms * NS_PER_MS;   /* no wrap-around */
}

static const char *skip_space(const char *s)
{
    while (is_space(*s))
        s++;
    return s;
}

/* Format ns as milliseconds, trailing zero decimals dropped. */
static int format_ms(char *buf, size_t n, uint64_t ns)
{
    uint64_t ms = ns / NS_PER_MS, frac = ns % NS_PER_MS;
    if (!frac)
        return snprintf(buf, n, "%lu", (unsigned long)ms);
    int digits = 6;
    while (frac % 10 == 0) {
        frac /= 10;
        digits--;
    }
    return snprintf(buf, n, "%lu.%0*lu", (unsigned long)ms, digits, (unsigned long)frac);
}

/* ---- the tunables, described once ---- */

enum tun_kind { TK_MS, TK_MS_LIST, TK_U64, TK_INT, TK_BOOL };

struct tun_desc {
    const char *name;
    enum tun_kind kind;
    size_t off;                 /* offsetof(struct sched_tunables, ...) */
};

#define TUN(name, kind, field) { name, kind, offsetof(struct sched_tunables, field) }

static const struct tun_desc tunables[] = {
    TUN("sched_rr_slice_ms", TK_MS, rr_slice_ns),
    TUN("sched_mlfq_levels", TK_INT, mlfq_levels),
    TUN("sched_mlfq_slices_ms", TK_MS_LIST, mlfq_slice_ns),
    TUN("sched_mlfq_allotments_ms", TK_MS_LIST, mlfq_allot_ns),
    TUN("sched_mlfq_boost_ms", TK_MS, mlfq_boost_ns),
    TUN("sched_mlfq_antigaming", TK_BOOL, mlfq_antigaming),
    TUN("sched_mlfq_iobump", TK_BOOL, mlfq_iobump),
    TUN("sched_lottery_seed", TK_U64, lottery_seed),
    TUN("sched_lottery_slice_ms", TK_MS, lottery_slice_ns),
    TUN("sched_stride_slice_ms", TK_MS, stride_slice_ns),
    TUN("sched_fair_latency_ms", TK_MS, fair_latency_ns),
    TUN("sched_fair_min_granularity_ms", TK_MS, fair_min_granularity_ns),
    TUN("sched_fair_wakeup_granularity_ms", TK_MS, fair_wakeup_granularity_ns),
    TUN("sched_sjf_default_ms", TK_MS, sjf_default_ns),
    TUN("sched_rr_timeslice_ms", TK_MS, rt_rr_slice_ns),
};

static void tun_snapshot(struct sched_tunables *t)
{
    spin_lock(&tun_lock);
    *t = sched_tun;
    spin_unlock(&tun_lock);
}

static int tun_read(const struct tun_desc *d, char *buf, size_t n)
{
    struct sched_tunables t;
    tun_snapshot(&t);
    void *field = (char *)&t + d->off;
    switch (d->kind) {
    case TK_MS:
        return format_ms(buf, n, *(uint64_t *)field);
    case TK_U64:
        return snprintf(buf, n, "%lu", (unsigned long)*(uint64_t *)field);
    case TK_INT:
        return snprintf(buf, n, "%d", *(int *)field);
    case TK_BOOL:
        return snprintf(buf, n, "%d", *(bool *)field ? 1 : 0);
    case TK_MS_LIST: {
        const uint64_t *v = field;
        size_t len = 0;
        for (int i = 0; i < t.mlfq_levels; i++) {
            if (len + 1 >= n)
                return (int)n;          /* procfs retries with a larger buffer */
            if (i)
                buf[len++] = ' ';
            len += (size_t)format_ms(buf + len, n - len, v[i]);
        }
        return (int)len;
    }
    }
    return -EINVAL;
}

/* Parse `val` into the field of `t` that `d` names.  false on bad syntax
 * (range checks are sched_tunables_check's). */
static bool tun_parse(const struct tun_desc *d, const char *val, struct sched_tunables *t)
{
    const char *p = skip_space(val);
    void *field = (char *)t + d->off;
    uint64_t v;
    switch (d->kind) {
    case TK_MS:
        if (!parse_ms(&p, &v))
            return false;
        *(uint64_t *)field = v;
        break;
    case TK_U64:
        if (!parse_u64(&p, &v))
            return false;
        *(uint64_t *)field = v;
        break;
    case TK_INT:
        if (!parse_u64(&p, &v) || v > 1000)
            return false;
        *(int *)field = (int)v;
        break;
    case TK_BOOL:
        if (!parse_u64(&p, &v) || v > 1)
            return false;
        *(bool *)field = v;
        break;
    case TK_MS_LIST: {
        uint64_t *list = field;
        int i = 0;
        while (*p) {
            if (i == SCHED_MLFQ_MAX_LEVELS || !parse_ms(&p, &v))
                return false;
            list[i++] = v;
            if (*p && !is_space(*p) && *p != ',')
                return false;
            while (is_space(*p) || *p == ',')
                p++;
        }
        if (!i)
            return false;
        for (; i < SCHED_MLFQ_MAX_LEVELS; i++)
            list[i] = list[i - 1];
        break;
    }
    }
    return *skip_space(p) == '\0';
}

static int tun_write(const struct tun_desc *d, const char *val)
{
    struct sched_tunables t;
    spin_lock(&tun_lock);
    t = sched_tun;
    int err = tun_parse(d, val, &t) ? sched_set_tunables(&t) : -EINVAL;
    spin_unlock(&tun_lock);
    return err;
}

/* procfs callbacks carry no context: one small pair per file. */
#define TUN_FNS(i)                                                                             \
    static int tun_read_##i(char *buf, size_t n) { return tun_read(&tunables[i], buf, n); }   \
    static int tun_write_##i(const char *val, size_t len) { return tun_write(&tunables[i], val); }
TUN_FNS(0) TUN_FNS(1) TUN_FNS(2) TUN_FNS(3) TUN_FNS(4) TUN_FNS(5) TUN_FNS(6) TUN_FNS(7)
TUN_FNS(8) TUN_FNS(9) TUN_FNS(10) TUN_FNS(11) TUN_FNS(12) TUN_FNS(13) TUN_FNS(14)

static const struct {
    sysctl_read_fn read;
    sysctl_write_fn write;
} tun_fns[] = {
#define TUN_ROW(i) { tun_read_##i, tun_write_##i }
    TUN_ROW(0), TUN_ROW(1), TUN_ROW(2),  TUN_ROW(3),  TUN_ROW(4),  TUN_ROW(5),  TUN_ROW(6), TUN_ROW(7),
    TUN_ROW(8), TUN_ROW(9), TUN_ROW(10), TUN_ROW(11), TUN_ROW(12), TUN_ROW(13), TUN_ROW(14),
};
_Static_assert(ARRAY_SIZE(tun_fns) == ARRAY_SIZE(tunables), "one callback pair per tunable");

/* ---- the policy ---- */

static int policy_read(char *buf, size_t n) { return snprintf(buf, n, "%s", sched_system_policy_name()); }

static int policy_write(const char *val, size_t len)
{
    char name[32];
    const char *p = skip_space(val);
    size_t k = 0;
    while (p[k] && !is_space(p[k]))
        k++;
    if (k == 0 || k >= sizeof name || *skip_space(p + k))
        return -EINVAL;
    memcpy(name, p, k);
    name[k] = '\0';
    return sched_set_system_policy(name);
}

static int policies_read(char *buf, size_t n)
{
    size_t len = 0;
    for (unsigned i = 0; i < sched_policies_count; i++) {
        int w = snprintf(buf + len, len < n ? n - len : 0, "%s%s", i ? " " : "", sched_policies[i]->name);
        len += (size_t)w;
    }
    return (int)len;
}

/* ---- the queue mode and work stealing ---- */

static int queues_read(char *buf, size_t n) { return snprintf(buf, n, "%s", sched_queue_mode_name(sched_queue_mode())); }

static int queues_write(const char *val, size_t len)
{
    const char *p = skip_space(val);
    size_t k = 0;
    while (p[k] && !is_space(p[k]))
        k++;
    if (*skip_space(p + k))
        return -EINVAL;
    int mode = sched_queue_mode_parse(p, k);
    return mode < 0 ? mode : sched_set_queue_mode((enum sched_queue_mode)mode);
}

static int stealing_read(char *buf, size_t n) { return snprintf(buf, n, "%d", sched_work_stealing() ? 1 : 0); }

static int stealing_write(const char *val, size_t len)
{
    int64_t v;
    if (!sysctl_parse_i64(val, &v) || (v != 0 && v != 1))
        return -EINVAL;
    sched_set_work_stealing(v);
    return 0;
}

static int rt_runtime_read(char *buf, size_t n)
{
    int64_t r, p;
    sched_rt_bandwidth_get(&r, &p);
    return snprintf(buf, n, "%ld", (long)r);
}

static int rt_period_read(char *buf, size_t n)
{
    int64_t r, p;
    sched_rt_bandwidth_get(&r, &p);
    return snprintf(buf, n, "%ld", (long)p);
}

static int rt_runtime_write(const char *val, size_t len)
{
    int64_t v;
    return sysctl_parse_i64(val, &v) ? sched_rt_bandwidth(v, 0, true, false) : -EINVAL;
}

static int rt_period_write(const char *val, size_t len)
{
    int64_t v;
    return sysctl_parse_i64(val, &v) ? sched_rt_bandwidth(0, v, false, true) : -EINVAL;
}

void procfs_sched_sysctl_init(void)
{
    int err = procfs_register_sysctl("sched_policy", policy_read, policy_write);
    if (!err)
        err = procfs_register_sysctl("sched_rt_runtime_us", rt_runtime_read, rt_runtime_write);
    if (!err)
        err = procfs_register_sysctl("sched_rt_period_us", rt_period_read, rt_period_write);
    if (!err)
        err = procfs_register_sysctl("sched_policies", policies_read, NULL);
    if (!err)
        err = procfs_register_sysctl("sched_queues", queues_read, queues_write);
    if (!err)
        err = procfs_register_sysctl("sched_work_stealing", stealing_read, stealing_write);
    for (size_t i = 0; !err && i < ARRAY_SIZE(tunables); i++)
        err = procfs_register_sysctl(tunables[i].name, tun_fns[i].read, tun_fns[i].write);
    if (err)
        kprintf(KERN_ERR "sched: cannot register /proc/sys/kernel tunables (%d)\n", err);
}
