/* <sys/klog.h>: the kernel log (klogctl, as syslog(2)). */
#ifndef MOSAIC_SYS_KLOG_H
#define MOSAIC_SYS_KLOG_H

#ifdef __cplusplus
extern "C" {
#endif

/* 3 (SYSLOG_ACTION_READ_ALL) copies the log; 10 (SIZE_BUFFER) gives its size. */
int klogctl(int type, char* buffer, int length);

#ifdef __cplusplus
}
#endif

#endif
