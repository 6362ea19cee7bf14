/* The policy the caller compiled (docs/sandbox-wire-format.md), parsed and validated. */
#ifndef CORRAL_POLICY_H
#define CORRAL_POLICY_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Caps from the wire format; each array is fixed so a policy can never make us allocate. */
#define POLICY_MAX_BYTES 65536 /* longer input is refused, not truncated */
#define MAX_MOUNTS 64          /* ro + rw: ~20 system paths plus an extension's grants */
#define MAX_SYMLINKS 32        /* merged-/usr links and a few /etc ones */
#define MAX_TMPFS 8            /* private scratch folders; each costs RAM */
#define MAX_EXEC 16            /* runtime, loader and a few tool folders */
#define MAX_ENV 128            /* a clean environment is short */
#define MAX_KEEP_FDS 8         /* the broker socket and little else */

/* full: every namespace; reduced: Landlock, seccomp and rlimits on the host's own view. */
enum sandbox_mode { MODE_FULL = 1, MODE_REDUCED };

/* ro, rw and tmpfs lines, kept in policy order: they are mounted in that order. */
enum mount_kind { MOUNT_RO, MOUNT_RW, MOUNT_TMPFS };

struct grant {
	const char *path;
	enum mount_kind kind; /* unused for exec grants */
	int fd;               /* O_PATH, opened without following symlinks by C1; -1 for tmpfs */
};

struct symlink_spec {
	const char *path;
	const char *target;
};

struct limits {
	uint64_t memory, cpu_percent, pids, nofile, fsize, timeout_ms;
};

struct policy {
	enum sandbox_mode mode;
	struct grant mounts[MAX_MOUNTS + MAX_TMPFS];
	int n_mounts, n_binds, n_tmpfs; /* n_mounts = n_binds + n_tmpfs */
	struct symlink_spec symlinks[MAX_SYMLINKS];
	int n_symlinks;
	struct grant exec[MAX_EXEC];
	int n_exec;
	const char *cwd;
	char *env[MAX_ENV + 1]; /* "NAME=VALUE", NULL-terminated: execve's envp as is */
	int n_env;
	int keep_fds[MAX_KEEP_FDS];
	int n_keep_fds;
	int spawn;           /* spawn yes|no: whether the command may start other programs */
	int terminal_pty;    /* terminal pty: stdio is the caller's own pty, not its terminal */
	uint16_t proxy_port; /* proxy-listen: 0 when absent */
	int proxy_fd;        /* the caller's unix socket the listener is sent on; -1 when absent */
	/* cgroup VERSION FD: the caller's cgroup(s) holding memory, pids and the CPU rate, joined
	 * through these `tasks` (v1) or `cgroup.procs` (v2) files; version 0 when none. */
	int cgroup_version, cgroup_fds[3], n_cgroup_fds;
	struct limits limits;
};

/* Parses text[0..len) in place (text[len] must be writable). On error returns -1 with a
 * one-line reason in err. The policy's strings point into text. */
int policy_parse(char *text, size_t len, int policy_fd, int status_fd, struct policy *p, char *err,
		 size_t errlen);
/* Reads the whole policy from fd (at most POLICY_MAX_BYTES), closes fd, parses; dies on error. */
void policy_read(int fd, int status_fd, struct policy *p);

#endif
