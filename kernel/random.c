/*
 * The kernel's random numbers (include/kernel/random.h).
 *
 * One generator: ChaCha20 (RFC 8439's block function) keyed with 256 bits
 * of seed, used with fast key erasure: each block it computes begins with
 * the next key, which replaces the current one at once, and only the rest
 * is handed out.  So the state that exists at any moment cannot be run
 * backwards to what was handed out before it.
 *
 * The seed comes from the CPU's hardware generator (arch/random.h: RDSEED
 * or RDRAND where CPUID reports them), mixed with the cycle counter.
 * Without one it is the counter's jitter only, which is weak: the boot log
 * says which.  New hardware randomness is mixed into the key every
 * RESEED_BYTES of output.
 *
 * Locking: rng_lock (rank "random") guards the key and counters; it is
 * taken with no other lock held, or under any (a leaf).
 */
#include <arch/cpu.h>
#include <arch/random.h>
#include <fs/fsyscall.h>
#include <kernel/kernel.h>
#include <kernel/random.h>
#include <kernel/spinlock.h>
#include <lib/string.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <uapi/errno.h>

#define RESEED_BYTES (1u << 20)
#define GRND_NONBLOCK 0x1
#define GRND_RANDOM 0x2
#define GRND_INSECURE 0x4

static struct spinlock rng_lock = SPINLOCK_INIT("random");
static uint32_t key[8];
static uint64_t block_counter;
static uint64_t since_reseed;

static inline uint32_t rotl(uint32_t v, int n) { return v << n | v >> (32 - n); }

#define QR(a, b, c, d)                          \
    do {                                        \
        a += b; d ^= a; d = rotl(d, 16);        \
        c += d; b ^= c; b = rotl(b, 12);        \
        a += b; d ^= a; d = rotl(d, 8);         \
        c += d; b ^= c; b = rotl(b, 7);         \
    } while (0)

/* One 64-byte ChaCha20 block of (key, counter, nonce 0). */
static void chacha20_block(const uint32_t k[8], uint64_t counter, uint32_t out[16])
{
    uint32_t s[16] = {
        0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,     /* "expand 32-byte k" */
        k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7],
        (uint32_t)counter, (uint32_t)(counter >> 32), 0, 0,
    };
    uint32_t x[16];
    memcpy(x, s, sizeof x);
    for (int i = 0; i < 10; i++) {
        QR(x[0], x[4], x[8], x[12]);
        QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]);
        QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]);
        QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]);
        QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++)
        out[i] = x[i] + s[i];
}

/* Mixes fresh randomness into the key.  rng_lock held (or boot). */
static void mix_in(void)
{
    for (int i = 0; i < 8; i += 2) {
        uint64_t v = 0;
        if (!arch_random_hw(&v))
            v = arch_cycles() * 0x9e3779b97f4a7c15ULL;
        v ^= arch_cycles();
        key[i] ^= (uint32_t)v;
        key[i + 1] ^= (uint32_t)(v >> 32);
    }
    /* one block through the cipher so every key bit depends on all inputs */
    uint32_t b[16];
    chacha20_block(key, ~0ULL, b);
    memcpy(key, b, sizeof key);
    memset(b, 0, sizeof b);
    since_reseed = 0;
}

void random_init(void)
{
    const char *source = arch_random_init();
    spin_lock(&rng_lock);
    mix_in();
    spin_unlock(&rng_lock);
    kprintf("random: ChaCha20 seeded from %s\n", source);
}

void random_bytes(void *buf, size_t n)
{
    uint8_t *p = buf;
    uint32_t blk[16];
    spin_lock(&rng_lock);
    while (n) {
        if (since_reseed >= RESEED_BYTES)
            mix_in();
        chacha20_block(key, block_counter++, blk);
        memcpy(key, blk, sizeof key);               /* fast key erasure */
        size_t take = MIN(n, sizeof blk - sizeof key);
        memcpy(p, (uint8_t *)blk + sizeof key, take);
        p += take;
        n -= take;
        since_reseed += take;
    }
    spin_unlock(&rng_lock);
    memset(blk, 0, sizeof blk);
}

uint64_t random_u64(void)
{
    uint64_t v;
    random_bytes(&v, sizeof v);
    return v;
}

long random_to_user(void __user *buf, size_t len)
{
    uint8_t tmp[256];
    size_t done = 0;
    if (len > MAX_RW_COUNT)
        len = MAX_RW_COUNT;
    while (done < len) {
        /* never across a page boundary: a fault then ends the copy exactly
         * where the bytes stop, and what came before is returned */
        uint64_t at = (uint64_t)buf + done;
        size_t n = MIN(MIN(len - done, sizeof tmp), PAGE_SIZE - (at & (PAGE_SIZE - 1)));
        random_bytes(tmp, n);
        if (copy_to_user((uint8_t __user *)buf + done, tmp, n)) {
            memset(tmp, 0, sizeof tmp);
            return done ? (long)done : -EFAULT;     /* as Linux: what was copied */
        }
        done += n;
    }
    memset(tmp, 0, sizeof tmp);
    return (long)done;
}

long random_getrandom(void __user *buf, size_t len, unsigned flags)
{
    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
        return -EINVAL;
    /* seeded at boot, before any program: never blocks */
    return random_to_user(buf, len);
}
