/* The steps main.c sequences, one module each (see main.c for the order and the why). */
#ifndef CORRAL_SANDBOX_H
#define CORRAL_SANDBOX_H

#include <sys/types.h>

#include "policy.h"

/* ns.c: namespaces and the pid-1 init. */
pid_t ns_clone(int *pidfd);                /* P0: C1 in fresh namespaces; 0 in C1 */
void ns_watch_supervisor(int sync_fd);      /* C1: die with P0 */
void ns_setup(uid_t uid, gid_t gid);        /* C1: id maps, hostname, loopback */
_Noreturn void ns_init(pid_t command, int sync_fd); /* C1: reap, forward signals, pass on status */

/* mounts.c: the new root (C1). The host device nodes it binds into /dev, all harmless. */
#define DEV_NODES "null", "zero", "full", "random", "urandom"
void mounts_open_grants(struct policy *p);
void mounts_build(const struct policy *p);

/* process.c: the command's process attributes (C2). */
void process_enter_cwd(const char *cwd);
void process_close_fds(const struct policy *p, const int *internal, int n_internal);
void process_no_new_privs(void);
void process_drop_caps(void);
void process_set_rlimits(const struct limits *l);

/* landlock.c */
int landlock_abi(void);                     /* ABI version, or -errno when absent */
int landlock_prepare(const struct policy *p, int abi); /* returns the ruleset fd */
void landlock_enforce(int ruleset_fd);

/* seccomp.c */
int seccomp_install(void);                  /* returns the user-notification listener fd */
const char *seccomp_denied_name(int nr);
int seccomp_denied_errno(int nr);

/* supervisor.c: P0, and the messages C1/C2 send it. */
void supervisor_watch_parent(pid_t parent);
int supervise(pid_t c1, int pidfd, int sync_fd, const struct policy *p);
void sync_send_ready(int sync_fd, int listener_fd, int landlock_abi);
void sync_send_exec_failed(int sync_fd);
void sync_send_status(int sync_fd, int wait_status);
void sync_send_go(int sync_fd);  /* P0 → C1: the cgroup is ready, start the command */
void sync_wait_go(int sync_fd);

/* cgroup.c: the pids limit of a root caller (P0). */
int cgroup_create(unsigned long long pids); /* 1 when the sandbox needs cgroup_add() */
int cgroup_add(pid_t pid);      /* -1 when pid is gone already */
void cgroup_remove(void);

/* check.c */
int check_run(void);

#endif
