/* corral-sandbox: confines one command exactly as a policy says (docs/sandbox-wire-format.md).
 * This file only sequences the steps; each step lives in its own module. */
#include <sys/prctl.h>
#include <sys/socket.h>

#include "args.h"
#include "sandbox.h"

static struct policy policy;

/* The command's process (C2 in mode full, C in mode reduced). The order matters: privileges are
 * dropped before Landlock (it needs no_new_privs), and seccomp comes last so that the set-up
 * itself may use what the filter refuses. Resource limits come after, so the helper's own
 * descriptors and memory never count against the command's. */
static _Noreturn void run_command(int sync_fd, int abi, rlim_t nproc, char **argv)
{
	sigset_t none;
	int ruleset, listener;

	sigemptyset(&none);
	/* A session and process group of its own: no terminal, and in mode reduced the group the
	 * supervisor kills at the end (the filter keeps everything in it). */
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0 || setsid() < 0)
		die_errno("new session");
	ruleset = landlock_prepare(&policy, abi);
	process_enter_cwd(policy.cwd);
	process_close_fds(&policy);
	process_no_new_privs();
	process_drop_caps();
	landlock_enforce(ruleset);
	listener = seccomp_install(&policy, abi);
	process_set_rlimits(&policy.limits, nproc, policy.cgroup_version);
	if (sync_send(sync_fd, SYNC_READY, abi, listener) < 0)
		die_errno("hand the seccomp listener over");
	close(listener);
	execve(argv[0], argv, policy.env);
	sync_send(sync_fd, SYNC_EXEC_FAILED, 0, -1); /* die() says why */
	die_errno("run the command %s", argv[0]);
}

/* C1, pid 1 of the new pid namespace: builds the file system, starts C2, then reaps. */
static _Noreturn void run_init(int sync_fd, int abi, uid_t uid, gid_t gid, char **argv)
{
	pid_t command;

	ns_watch_supervisor(sync_fd);
	process_join_cgroups(&policy);
	ns_setup(uid, gid);
	if (policy.proxy_port)
		ns_proxy_listen(policy.proxy_port, policy.proxy_fd);
	mounts_open_grants(&policy);
	mounts_build(&policy);
	if ((command = fork()) < 0)
		die_errno("fork the command");
	/* RLIMIT_NPROC is counted per user namespace since Linux 5.14, so only the sandbox's
	 * processes count; + 1 for its init, which is one of them. */
	if (command == 0)
		run_command(sync_fd, abi, policy.limits.pids + 1, argv);
	ns_init(command, sync_fd);
}

/* P0 in mode reduced: no namespace can be made (docs/platforms.md). The command's process C is
 * P0's own child; Landlock rules name the host's paths, and the filter closes what the
 * namespaces would have. */
static pid_t start_reduced(int sync[2], int abi, rlim_t *nproc, char **argv, int *pidfd)
{
	pid_t child;

	/* RLIMIT_NPROC counts every task of the caller's uid, machine-wide: start from those
	 * there are now, so that the command may have `limit pids` of its own, more or less what
	 * the caller's other programs start or end meanwhile (docs/security.md). */
	*nproc = process_count_tasks(getuid()) + policy.limits.pids;
	/* Orphans of the sandbox become P0's children, not init's: P0 reaps and kills them. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die_errno("prctl(PR_SET_CHILD_SUBREAPER)");
	if ((child = ns_clone(MODE_REDUCED, pidfd)) == 0) {
		close(sync[0]);
		ns_watch_supervisor(sync[1]);
		process_join_cgroups(&policy);
		mounts_open_grants(&policy);
		run_command(sync[1], abi, *nproc, argv);
	}
	return child;
}

int main(int argc, char **argv)
{
	pid_t parent = getppid(); /* first thing: the later re-check needs the original */
	int abi, pidfd, sync[2];
	sigset_t forwarded;
	uid_t uid = getuid();
	gid_t gid = getgid();
	rlim_t nproc = 0; /* mode reduced's RLIMIT_NPROC, for the `layers` line */
	pid_t child;
	struct args args;
	char err[256];

	if (args_parse(argc, argv, &args, err, sizeof err) == 0 && args.check)
		return check_run();
	status_init(args.status_fd); /* even for a bad command line: the caller is told why */
	if (!args.command)
		die("%s", err);
	supervisor_watch_parent(parent);
	policy_read(args.policy_fd, args.status_fd, &policy);
	abi = landlock_abi();
	if (policy.mode == MODE_FULL && abi < 1)
		die("mode full needs Landlock: %s; hint: " HINT_LANDLOCK, strerror(-abi));
	/* Without a network namespace, Landlock's TCP rules are the network's only fence. */
	if (policy.mode == MODE_REDUCED && abi < 1)
		die("mode reduced needs Landlock: %s; hint: " HINT_LANDLOCK_TCP, strerror(-abi));
	if (policy.mode == MODE_REDUCED && abi < 4)
		die("mode reduced needs Landlock ABI 4 or later (TCP rules), this kernel offers ABI %d; "
		    "hint: " HINT_LANDLOCK_TCP, abi);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0)
		die_errno("socketpair");
	/* Blocked from before the clone: P0 reads them from a signalfd, and C1 forwards them once
	 * the command exists (the command unblocks them for itself). */
	forwarded_signals(&forwarded);
	if (policy.mode == MODE_REDUCED)
		sigaddset(&forwarded, SIGCHLD); /* P0 reaps the sandbox's orphans */
	if (sigprocmask(SIG_BLOCK, &forwarded, NULL) < 0)
		die_errno("sigprocmask");
	if (!policy.cgroup_version && getuid() == 0)
		die("limits.pids: uid 0 is exempt from RLIMIT_NPROC, and the caller gave no cgroup (it "
		    "makes one in cgroup v2 delegated to it or v1 under /sys/fs/cgroup); hint: run "
		    "corral as an unprivileged user");
	if (policy.mode == MODE_REDUCED) {
		child = start_reduced(sync, abi, &nproc, args.command, &pidfd);
	} else if ((child = ns_clone(MODE_FULL, &pidfd)) == 0) {
		close(sync[0]);
		run_init(sync[1], abi, uid, gid, args.command);
	}
	close(sync[1]);
	if (policy.proxy_fd >= 0)
		close(policy.proxy_fd); /* C1's to use, and the cgroups' */
	for (int i = 0; i < policy.n_cgroup_fds; i++)
		close(policy.cgroup_fds[i]);
	return supervise(child, pidfd, sync[0], &policy, nproc);
}
