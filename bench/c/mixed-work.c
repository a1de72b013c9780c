/*
 * The mixed workload of `npm run bench` (bench/mixed.ts): ordinary compiled C with calls
 * (recursive and through pointers), loads and stores of every width, data-dependent branches,
 * 64-bit multiplies and divides. Every round starts from the same data, so every round runs the
 * same instructions: the bench counts them on sel4ts and times the same code under qemu-riscv64.
 * Built into a seL4 root task (mixed-root.c) and a bare Linux program (mixed-linux.S).
 */
#include <stdint.h>

#define N 512

/* Rounds to run: the loader patches it (the bench sets it per engine). */
volatile uint64_t mixed_rounds = 1;
uint64_t mixed_result;

static int64_t data[N];
static uint32_t words[N];
static uint8_t bytes[N * 4];
struct node {
    struct node *next;
    int64_t value;
};
static struct node nodes[N];

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void fill(uint64_t seed)
{
    for (int i = 0; i < N; i++) {
        data[i] = (int64_t)next_random(&seed);
        words[i] = (uint32_t)next_random(&seed);
    }
    for (int i = 0; i < N; i++) {
        nodes[i].next = &nodes[(i * 7 + 3) % N];
        nodes[i].value = data[i] >> 20;
    }
}

static void quicksort(int64_t *a, long lo, long hi)
{
    while (lo < hi) {
        int64_t pivot = a[(lo + hi) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) {
                i++;
            }
            while (a[j] > pivot) {
                j--;
            }
            if (i <= j) {
                int64_t t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

static uint32_t crc32(const uint8_t *p, long n)
{
    uint32_t c = 0xffffffffu;
    for (long i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
        }
    }
    return ~c;
}

static uint64_t hash_words(const uint32_t *w, long n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (long i = 0; i < n; i++) {
        h = (h ^ w[i]) * 0x100000001b3ull;
    }
    return h;
}

static int64_t walk(const struct node *p, long steps)
{
    int64_t s = 0;
    while (steps-- > 0) {
        s += p->value % 1000;
        p = p->next;
    }
    return s;
}

static void matmul(int64_t *c, const int64_t *a, const int64_t *b, int n)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            int64_t s = 0;
            for (int k = 0; k < n; k++) {
                s += a[i * n + k] * b[k * n + j];
            }
            c[i * n + j] = s;
        }
    }
}

typedef uint64_t (*step_fn)(uint64_t);
static uint64_t step_a(uint64_t x) { return x * 3 + 1; }
static uint64_t step_b(uint64_t x) { return x / 2; }
static uint64_t step_c(uint64_t x) { return (x << 5) ^ (x >> 3); }
static step_fn volatile steps[3] = {step_a, step_b, step_c};

static uint64_t one_round(uint64_t r)
{
    fill(0x9e3779b97f4a7c15ull);
    quicksort(data, 0, N - 1);
    for (int i = 0; i < N; i++) {
        bytes[4 * i] = (uint8_t)data[i];
        bytes[4 * i + 1] = (uint8_t)(data[i] >> 8);
        *(uint16_t *)&bytes[4 * i + 2] = (uint16_t)words[i];
    }
    uint64_t acc = crc32(bytes, 256);
    acc += hash_words(words, N);
    acc += (uint64_t)walk(&nodes[0], 2048);
    static int64_t m[3][16 * 16];
    for (int i = 0; i < 16 * 16; i++) {
        m[0][i] = data[i] & 0xffff;
        m[1][i] = data[i + 256] & 0xffff;
    }
    matmul(m[2], m[0], m[1], 16);
    acc += (uint64_t)m[2][17];
    uint64_t x = acc | 1;
    for (int i = 0; i < 300; i++) {
        x = steps[x % 3](x);
    }
    return acc ^ x ^ r;
}

uint64_t mixed_run(void)
{
    uint64_t acc = 0;
    for (uint64_t r = 0; r < mixed_rounds; r++) {
        acc += one_round(0);
    }
    mixed_result = acc;
    return acc;
}
