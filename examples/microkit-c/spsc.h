/* The spsc queue of examples/microkit/spsc_queue.ts and the stream of spsc_batches.ts, in C: the
 * same layout in the shared region, the same items, the same checksums. The two sides run on
 * different cores at once, so each publishes its index with release order after writing a slot
 * and reads the other's index with acquire order before reading one (the TS twin, whose code
 * between two kernel entries is never interleaved with another core's, needs no fences). */
#ifndef SPSC_H
#define SPSC_H
#include <stdint.h>

/* Layout at the region's start: tail (producer), head (consumer), the two signal requests, then
 * QUEUE_CAPACITY slots of 16 bytes from offset 0x40. Zero-filled is an empty ring. */
struct spsc_slot {
    uint64_t value;
    uint32_t tag;
    uint32_t len;
};

struct spsc_queue {
    uint32_t tail;
    uint32_t head;
    uint32_t consumer_signal;
    uint32_t producer_signal;
    uint8_t pad[0x40 - 16];
    struct spsc_slot slots[];
};

#define QUEUE_CAPACITY 8u
#define END_OF_STREAM 0xffffffffu
#define NUM_BATCHES 4
static const uint32_t batch_sizes[NUM_BATCHES] = { 5, 12, 3, 20 };
#define FIRST_SEED 0x5e147500c0ffee01ull
#define CHECKSUM_INIT 0x811c9dc5u

static inline uint32_t spsc_load(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void spsc_store(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline int spsc_empty(struct spsc_queue *q)
{
    return spsc_load(&q->tail) == spsc_load(&q->head);
}

static inline int spsc_full(struct spsc_queue *q)
{
    return spsc_load(&q->tail) - spsc_load(&q->head) == QUEUE_CAPACITY;
}

/* Producer: appends an item and publishes it; 0 (nothing written) when the ring is full. */
static inline int spsc_enqueue(struct spsc_queue *q, uint64_t value, uint32_t tag, uint32_t len)
{
    uint32_t tail = q->tail;
    if (tail - spsc_load(&q->head) == QUEUE_CAPACITY)
        return 0;
    struct spsc_slot *s = &q->slots[tail & (QUEUE_CAPACITY - 1)];
    s->value = value;
    s->tag = tag;
    s->len = len;
    spsc_store(&q->tail, tail + 1);
    return 1;
}

/* Consumer: takes the oldest item and frees its slot; 0 when the ring is empty. */
static inline int spsc_dequeue(struct spsc_queue *q, struct spsc_slot *out)
{
    uint32_t head = q->head;
    if (head == spsc_load(&q->tail))
        return 0;
    *out = q->slots[head & (QUEUE_CAPACITY - 1)];
    spsc_store(&q->head, head + 1);
    return 1;
}

/* Signal requests: the side about to wait sets its flag and looks at the ring once more; the
 * other side takes the flag (reads and clears it) and notifies only if it was set. */
static inline void spsc_request(uint32_t *flag)
{
    __atomic_store_n(flag, 1, __ATOMIC_SEQ_CST);
}

static inline void spsc_cancel(uint32_t *flag)
{
    __atomic_store_n(flag, 0, __ATOMIC_SEQ_CST);
}

static inline int spsc_take(uint32_t *flag)
{
    return __atomic_exchange_n(flag, 0, __ATOMIC_SEQ_CST) != 0;
}

/* The item values: xorshift64. */
static inline uint64_t next_value(uint64_t x)
{
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

/* FNV-1a over the value's little-endian bytes. */
static inline uint32_t checksum(uint32_t h, uint64_t v)
{
    for (int i = 0; i < 64; i += 8) {
        h ^= (uint32_t)((v >> i) & 0xff);
        h *= 0x01000193u;
    }
    return h;
}
#endif
