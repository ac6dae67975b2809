/* The Linux side of the guest scheduling benchmarks (bench/README.md): the same measurements as
 * Mosaic's bench image (apps/bench/sched.cpp), made by a static program that runs as /init of a
 * Debian kernel in the same QEMU, under -icount, so that both count guest instructions.
 * tools/linux_reference.py builds it, boots it and reads the "bench:" lines it prints; it ends
 * the machine through isa-debug-exit. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/io.h>
#include <unistd.h>

enum { kYields = 2000, kRoundTrips = 2000, kSpawns = 200 };

static inline uint64_t rdtsc(void) {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

static void* yielder(void* arg) {
  (void)arg;
  for (int i = 0; i < kYields; ++i) sched_yield();
  return NULL;
}

static sem_t ping, pong;

static void* ponger(void* arg) {
  (void)arg;
  for (int i = 0; i < kRoundTrips; ++i) {
    sem_wait(&ping);
    sem_post(&pong);
  }
  return NULL;
}

static void* nothing(void* arg) { return arg; }

int main(void) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  sched_setaffinity(0, sizeof one, &one);
  setvbuf(stdout, NULL, _IONBF, 0);

  /* Two threads yielding to each other: every yield is a switch. */
  pthread_t a, b;
  uint64_t start = rdtsc();
  pthread_create(&a, NULL, yielder, NULL);
  pthread_create(&b, NULL, yielder, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  printf("bench: sched.yield_switch %llu\n",
         (unsigned long long)((rdtsc() - start) / (2 * kYields)));

  /* A semaphore ping-pong: each round trip is two wakeups and two switches. */
  sem_init(&ping, 0, 0);
  sem_init(&pong, 0, 0);
  pthread_t p;
  pthread_create(&p, NULL, ponger, NULL);
  start = rdtsc();
  for (int i = 0; i < kRoundTrips; ++i) {
    sem_post(&ping);
    sem_wait(&pong);
  }
  printf("bench: sched.wake_switch %llu\n",
         (unsigned long long)((rdtsc() - start) / (2 * kRoundTrips)));
  pthread_join(p, NULL);

  /* Creating a thread and joining it after it ended. */
  start = rdtsc();
  for (int i = 0; i < kSpawns; ++i) {
    pthread_t t;
    pthread_create(&t, NULL, nothing, NULL);
    pthread_join(t, NULL);
  }
  printf("bench: sched.spawn_join %llu\n", (unsigned long long)((rdtsc() - start) / kSpawns));

  /* isa-debug-exit: QEMU ends with status (1 << 1) | 1 = 3, which the runner maps to 0. */
  if (ioperm(0xf4, 4, 1) == 0) outl(1, 0xf4);
  for (;;) pause();
}
