/* <sys/wait.h>: waiting for children; statuses in Linux's encoding. */
#ifndef MOSAIC_SYS_WAIT_H
#define MOSAIC_SYS_WAIT_H

#include <signal.h>
#include <sys/types.h>

#define WNOHANG 1
#define WUNTRACED 2
#define WSTOPPED 2
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x1000000

#define WEXITSTATUS(s) (((s) & 0xff00) >> 8)
#define WTERMSIG(s) ((s) & 0x7f)
#define WSTOPSIG(s) WEXITSTATUS(s)
#define WCOREDUMP(s) ((s) & 0x80)
#define WIFEXITED(s) (WTERMSIG(s) == 0)
#define WIFSTOPPED(s) (((s) & 0xff) == 0x7f && ((s) & 0xffff) != 0xffff)
#define WIFSIGNALED(s) (((signed char)(((s) & 0x7f) + 1) >> 1) > 0)
#define WIFCONTINUED(s) ((s) == 0xffff)

typedef enum { P_ALL = 0, P_PID = 1, P_PGID = 2 } idtype_t;

#ifdef __cplusplus
extern "C" {
#endif

pid_t wait(int* status);
pid_t waitpid(pid_t pid, int* status, int options);
int waitid(idtype_t type, id_t id, siginfo_t* info, int options);

#ifdef __cplusplus
}
#endif

#endif
