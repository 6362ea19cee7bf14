/* --check: which isolation layers this kernel offers, as one JSON line (wire format). It runs
 * nothing but the probes themselves, in a throw-away child. */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "sandbox.h"

/* In output order; landlock is printed after cgroup. flag 0: not a namespace. */
static const struct {
	const char *name;
	int flag;
	const char *hint;
} layers[] = {
	{ "user", CLONE_NEWUSER, HINT_USERNS },
	{ "mount", CLONE_NEWNS, "a kernel with CONFIG_NAMESPACES=y" },
	{ "pid", CLONE_NEWPID, "a kernel with CONFIG_PID_NS=y" },
	{ "net", CLONE_NEWNET, "a kernel with CONFIG_NET_NS=y" },
	{ "ipc", CLONE_NEWIPC, "a kernel with CONFIG_IPC_NS=y" },
	{ "uts", CLONE_NEWUTS, "a kernel with CONFIG_UTS_NS=y" },
	{ "cgroup", CLONE_NEWCGROUP, "a kernel with CONFIG_CGROUPS=y (Linux >= 4.6)" },
	{ "seccomp", 0, HINT_SECCOMP },
	{ "seccompNotify", 0, HINT_SECCOMP },
	{ "noNewPrivs", 0, "Linux >= 3.5" },
};
enum { SECCOMP = 7, NOTIFY = 8, NNP = 9 };

/* In the child: each namespace in turn (the user one first: it grants the rest), then
 * no_new_privs and an allow-all filter with a listener. */
static void probe(int err[ARRAY_LEN(layers)])
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };

	memset(err, 0, sizeof(int) * ARRAY_LEN(layers));
	for (size_t i = 0; layers[i].flag; i++)
		err[i] = unshare(layers[i].flag) < 0 ? errno : 0;
	err[NNP] = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? errno : 0;
	if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
		    &prog) < 0)
		err[NOTIFY] = errno;
	if (err[NOTIFY] && syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		err[SECCOMP] = errno;
}

static void print_layer(const char *name, int err, const char *hint, int first)
{
	printf("%s\"%s\":{\"ok\":%s", first ? "" : ",", name, err ? "false" : "true");
	if (err)
		printf(",\"reason\":\"%s; hint: %s\"", strerror(err), hint);
	printf("}");
}

int check_run(void)
{
	int err[ARRAY_LEN(layers)], pipefd[2], status, abi = landlock_abi();
	struct utsname u;
	pid_t child;

	if (uname(&u) < 0 || pipe2(pipefd, O_CLOEXEC) < 0 || (child = fork()) < 0)
		die_errno("--check");
	if (child == 0) {
		probe(err);
		_exit(write(pipefd[1], err, sizeof err) == sizeof err ? 0 : 1);
	}
	close(pipefd[1]);
	if (read(pipefd[0], err, sizeof err) != sizeof err || waitpid(child, &status, 0) < 0)
		die("--check: the probe process failed");
	printf("{\"version\":1,\"arch\":\"%s\",\"kernel\":\"%s\",\"layers\":{", u.machine,
	       u.release);
	for (size_t i = 0; i < ARRAY_LEN(layers); i++) {
		/* Without a user namespace an unprivileged caller cannot make the others either;
		 * with one that gives no capabilities, AppArmor's restriction is the usual cause. */
		const char *hint = i == 0 || !layers[i].flag ? layers[i].hint
				   : err[0]		  ? HINT_USERNS
				   : err[i] == EPERM	  ? HINT_APPARMOR
							  : layers[i].hint;

		print_layer(layers[i].name, err[i], hint, i == 0);
		if (i + 1 == SECCOMP && abi > 0)
			printf(",\"landlock\":{\"ok\":true,\"abi\":%d}", abi);
		else if (i + 1 == SECCOMP)
			print_layer("landlock", -abi, HINT_LANDLOCK_TCP, 0);
	}
	printf("}}\n");
	return fflush(stdout) == 0 ? 0 : EXIT_SETUP;
}
