/* The command's process attributes: working folder, descriptors, no_new_privs, capabilities,
 * rlimits; and the count of the caller's tasks that RLIMIT_NPROC starts from in mode reduced. */
#include <dirent.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "sandbox.h"

#define CLOSE_RANGE_CLOEXEC (1U << 2)
#define CAP_PROBE_MAX 64 /* capabilities fit a u64 mask; the kernel says EINVAL past its last */

void process_enter_cwd(const char *cwd)
{
	int fd = open_nofollow(AT_FDCWD, cwd, O_PATH | O_DIRECTORY);

	if (fd < 0 || fchdir(fd) < 0)
		die_errno("working folder %s", cwd);
	close(fd);
}

/* From here every descriptor but 0-2 and the keep-fd ones is close-on-exec (Linux 5.11), so a
 * secret the caller leaked to us without O_CLOEXEC never reaches the command, while ours stay
 * usable until execve. */
void process_close_fds(const struct policy *p)
{
	if (syscall(__NR_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		die_errno("close_range");
	for (int i = 0; i < p->n_keep_fds; i++)
		if (fcntl(p->keep_fds[i], F_SETFD, 0) < 0)
			die_errno("keep-fd %d", p->keep_fds[i]);
}

/* The caller's cgroups: the first process of the sandbox moves itself in, before the command. */
void process_join_cgroups(const struct policy *p)
{
	for (int i = 0; i < p->n_cgroup_fds; i++)
		if (write(p->cgroup_fds[i], "0", 1) != 1 || close(p->cgroup_fds[i]) < 0)
			die_errno("join the caller's cgroup (descriptor %d)", p->cgroup_fds[i]);
}

void process_no_new_privs(void)
{
	/* Exec can no longer gain anything (set-uid, file caps); also what Landlock and seccomp
	 * require of an unprivileged caller. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno("prctl(PR_SET_NO_NEW_PRIVS)");
}

void process_drop_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct held[2], none[2] = { { 0 } };

	/* C2 holds every capability of the sandbox's user namespace (it was born there), as does a
	 * root caller in mode reduced. An unprivileged caller in mode reduced holds none, and can
	 * neither shrink the bounding set nor lock securebits; nor need it: no_new_privs keeps exec
	 * from granting more than the (empty) permitted set. */
	if (syscall(__NR_capget, &hdr, held) < 0)
		die_errno("capget");
	for (int cap = 0; (held[0].effective & (1U << CAP_SETPCAP)) && cap < CAP_PROBE_MAX; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break;
			die_errno("prctl(PR_CAPBSET_DROP, %d)", cap);
		}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		die_errno("prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	/* Locked: uid 0 (a root caller is mapped to itself) gets no capabilities back on exec. */
	if ((held[0].effective & (1U << CAP_SETPCAP)) &&
	    prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
			  SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
			  SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
		  0, 0, 0) < 0)
		die_errno("prctl(PR_SET_SECUREBITS)");
	if (syscall(__NR_capset, &hdr, none) < 0)
		die_errno("capset");
}

static void set_limit(int resource, rlim_t soft, rlim_t hard, const char *what)
{
	struct rlimit rl = { .rlim_cur = soft, .rlim_max = hard };

	if (setrlimit(resource, &rl) < 0)
		die_errno("%s (the caller's own limit may be lower)", what);
}

void process_set_rlimits(const struct limits *l, rlim_t nproc, int cgroups)
{
	/* The CPU rate is the cgroup's (app/sandbox/cgroup.ts). Without one, each process may use the CPU time
	 * the rate allows over the whole timeout, ceil(timeout × percent / 100), plus one second:
	 * a process that keeps to its rate always meets the wall clock first, never a tie with it.
	 * The hard limit one second later turns SIGXCPU into SIGKILL for one that ignores it. */
	rlim_t cpu = (rlim_t)((l->timeout_ms * l->cpu_percent + 99999) / 100000) + 1;
	struct rlimit mq = { 0, 0 };

	/* The names are the manifest's: a caller whose own hard limit is lower cannot raise it. */
	set_limit(RLIMIT_DATA, l->memory, l->memory, "limits.memoryMB"); /* RLIMIT_AS breaks V8 */
	set_limit(RLIMIT_CPU, cgroups ? RLIM_INFINITY : cpu, cgroups ? RLIM_INFINITY : cpu + 1,
		  "limits.cpuPercent");
	set_limit(RLIMIT_NPROC, nproc, nproc, "limits.pids"); /* see main.c for what it counts */
	set_limit(RLIMIT_NOFILE, l->nofile, l->nofile, "limits.openFiles");
	set_limit(RLIMIT_FSIZE, l->fsize, l->fsize, "limits.fileSizeMB");
	set_limit(RLIMIT_CORE, 0, 0, "a core file size of 0"); /* it would carry the memory out */
	/* POSIX message queues, in kernel memory: at most the memory limit, or the caller's own
	 * lower one (800 KiB by default; mode reduced refuses them anyway). */
	getrlimit(RLIMIT_MSGQUEUE, &mq);
	mq.rlim_max = mq.rlim_max < l->memory ? mq.rlim_max : l->memory;
	set_limit(RLIMIT_MSGQUEUE, mq.rlim_max, mq.rlim_max, "limits.memoryMB (message queues)");
}

rlim_t process_count_tasks(uid_t uid)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	rlim_t tasks = 0;

	if (!proc)
		die_errno("/proc");
	/* RLIMIT_NPROC counts tasks (threads too) by real uid, as /proc/PID/status shows them. */
	while ((e = readdir(proc))) {
		char path[300], status[4096], *uid_line, *threads;
		unsigned real;

		snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || read_text(path, status, sizeof status))
			continue; /* not a process, or gone meanwhile */
		uid_line = strstr(status, "\nUid:");
		threads = strstr(status, "\nThreads:");
		if (uid_line && threads && sscanf(uid_line, "\nUid: %u", &real) == 1 && real == uid)
			tasks += strtoul(threads + 9, NULL, 10);
	}
	closedir(proc);
	return tasks;
}
