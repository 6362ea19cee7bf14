/* Limits through cgroups, where the caller can make one: memory (everything the sandbox can pin,
 * summed over its processes: private and shared memory, System V and POSIX shared memory, memfds,
 * its tmpfs; swap included), the CPU rate and the pids limit. cgroup v2 first, where the caller's
 * cgroup sits in a subtree delegated to it (systemd's user delegation): the sandbox's group goes
 * beside it, under the parent that hands memory, pids and cpu to its children. Else cgroup v1:
 * a group in each hierarchy, beneath the caller's own, so whatever bounds the caller still bounds
 * the sandbox (a root caller here). Without either, rlimits, and what seccomp and the mounts close
 * (docs/security.md); but uid 0 is exempt from RLIMIT_NPROC (copy_process() spares INIT_USER, even
 * in a user namespace), so main.c refuses a root caller without a cgroup. */
#include <dirent.h>
#include <sys/stat.h>

#include "sandbox.h"

#define ROOT "/sys/fs/cgroup"
#define CPU_PERIOD_US 100000 /* the kernel's default CFS period: a quota of percent × 1,000 µs */

enum { PIDS, CPU, MEMORY, N_CONTROLLERS };
static const char *const controllers[N_CONTROLLERS] = { "pids", "cpu", "memory" };

static int version;                    /* 1 or 2 once made; 0: none */
static char groups[N_CONTROLLERS][PATH_MAX]; /* v1: one per controller; v2: groups[0] */
static int joins[N_CONTROLLERS] = { -1, -1, -1 }; /* tasks (v1) or cgroup.procs (v2) */

/* The caller's group with `controller` (NULL: the v2 one) from /proc/self/cgroup, lines of
 * "ID:CONTROLLERS:PATH", as a folder under `mount`; -1 when it has none. */
static int own_group(const char *controller, const char *mount, char *dir, size_t size)
{
	char text[4096], want[32], *save = NULL;

	if (read_text("/proc/self/cgroup", text, sizeof text) < 0)
		return -1;
	snprintf(want, sizeof want, ",%s,", controller ? controller : "");
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char list[256], *path = strchr(line, ':'), *end = path ? strchr(path + 1, ':') : NULL;

		if (!end)
			continue;
		snprintf(list, sizeof list, ",%.*s,", (int)(end - path - 1), path + 1);
		if (strcmp(list, want) == 0 || (controller && strstr(list, want)))
			return snprintf(dir, size, "%s%s", mount, strcmp(end + 1, "/") ? end + 1 : "") <
				       (int)size ? 0 : -1;
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

/* Writes `value` to `group`/`knob`; a missing knob (ENOENT) is fine only if `optional`. */
static int knob(const char *group, const char *name, const char *value, int optional)
{
	char path[PATH_MAX + 48];
	int fd, ok;

	snprintf(path, sizeof path, "%s/%s", group, name);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return optional && errno == ENOENT ? 0 : -1;
	ok = write(fd, value, strlen(value)) == (ssize_t)strlen(value);
	close(fd);
	return ok ? 0 : -1;
}

/* Makes corral-sandbox-PID in `parent` and sets controller i's limits there (-1: all, v2). */
static int make(int slot, const char *parent, int i, const struct limits *l, uint64_t pids)
{
	char *g = groups[slot], path[PATH_MAX + 16], n[3][48];
	int v2 = i < 0;

	snprintf(n[PIDS], sizeof n[PIDS], "%llu", (unsigned long long)pids);
	snprintf(n[CPU], sizeof n[CPU], "%llu%s", (unsigned long long)(l->cpu_percent * CPU_PERIOD_US / 100),
		 v2 ? " 100000" : ""); /* v2: "QUOTA PERIOD" */
	snprintf(n[MEMORY], sizeof n[MEMORY], "%llu", (unsigned long long)l->memory);
	sweep(parent);
	if (snprintf(g, PATH_MAX, "%s/corral-sandbox-%d", parent, getpid()) >= PATH_MAX ||
	    mkdir(g, 0700) < 0)
		return g[0] = '\0', -1;
	if (((v2 || i == PIDS) && knob(g, "pids.max", n[PIDS], 0)) ||
	    ((v2 || i == CPU) && knob(g, v2 ? "cpu.max" : "cpu.cfs_quota_us", n[CPU], 0)) ||
	    /* Swap included: v1 counts memory and swap together where the kernel accounts swap;
	     * v2 keeps them apart, so the sandbox gets no swap at all. */
	    ((v2 || i == MEMORY) && (knob(g, v2 ? "memory.max" : "memory.limit_in_bytes", n[MEMORY], 0) ||
				     knob(g, v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes",
					  v2 ? "0" : n[MEMORY], 1))))
		return -1;
	/* C1 (or C) moves itself in through `tasks` in v1: a single thread moving itself skips the
	 * global threadgroup lock (and its RCU grace period) of a cgroup.procs write. */
	snprintf(path, sizeof path, "%s/%s", g, v2 ? "cgroup.procs" : "tasks");
	return (joins[slot] = open(path, O_WRONLY | O_CLOEXEC)) < 0 ? -1 : 0;
}

/* v2: beside the caller's group, under a parent that hands the three controllers down. */
static int make_v2(const struct limits *l, uint64_t pids)
{
	char parent[PATH_MAX - 32], path[PATH_MAX], list[256], *slash;
	const char *mount = access(ROOT "/cgroup.controllers", F_OK) == 0 ? ROOT : ROOT "/unified";

	/* At the root of the hierarchy, nothing is delegated to the caller. */
	if (own_group(NULL, mount, parent, sizeof parent) < 0 || strlen(parent) == strlen(mount))
		return -1;
	slash = strrchr(parent, '/');
	*slash = '\0';
	snprintf(path, sizeof path, "%s/cgroup.subtree_control", parent);
	if (read_text(path, list, sizeof list) < 0)
		return -1;
	for (int i = 0; i < N_CONTROLLERS; i++) {
		size_t n = strlen(controllers[i]);
		const char *at = list;

		while ((at = strstr(at, controllers[i])) &&
		       ((at > list && at[-1] != ' ') || (at[n] && at[n] != ' ' && at[n] != '\n')))
			at += n; /* a word of its own: not "cpu" in "cpuset" */
		if (!at)
			return -1;
	}
	return make(0, parent, -1, l, pids);
}

int cgroup_create(const struct limits *l, uint64_t pids)
{
	char parent[PATH_MAX - 32];

	if (make_v2(l, pids) == 0)
		return version = 2;
	cgroup_remove();
	for (int i = 0; i < N_CONTROLLERS; i++) {
		char mount[32];

		snprintf(mount, sizeof mount, ROOT "/%s", controllers[i]);
		if (own_group(controllers[i], mount, parent, sizeof parent) < 0 ||
		    make(i, parent, i, l, pids) < 0) {
			cgroup_remove();
			return 0;
		}
	}
	return version = 1;
}

void cgroup_join(void)
{
	for (int i = 0; i < N_CONTROLLERS; i++) {
		if (joins[i] >= 0 && write(joins[i], "0", 1) != 1)
			die_errno("join the sandbox's cgroup");
		if (joins[i] >= 0)
			close(joins[i]);
		joins[i] = -1;
	}
}

/* The count on the line `key N` of a cgroup file, or 0. */
static unsigned long long event(int slot, const char *file, const char *key)
{
	char path[PATH_MAX + 32], text[2048], *line, *save = NULL;
	unsigned long long n = 0;
	size_t len = strlen(key);

	snprintf(path, sizeof path, "%s/%s", groups[slot], file);
	if (read_text(path, text, sizeof text) < 0)
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, key, len) == 0 && line[len] == ' ')
			sscanf(line + len, " %llu", &n);
	return n;
}

void cgroup_report(void)
{
	int v1 = version == 1;

	if (!version)
		return;
	if (event(v1 ? MEMORY : 0, v1 ? "memory.oom_control" : "memory.events", "oom_kill"))
		status_line(FINAL_WAIT_MS, "limit memory");
	if (event(v1 ? PIDS : 0, "pids.events", "max"))
		status_line(FINAL_WAIT_MS, "limit pids");
	if (event(v1 ? CPU : 0, "cpu.stat", "nr_throttled"))
		status_line(FINAL_WAIT_MS, "limit cpu throttled");
}

void cgroup_remove(void)
{
	for (int i = 0; i < N_CONTROLLERS; i++) {
		if (joins[i] >= 0)
			close(joins[i]);
		joins[i] = -1;
		/* Empty by now: every process of the sandbox has been reaped. */
		if (groups[i][0] && rmdir(groups[i]) < 0 && errno != ENOENT)
			dprintf(STDERR_FILENO, "corral-sandbox: cannot remove %s: %m\n", groups[i]);
		groups[i][0] = '\0';
	}
	version = 0;
}
