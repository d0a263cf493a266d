/*
 * MT19937 as CPython's _randommodule.c uses it (see pyrandom.h).  The
 * generator is Matsumoto and Nishimura's; the seeding, the 53-bit double and
 * the rejection loop of _randbelow follow CPython's documented behaviour.
 */
#include "pyrandom.h"

#define MT_N 624
#define MT_M 397

static void mt_init(struct pyrandom *r, uint32_t s)
{
    r->mt[0] = s;
    for (int i = 1; i < MT_N; i++)
        r->mt[i] = 1812433253u * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) + (uint32_t)i;
    r->index = MT_N;
}

static void mt_init_by_array(struct pyrandom *r, const uint32_t *key, int len)
{
    mt_init(r, 19650218u);
    int i = 1, j = 0;
    for (int k = MT_N > len ? MT_N : len; k; k--) {
        r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint32_t)j;
        i++, j++;
        if (i >= MT_N) {
            r->mt[0] = r->mt[MT_N - 1];
            i = 1;
        }
        if (j >= len)
            j = 0;
    }
    for (int k = MT_N - 1; k; k--) {
        r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1566083941u)) - (uint32_t)i;
        i++;
        if (i >= MT_N) {
            r->mt[0] = r->mt[MT_N - 1];
            i = 1;
        }
    }
    r->mt[0] = 0x80000000u;
    r->index = MT_N;
}

void py_seed(struct pyrandom *r, int64_t seed)
{
    uint64_t v = seed < 0 ? (uint64_t)0 - (uint64_t)seed : (uint64_t)seed;
    uint32_t key[2] = {(uint32_t)v, (uint32_t)(v >> 32)};
    mt_init_by_array(r, key, key[1] ? 2 : 1);
}

uint32_t py_genrand32(struct pyrandom *r)
{
    if (r->index >= MT_N) {
        for (int i = 0; i < MT_N; i++) {
            uint32_t y = (r->mt[i] & 0x80000000u) | (r->mt[(i + 1) % MT_N] & 0x7fffffffu);
            r->mt[i] = r->mt[(i + MT_M) % MT_N] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
        }
        r->index = 0;
    }
    uint32_t y = r->mt[r->index++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

double py_random(struct pyrandom *r)
{
    uint32_t a = py_genrand32(r) >> 5, b = py_genrand32(r) >> 6;
    return ((double)a * 67108864.0 + (double)b) * (1.0 / 9007199254740992.0);
}

/* Words are taken least significant first, each of the last one's top bits
 * dropped, as CPython does for k > 32. */
uint64_t py_getrandbits(struct pyrandom *r, int k)
{
    if (k <= 32)
        return py_genrand32(r) >> (32 - k);
    uint64_t lo = py_genrand32(r);
    uint64_t hi = py_genrand32(r) >> (64 - k);
    return lo | (hi << 32);
}

uint64_t py_randbelow(struct pyrandom *r, uint64_t n)
{
    int k = 64 - __builtin_clzll(n); /* n.bit_length() */
    uint64_t v = py_getrandbits(r, k);
    while (v >= n)
        v = py_getrandbits(r, k);
    return v;
}

int64_t py_randint(struct pyrandom *r, int64_t a, int64_t b)
{
    return a + (int64_t)py_randbelow(r, (uint64_t)(b - a) + 1);
}
