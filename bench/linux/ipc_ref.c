/* The Linux side of the guest IPC benchmarks (bench/README.md): round trips to an echo thread
 * through pipes and through POSIX message queues, at 64 B, 4 KiB and 64 KiB, as Mosaic's bench
 * image measures its pipes and channels (apps/bench/ipc.cpp). Runs as /init under -icount;
 * tools/linux_reference.py builds and boots it. As /init it runs as root, so message queues take
 * 64 KiB messages beyond fs.mqueue.msgsize_max (8 KiB; the host benchmark, unprivileged, cannot). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <unistd.h>

enum { kRoundTrips = 500 };
static const size_t kSizes[] = {64, 4096, 65536};

static inline uint64_t rdtsc(void) {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

static char message[65536], reply[65536], echo_buffer[65536];

static void all(int fd, char* data, size_t size, int reading) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = reading ? read(fd, data + done, size - done) : write(fd, data + done, size - done);
    if (n <= 0) return;
    done += (size_t)n;
  }
}

struct pipes { int there[2], back[2]; size_t size; };

static void* pipe_echo(void* arg) {
  struct pipes* p = arg;
  for (int i = 0; i < kRoundTrips; ++i) {
    all(p->there[0], echo_buffer, p->size, 1);
    all(p->back[1], echo_buffer, p->size, 0);
  }
  return NULL;
}

static void pipe_round_trips(size_t size) {
  struct pipes p;
  p.size = size;
  if (pipe(p.there) || pipe(p.back)) return;
  fcntl(p.there[1], F_SETPIPE_SZ, 65536);
  fcntl(p.back[1], F_SETPIPE_SZ, 65536);
  pthread_t t;
  pthread_create(&t, NULL, pipe_echo, &p);
  uint64_t start = rdtsc();
  for (int i = 0; i < kRoundTrips; ++i) {
    all(p.there[1], message, size, 0);
    all(p.back[0], reply, size, 1);
  }
  printf("bench: ipc.pipe_round_trip_%zu %llu\n", size,
         (unsigned long long)((rdtsc() - start) / kRoundTrips));
  pthread_join(t, NULL);
}

struct queues { mqd_t there, back; size_t size; };

static void* queue_echo(void* arg) {
  struct queues* q = arg;
  for (int i = 0; i < kRoundTrips; ++i) {
    ssize_t n = mq_receive(q->there, echo_buffer, q->size, NULL);
    if (n < 0) return NULL;
    mq_send(q->back, echo_buffer, (size_t)n, 0);
  }
  return NULL;
}

static void queue_round_trips(size_t size) {
  struct mq_attr attributes = {.mq_maxmsg = 1, .mq_msgsize = (long)size};
  struct queues q = {.size = size};
  q.there = mq_open("/bench-there", O_RDWR | O_CREAT, 0600, &attributes);
  q.back = mq_open("/bench-back", O_RDWR | O_CREAT, 0600, &attributes);
  mq_unlink("/bench-there");
  mq_unlink("/bench-back");
  if (q.there == (mqd_t)-1 || q.back == (mqd_t)-1) return;  /* Too large for the kernel. */
  pthread_t t;
  pthread_create(&t, NULL, queue_echo, &q);
  uint64_t start = rdtsc();
  for (int i = 0; i < kRoundTrips; ++i) {
    mq_send(q.there, message, size, 0);
    mq_receive(q.back, reply, size, NULL);
  }
  printf("bench: ipc.message_round_trip_%zu %llu\n", size,
         (unsigned long long)((rdtsc() - start) / kRoundTrips));
  pthread_join(t, NULL);
  mq_close(q.there);
  mq_close(q.back);
}

int main(void) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  sched_setaffinity(0, sizeof one, &one);
  setvbuf(stdout, NULL, _IONBF, 0);
  for (size_t i = 0; i < sizeof kSizes / sizeof kSizes[0]; ++i) {
    pipe_round_trips(kSizes[i]);
    queue_round_trips(kSizes[i]);
  }
  if (ioperm(0xf4, 4, 1) == 0) outl(1, 0xf4);
  for (;;) pause();
}
