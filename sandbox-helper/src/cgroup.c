/* The pids limit for a root caller. The kernel exempts uid 0 from RLIMIT_NPROC (copy_process()
 * spares INIT_USER, even inside a user namespace), so a root caller's sandbox is put in a pids
 * cgroup of its own: v2 where the root cgroup delegates the pids controller, else v1. An
 * unprivileged caller has no writable cgroup (and needs none: RLIMIT_NPROC, counted per user
 * namespace, bounds it). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"

static char group[PATH_MAX]; /* empty: no cgroup in use */

static int v2_has_pids(void)
{
	char buf[256] = "";
	int fd = open("/sys/fs/cgroup/cgroup.subtree_control", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);

	if (fd >= 0)
		close(fd);
	return n > 0 && strstr(buf, "pids") != NULL;
}

static int put(const char *file, unsigned long long value)
{
	char path[PATH_MAX + 16], text[32];
	int fd, n;

	snprintf(path, sizeof path, "%s/%s", group, file);
	n = snprintf(text, sizeof text, "%llu", value);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	n = write(fd, text, (size_t)n) == n ? 0 : -1;
	close(fd);
	return n;
}

int cgroup_create(unsigned long long pids)
{
	const char *base = v2_has_pids() ? "/sys/fs/cgroup" : "/sys/fs/cgroup/pids";

	if (getuid() != 0)
		return 0;
	snprintf(group, sizeof group, "%s/corral-sandbox-%d", base, getpid());
	/* pids + 1: the sandbox's init is one of them */
	if (mkdir(group, 0700) < 0 || put("pids.max", pids + 1) < 0) {
		int saved = errno;

		cgroup_remove();
		errno = saved;
		die_errno("limit pids: uid 0 is exempt from RLIMIT_NPROC and no pids cgroup could be "
			  "made in %s (hint: run the sandbox as an unprivileged user)", base);
	}
	return 1;
}

int cgroup_add(pid_t pid)
{
	if (put("cgroup.procs", (unsigned long long)pid) == 0)
		return 0;
	if (errno != ESRCH) /* ESRCH: C1 failed already, and said why */
		die_errno("join %s", group);
	return -1;
}

void cgroup_remove(void)
{
	/* Empty by now: every process of the sandbox has been reaped. */
	if (group[0] && rmdir(group) < 0 && errno != ENOENT)
		status_line(0, "error cannot remove %s", group);
	group[0] = '\0';
}
