/* <getopt.h>: POSIX getopt. optarg, optind, opterr and optopt are per process (processes share
 * one address space), so they are macros over the calling process's state. No argument
 * permutation ('+' in optstring is accepted and ignored); "::" marks an optional argument (GNU).
 * getopt_long is not provided. */
#ifndef MOSAIC_GETOPT_H
#define MOSAIC_GETOPT_H

#ifdef __cplusplus
extern "C" {
#endif

struct mos_getopt_state {
  char* optarg;
  int optind;
  int opterr;
  int optopt;
  int next_char;
};

/* The calling process's getopt state (defined by the process layer). */
struct mos_getopt_state* __mos_getopt_state(void);

#define optarg (__mos_getopt_state()->optarg)
#define optind (__mos_getopt_state()->optind)
#define opterr (__mos_getopt_state()->opterr)
#define optopt (__mos_getopt_state()->optopt)

int getopt(int argc, char* const argv[], const char* optstring);

#ifdef __cplusplus
}
#endif

#endif
