/* Limits through cgroups, where the caller can make one: the pids limit and the CPU rate.
 * A root caller gets a group of its own in each v1 hierarchy (pids, cpu), beneath its own group
 * there, so that whatever bounds the caller still bounds the sandbox. The kernel exempts uid 0
 * from RLIMIT_NPROC (copy_process() spares INIT_USER, even in a user namespace), so for root the
 * cgroup is required; an unprivileged caller has no writable cgroup on the machines we test on,
 * and gets rlimits only (docs/security.md says what that leaves). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox.h"
#include "files.h"
#include "report.h"

#define CGROUP_V1 "/sys/fs/cgroup"
#define CPU_PERIOD_US 100000 /* the kernel's default CFS period: a quota of percent × 1,000 µs */

enum { PIDS, CPU, N_CONTROLLERS };
static const char *const controllers[N_CONTROLLERS] = { "pids", "cpu" };
static char groups[N_CONTROLLERS][PATH_MAX]; /* empty: not made (or removed) */
static int tasks[N_CONTROLLERS] = { -1, -1 };

/* The caller's own group in a v1 hierarchy: /proc/self/cgroup has "ID:CONTROLLERS:PATH". */
static int own_group(const char *controller, char *dir, size_t size)
{
	char text[4096], want[32], *save = NULL;

	if (read_text("/proc/self/cgroup", text, sizeof text) < 0)
		return -1;
	snprintf(want, sizeof want, ",%s,", controller);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char list[256], *path = strchr(line, ':'), *end = path ? strchr(path + 1, ':') : NULL;

		if (!end)
			continue;
		snprintf(list, sizeof list, ",%.*s,", (int)(end - path - 1), path + 1);
		if (strstr(list, want))
			return snprintf(dir, size, CGROUP_V1 "/%s%s", controller,
					strcmp(end + 1, "/") == 0 ? "" : end + 1) < (int)size ? 0 : -1;
	}
	return -1;
}

/* Removes the empty groups of helpers that were SIGKILLed and could not clean up themselves;
 * rmdir refuses a group that still holds a process, so a live sandbox is never touched. */
static void sweep(const char *parent)
{
	DIR *dir = opendir(parent);
	struct dirent *e;
	int pid;

	while (dir && (e = readdir(dir)))
		if (sscanf(e->d_name, "corral-sandbox-%d", &pid) == 1 && kill(pid, 0) < 0 &&
		    errno == ESRCH)
			unlinkat(dirfd(dir), e->d_name, AT_REMOVEDIR);
	if (dir)
		closedir(dir);
}

static int write_knob(const char *group, const char *knob, unsigned long long value)
{
	char path[PATH_MAX + 32], text[32];
	int fd, n = snprintf(text, sizeof text, "%llu", value);

	snprintf(path, sizeof path, "%s/%s", group, knob);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	n = write(fd, text, (size_t)n) == n ? 0 : -1;
	close(fd);
	return n;
}

static int make_group(int i, const struct limits *l, unsigned long long pids)
{
	char parent[PATH_MAX - 32], path[PATH_MAX + 16];

	if (own_group(controllers[i], parent, sizeof parent) < 0)
		return -1;
	sweep(parent);
	snprintf(groups[i], sizeof groups[i], "%s/corral-sandbox-%d", parent, getpid());
	if (mkdir(groups[i], 0700) < 0) {
		groups[i][0] = '\0';
		return -1;
	}
	if (i == PIDS ? write_knob(groups[i], "pids.max", pids)
		      : write_knob(groups[i], "cpu.cfs_quota_us",
				   l->cpu_percent * CPU_PERIOD_US / 100))
		return -1;
	/* C1 (or C) moves itself in through `tasks`: a single thread moving itself skips the
	 * global threadgroup lock (and its RCU grace period) of a cgroup.procs write. */
	snprintf(path, sizeof path, "%s/tasks", groups[i]);
	return (tasks[i] = open(path, O_WRONLY | O_CLOEXEC)) < 0 ? -1 : 0;
}

int cgroup_create(const struct limits *l, unsigned long long pids)
{
	if (getuid() != 0)
		return 0;
	for (int i = 0; i < N_CONTROLLERS; i++) {
		if (make_group(i, l, pids) < 0) {
			int saved = errno;

			cgroup_remove();
			errno = saved;
			die_errno("limits.pids and limits.cpuPercent: uid 0 is exempt from RLIMIT_NPROC, "
				  "and no %s cgroup could be made in " CGROUP_V1 "/%s (hint: run corral "
				  "as an unprivileged user)", controllers[i], controllers[i]);
		}
	}
	return 1;
}

void cgroup_join(void)
{
	for (int i = 0; i < N_CONTROLLERS; i++) {
		if (tasks[i] >= 0 && write(tasks[i], "0", 1) != 1)
			die_errno("join the %s cgroup", controllers[i]);
		if (tasks[i] >= 0)
			close(tasks[i]);
		tasks[i] = -1;
	}
}

void cgroup_remove(void)
{
	for (int i = 0; i < N_CONTROLLERS; i++) {
		if (tasks[i] >= 0)
			close(tasks[i]);
		tasks[i] = -1;
		/* Empty by now: every process of the sandbox has been reaped. */
		if (groups[i][0] && rmdir(groups[i]) < 0 && errno != ENOENT)
			dprintf(STDERR_FILENO, "corral-sandbox: cannot remove %s: %m\n", groups[i]);
		groups[i][0] = '\0';
	}
}
