/* The steps main.c sequences, one module each (see main.c for the order and the why). */
#ifndef CORRAL_SANDBOX_H
#define CORRAL_SANDBOX_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <asm/unistd.h> /* __NR_*: the kernel headers of the build (Linux >= 6.1) */
#include <sys/types.h>
#include <unistd.h>

#include "policy.h"

#define FINAL_WAIT_MS 1000 /* how long a slow reader may hold up the closing status lines */

/* report.c: what the caller is told, status lines and the one-line fatal error. */

#define EXIT_SETUP 125 /* the sandbox could not be set up and nothing ran (wire format) */

/* Remembers the --status-fd (or -1), made non-blocking so a slow reader never stalls us. */
void status_init(int fd);
/* Writes one line; waits at most wait_ms for the reader. Returns -1 when the line was lost. */
int status_line(int wait_ms, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print `corral-sandbox: MSG` (plus `: strerror` for die_errno), send `error MSG`, exit 125. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* files.c: small file helpers. */


/* openat2(RESOLVE_NO_SYMLINKS) with O_CLOEXEC added: a symlink anywhere in path gives ELOOP. */
int open_nofollow(int dirfd, const char *path, int flags);
/* Writes text to an existing file in one write(2), as /proc/self/uid_map requires. */
void write_file(const char *path, const char *text);
/* Reads a small text file (a /proc entry) into buf, NUL-terminated; -1 when it cannot. */
int read_text(const char *path, char *buf, size_t size);

struct seccomp_data;

/* How to enable a missing layer, for --check and for the one-line refusal. */
#define HINT_USERNS                                                                   \
	"enable unprivileged user namespaces (user.max_user_namespaces > 0, "           \
	"kernel.unprivileged_userns_clone=1, or kernel.apparmor_restrict_unprivileged_userns=0)"
#define HINT_LANDLOCK_LSM "CONFIG_SECURITY_LANDLOCK=y and 'landlock' in the lsm= boot parameter"
#define HINT_LANDLOCK "Linux >= 5.13 with " HINT_LANDLOCK_LSM
#define HINT_LANDLOCK_TCP "Linux >= 6.7 with " HINT_LANDLOCK_LSM
/* Ubuntu 23.10+: the namespace is made, but without capabilities, so the next step fails. */
#define HINT_APPARMOR                                                                        \
	"AppArmor restricts unprivileged user namespaces: give corral-sandbox a profile with "   \
	"'userns,' or set kernel.apparmor_restrict_unprivileged_userns=0"
#define HINT_SECCOMP "Linux >= 5.0 with CONFIG_SECCOMP_FILTER=y"

/* ns.c: namespaces and the pid-1 init. Every namespace the helper makes, and so every one the
 * command may not make for itself (seccomp.c refuses these clone flags). */
#define SANDBOX_NAMESPACES                                                                   \
	(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | \
	 CLONE_NEWCGROUP)
pid_t ns_clone(enum sandbox_mode mode, int *pidfd); /* P0: C1 (full) or C (reduced); 0 there */
void ns_watch_supervisor(int sync_fd);      /* C1 or C: die with P0 */
void ns_setup(uid_t uid, gid_t gid);        /* C1: id maps, hostname, loopback */
void ns_proxy_listen(uint16_t port, int fd); /* C1: `proxy-listen PORT FD` */
_Noreturn void ns_init(pid_t command, int sync_fd); /* C1: reap, forward signals, pass on status */
/* The signals the helper passes on to the command: a caller's polite requests to stop. */
void forwarded_signals(sigset_t *set);

/* mounts.c: the new root (C1). The host device nodes it binds into /dev, all harmless. */
#define DEV_NODES "null", "zero", "full", "random", "urandom"
void mounts_open_grants(struct policy *p);
void mounts_build(const struct policy *p);

/* process.c: the command's process attributes (C2). */
void process_enter_cwd(const char *cwd);
void process_close_fds(const struct policy *p);
void process_join_cgroups(const struct policy *p); /* C1 or C, before it starts the command */
void process_no_new_privs(void);
void process_drop_caps(void);
/* cgroups: 1 when a cgroup holds the pids limit and the CPU rate (cgroup.c), else 0. */
void process_set_rlimits(const struct limits *l, rlim_t nproc, int cgroups);
rlim_t process_count_tasks(uid_t uid);      /* P0, mode reduced: the caller's tasks now */

/* landlock.c */
int landlock_abi(void);                     /* ABI version, or -errno when absent */
int landlock_prepare(const struct policy *p, int abi); /* returns the ruleset fd */
void landlock_enforce(int ruleset_fd);

/* seccomp.c */
int seccomp_install(const struct policy *p, int abi); /* the notification listener */
const char *seccomp_denied_name(int nr);
int seccomp_denied_errno(const struct seccomp_data *d);
/* Mode reduced: whether a call on another process acts on the sandbox's own (group `group`). */
int seccomp_allowed(const struct seccomp_data *d, pid_t group);

/* sync.c: the messages C1 and C2 send P0 on a SOCK_SEQPACKET pair (and C1 the caller). */
enum sync_kind {
	SYNC_READY = 'R',       /* C2 → P0: value = Landlock ABI, with the seccomp listener fd */
	SYNC_EXEC_FAILED = 'E', /* C2 → P0: execve failed (C2 then dies with the reason) */
	SYNC_STATUS = 'S',      /* C1 → P0: value = the command's wait status */
	SYNC_PROXY = 'L',       /* C1 → the caller: the proxy's listening socket (value = port) */
};
struct sync_msg {
	char kind;
	int value;
};
int sync_send(int fd, char kind, int value, int pass_fd); /* 0, or -1 with errno */
/* Non-blocking; 0 at the end, -1 with errno; *pass_fd is the descriptor that came, or -1. */
ssize_t sync_recv(int fd, struct sync_msg *msg, int *pass_fd);

/* supervisor.c: P0. */
void supervisor_watch_parent(pid_t parent);
/* P0 until the end; child is C1 (full) or C (reduced); nproc is the command's RLIMIT_NPROC. */
int supervise(pid_t child, int pidfd, int sync_fd, const struct policy *p, rlim_t nproc);

#define CGROUP_NAME(version) ((version) == 2 ? "v2" : (version) == 1 ? "v1" : "none")

/* check.c */
int check_run(void);

#endif
