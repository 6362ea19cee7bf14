/* corral-sandbox: confines one command exactly as a policy says (docs/sandbox-wire-format.md).
 * This file only sequences the steps; each step lives in its own module. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"

#define USAGE "usage: corral-sandbox --check | --policy-fd N [--status-fd M] -- PATH [ARG...]"

static struct policy policy;

/* C2, the command's process, inside every namespace. The order matters: privileges are dropped
 * before Landlock (it needs no_new_privs), and seccomp comes last so that the set-up itself may
 * use what the filter refuses. Resource limits come after, so the helper's own descriptors and
 * memory never count against the command's. */
static _Noreturn void run_command(int sync_fd, int abi, char **argv)
{
	sigset_t none;
	int ruleset, internal[3], listener;

	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0 || setsid() < 0)
		die_errno("new session");
	ruleset = landlock_prepare(&policy, abi);
	process_enter_cwd(policy.cwd);
	internal[0] = sync_fd;
	internal[1] = ruleset;
	internal[2] = status_fd(); /* close-on-exec, like the other two: die() may still need it */
	process_close_fds(&policy, internal, 3);
	process_no_new_privs();
	process_drop_caps();
	landlock_enforce(ruleset);
	listener = seccomp_install();
	process_set_rlimits(&policy.limits);
	if (sync_send(sync_fd, SYNC_READY, abi, listener) < 0)
		die_errno("hand the seccomp listener over");
	close(listener);
	execve(argv[0], argv, policy.env);
	sync_send(sync_fd, SYNC_EXEC_FAILED, 0, -1); /* die() says why */
	die_errno("exec %s", argv[0]);
}

/* C1, pid 1 of the new pid namespace: builds the file system, starts C2, then reaps. */
static _Noreturn void run_init(int sync_fd, int abi, uid_t uid, gid_t gid, int cgroup, char **argv)
{
	pid_t command;

	ns_watch_supervisor(sync_fd);
	if (cgroup >= 0)
		cgroup_join(cgroup);
	ns_setup(uid, gid);
	mounts_open_grants(&policy);
	mounts_build(&policy);
	if ((command = fork()) < 0)
		die_errno("fork the command");
	if (command == 0)
		run_command(sync_fd, abi, argv);
	ns_init(command, sync_fd);
}

static int fd_arg(const char *s)
{
	char *end;
	long v = s ? strtol(s, &end, 10) : -1;

	if (!s || s[0] < '0' || s[0] > '9' || *end != '\0' || v < 3 || v > 1 << 20)
		die("a descriptor number >= 3 is expected, not '%s'; " USAGE, s ? s : "");
	return (int)v;
}

int main(int argc, char **argv)
{
	pid_t parent = getppid(); /* first thing: the later re-check needs the original */
	int policy_fd = -1, status = -1, i = 1, abi, pidfd, sync[2], cgroup;
	sigset_t forwarded;
	uid_t uid = getuid();
	gid_t gid = getgid();
	pid_t c1;

	if (argc == 2 && strcmp(argv[1], "--check") == 0)
		return check_run();
	for (; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
		if (strcmp(argv[i], "--policy-fd") == 0 && policy_fd < 0)
			policy_fd = fd_arg(argv[i + 1]);
		else if (strcmp(argv[i], "--status-fd") == 0 && status < 0)
			status = fd_arg(argv[i + 1]);
		else
			die("unexpected argument '%s'; " USAGE, argv[i]);
	}
	status_init(status);
	if (policy_fd < 0 || policy_fd == status || i + 1 >= argc || argv[i + 1][0] != '/')
		die(USAGE " (PATH absolute, the two descriptors distinct)");
	supervisor_watch_parent(parent);
	policy_read(policy_fd, status, &policy);
	if ((abi = landlock_abi()) < 1)
		die("mode full needs Landlock: %s; hint: " HINT_LANDLOCK, strerror(-abi));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0)
		die_errno("socketpair");
	/* Blocked from before the clone: P0 reads them from a signalfd, and C1 forwards them once
	 * the command exists (C2 unblocks them for itself). */
	forwarded_signals(&forwarded);
	if (sigprocmask(SIG_BLOCK, &forwarded, NULL) < 0)
		die_errno("sigprocmask");
	cgroup = cgroup_create(policy.limits.pids);
	if ((c1 = ns_clone(&pidfd)) == 0) {
		close(sync[0]);
		run_init(sync[1], abi, uid, gid, cgroup, argv + i + 1);
	}
	close(sync[1]);
	if (cgroup >= 0)
		close(cgroup);
	return supervise(c1, pidfd, sync[0], &policy);
}
