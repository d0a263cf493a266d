/*
 * Python's `random` module, bit for bit: the MT19937 generator seeded the
 * way CPython seeds it from an int (init_by_array over the 32-bit words of
 * |seed|), random() as a 53-bit double from two outputs, getrandbits(), and
 * randrange/randint by getrandbits with rejection.  With it the simulator
 * reproduces the book's homework tools for the same -s seed.
 */
#ifndef SCHEDSIM_PYRANDOM_H
#define SCHEDSIM_PYRANDOM_H

#include <stdint.h>

struct pyrandom {
    uint32_t mt[624];
    int index;
};

void py_seed(struct pyrandom *r, int64_t seed);   /* random.seed(seed) */
uint32_t py_genrand32(struct pyrandom *r);         /* one MT19937 output */
double py_random(struct pyrandom *r);              /* random.random() */
uint64_t py_getrandbits(struct pyrandom *r, int k); /* random.getrandbits(k), 0 < k <= 64 */
uint64_t py_randbelow(struct pyrandom *r, uint64_t n); /* random._randbelow(n), n > 0 */
int64_t py_randint(struct pyrandom *r, int64_t a, int64_t b); /* random.randint(a, b) */

#endif
