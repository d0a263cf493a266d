/*
 * Lottery scheduling: each slice (lottery_slice_ns) a ticket is drawn at
 * random among the tickets of all queued jobs, and its holder runs.  A job's
 * tickets are its own plus those lent to it (ticket transfer: a client
 * blocked on a server lends it its tickets by raising se->lent_tickets and
 * calling reweight), and may be changed at any time (ticket inflation,
 * through reweight).
 *
 * The queue is a red-black tree in arrival order, augmented with the ticket
 * sum of every subtree; the draw descends from the root choosing the child
 * whose range holds the winning number, so a decision is O(log n) rather than
 * a walk of the list.  Since the tree is in arrival order, the winner is the
 * job a list walk in arrival order would find (the book's lottery.py).
 *
 * Randomness: xoshiro256** seeded from the tunable lottery_seed by
 * splitmix64, so a run is reproducible; a caller may install rq->rand_below
 * instead (the simulator uses Python's generator).
 */
#include <sched/policy.h>
#include <sched/policy_lottery.h>
#include <sched/policy_util.h>

static uint64_t lottery_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t lottery_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t lottery_next(uint64_t s[4])
{
    uint64_t result = lottery_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = lottery_rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n), n > 0: reject the top partial range so every value is
 * equally likely. */
static uint64_t lottery_below(struct sched_rq *rq, uint64_t n)
{
    if (rq->rand_below)
        return rq->rand_below(rq, n);
    uint64_t threshold = (0 - n) % n, r;
    do
        r = lottery_next(lottery_rq(rq)->rng_state);
    while (r < threshold);
    return r % n;
}

static void lottery_aug(struct rb_node *n)
{
    struct lottery_entity *e = lottery_se(se_of_rb(n));
    uint64_t sum = e->tickets;
    if (n->left)
        sum += lottery_se(se_of_rb(n->left))->tree_sum;
    if (n->right)
        sum += lottery_se(se_of_rb(n->right))->tree_sum;
    e->tree_sum = sum;
}

static void lottery_seed(struct sched_rq *rq)
{
    uint64_t x = rq->tun->lottery_seed;
    for (int i = 0; i < 4; i++)
        lottery_rq(rq)->rng_state[i] = lottery_splitmix(&x);
}

static void lottery_init(struct sched_rq *rq)
{
    rb_root_init(&lottery_rq(rq)->tree);
    rq->nr_queued = 0;
    lottery_rq(rq)->total_tickets = 0;
    lottery_seed(rq);
}

/* A new seed: the draws that follow come from it. */
static void lottery_retune(struct sched_rq *rq, const struct sched_tunables *old)
{
    if (rq->tun->lottery_seed != old->lottery_seed)
        lottery_seed(rq);
}

static void lottery_enqueue(struct sched_rq *rq, struct sched_entity *se, enum sched_enq_reason why)
{
    struct lottery_rq *q = lottery_rq(rq);
    struct lottery_entity *e = lottery_se(se);
    if (why == ENQ_NEW)
        se->key = se->seq = rq->seq++; /* the draw order: arrival */
    e->slice_used_ns = 0;
    e->tickets = (uint32_t)sched_tickets(se);
    q->total_tickets += e->tickets;
    rb_add(&q->tree, &se->rb, sched_key_less, lottery_aug);
    rq->nr_queued++;
}

static void lottery_dequeue(struct sched_rq *rq, struct sched_entity *se)
{
    rb_erase(&lottery_rq(rq)->tree, &se->rb, lottery_aug);
    lottery_rq(rq)->total_tickets -= lottery_se(se)->tickets;
    rq->nr_queued--;
}

/* The winning ticket `r` (< total) is found by descending: left subtree's
 * tickets first, then the node's own, then the right subtree's. */
static struct sched_entity *lottery_pick_next(struct sched_rq *rq)
{
    struct rb_node *n = lottery_rq(rq)->tree.node;
    if (!n)
        return NULL;
    uint64_t r = lottery_below(rq, lottery_rq(rq)->total_tickets);
    for (;;) {
        uint64_t left = n->left ? lottery_se(se_of_rb(n->left))->tree_sum : 0;
        if (r < left) {
            n = n->left;
            continue;
        }
        r -= left;
        if (r < lottery_se(se_of_rb(n))->tickets)
            break;
        r -= lottery_se(se_of_rb(n))->tickets;
        n = n->right;
    }
    struct sched_entity *se = se_of_rb(n);
    lottery_dequeue(rq, se);
    return sched_picked(se);
}

/* A new draw every slice, even with one job: each slice is one lottery. */
static bool lottery_tick(struct sched_rq *rq, struct sched_entity *curr, uint64_t now_ns, uint64_t delta_ns)
{
    struct lottery_entity *e = lottery_se(curr);
    e->slice_used_ns += delta_ns;
    if (e->slice_used_ns < rq->tun->lottery_slice_ns)
        return false;
    e->slice_used_ns = 0;
    return true;
}

/* Alone on the queue a yield is a fresh slice, and its draw (which can
 * only pick it) is still made: every slice is one lottery, so the draws
 * that follow are those a queue of one would have given. */
static void lottery_yield(struct sched_rq *rq, struct sched_entity *curr)
{
    lottery_se(curr)->slice_used_ns = 0;
    lottery_below(rq, sched_tickets(curr));
}

/* Tickets changed (inflation, deflation, a loan or its return). */
static void lottery_reweight(struct sched_rq *rq, struct sched_entity *se)
{
    if (!se->on_rq)
        return;
    struct lottery_entity *e = lottery_se(se);
    uint32_t t = (uint32_t)sched_tickets(se);
    lottery_rq(rq)->total_tickets = lottery_rq(rq)->total_tickets - e->tickets + t;
    e->tickets = t;
    rb_propagate(&se->rb, lottery_aug);
}

const struct sched_policy sched_policy_lottery = {
    .name = "lottery",
    .by_tickets = true,
    .init = lottery_init,
    .enqueue = lottery_enqueue,
    .dequeue = lottery_dequeue,
    .pick_next = lottery_pick_next,
    .tick = lottery_tick,
    .yield = lottery_yield,
    .retune = lottery_retune,
    .reweight = lottery_reweight,
};
