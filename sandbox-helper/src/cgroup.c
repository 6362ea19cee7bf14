/* The pids limit for a root caller. The kernel exempts uid 0 from RLIMIT_NPROC (copy_process()
 * spares INIT_USER, even inside a user namespace), so a root caller's sandbox gets a pids cgroup
 * of its own in the v1 pids hierarchy (in either mode). An unprivileged caller has no writable cgroup and needs
 * none: RLIMIT_NPROC, counted per user namespace, bounds it. (cgroup v2 is not used: this
 * machine's v2 offers no pids controller, so that path could not be tested.) */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"

#define PIDS_HIERARCHY "/sys/fs/cgroup/pids"

static char group[PATH_MAX]; /* empty: no cgroup in use */

/* Removes the empty groups of helpers that were SIGKILLed and could not clean up themselves;
 * rmdir refuses a group that still holds a process, so a live sandbox is never touched. */
static void sweep(void)
{
	DIR *dir = opendir(PIDS_HIERARCHY);
	struct dirent *e;
	int pid;

	while (dir && (e = readdir(dir)))
		if (sscanf(e->d_name, "corral-sandbox-%d", &pid) == 1 && kill(pid, 0) < 0 &&
		    errno == ESRCH)
			unlinkat(dirfd(dir), e->d_name, AT_REMOVEDIR);
	if (dir)
		closedir(dir);
}

int cgroup_create(unsigned long long pids_max)
{
	char path[PATH_MAX + 16], max[32];
	int fd = -1, n = snprintf(max, sizeof max, "%llu", pids_max);

	if (getuid() != 0)
		return -1;
	sweep();
	snprintf(group, sizeof group, PIDS_HIERARCHY "/corral-sandbox-%d", getpid());
	snprintf(path, sizeof path, "%s/pids.max", group);
	if (mkdir(group, 0700) == 0 && (fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0 &&
	    write(fd, max, (size_t)n) == n && close(fd) == 0) {
		/* C1 (or C) moves itself in through `tasks`: a single thread moving itself skips the
		 * global threadgroup lock (and its RCU grace period) of a cgroup.procs write. */
		snprintf(path, sizeof path, "%s/tasks", group);
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0)
			return fd;
	}
	n = errno;
	cgroup_remove();
	errno = n;
	die_errno("limit pids: uid 0 is exempt from RLIMIT_NPROC and no pids cgroup could be made "
		  "in " PIDS_HIERARCHY " (hint: run the sandbox as an unprivileged user)");
}

void cgroup_join(int tasks_fd)
{
	if (write(tasks_fd, "0", 1) != 1)
		die_errno("join the pids cgroup");
	close(tasks_fd);
}

void cgroup_remove(void)
{
	/* Empty by now: every process of the sandbox has been reaped. */
	if (group[0] && rmdir(group) < 0 && errno != ENOENT)
		dprintf(STDERR_FILENO, "corral-sandbox: cannot remove %s: %m\n", group);
	group[0] = '\0';
}
