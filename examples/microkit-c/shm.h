/* The layout of the region the shared_memory PDs share. */
#ifndef SHM_H
#define SHM_H
#include <stdint.h>

struct shm {
    volatile uint32_t seq;   /* number of the message in text, written last */
    char text[60];
};

#define MESSAGES 3
#endif
