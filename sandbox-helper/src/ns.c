/* Namespaces: C1's creation (or C's, without them), its identity maps, hostname and loopback,
 * and its life as pid 1. */
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "sandbox.h"

pid_t ns_clone(enum sandbox_mode mode, int *pidfd)
{
	/* Raw clone without a new stack behaves like fork (as bubblewrap does); CLONE_PIDFD gives a
	 * descriptor that cannot be confused with a recycled pid. parent_tid is the 3rd argument
	 * on both x86_64 and aarch64. Mode reduced: the same, without namespaces. */
	long flags = (mode == MODE_FULL ? SANDBOX_NAMESPACES : 0) | CLONE_PIDFD | SIGCHLD;
	long pid = syscall(__NR_clone, flags, 0, pidfd, 0, 0);

	if (pid < 0) {
		int saved = errno;

		if (mode == MODE_REDUCED)
			die("fork the command: %s", strerror(saved));
		die("cannot create the sandbox's namespaces: %s; hint: " HINT_USERNS
		    "; 'corral-sandbox --check' names the missing one", strerror(saved));
	}
	return (pid_t)pid;
}

void ns_watch_supervisor(int sync_fd)
{
	struct pollfd pfd = { .fd = sync_fd };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die_errno("prctl(PR_SET_PDEATHSIG)");
	/* getppid() is 0 across a pid namespace, so look at P0's end of our socket instead: if P0
	 * died before the prctl, nobody would ever kill us. */
	if (poll(&pfd, 1, 0) < 0 || (pfd.revents & POLLHUP))
		die("the supervisor exited during set-up");
}

void ns_setup(uid_t uid, gid_t gid)
{
	struct ifreq lo = { .ifr_name = "lo" };
	char map[64];
	int sock;

	/* The caller stays who they are inside; "deny" is required before an unprivileged gid_map
	 * and keeps the caller from dropping a group that denies access (CVE-2014-8989). */
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof map, "%u %u 1\n", gid, gid);
	write_file("/proc/self/gid_map", map);
	snprintf(map, sizeof map, "%u %u 1\n", uid, uid);
	write_file("/proc/self/uid_map", map);
	if (sethostname("corral", 6) < 0)
		die_errno("sethostname");
	/* The new network namespace has only a loopback, and it starts down. */
	if ((sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
	    ioctl(sock, SIOCGIFFLAGS, &lo) < 0)
		die_errno("loopback");
	lo.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &lo) < 0)
		die_errno("bring loopback up");
	close(sock);
}

#define PROXY_BACKLOG 64 /* connections the host's proxy has yet to accept; then ECONNREFUSED */

/* `proxy-listen PORT FD`: 127.0.0.1:PORT in the sandbox's own network namespace, listening, handed
 * to the caller over its unix socket FD, whose proxy accepts on it (nothing of the helper carries
 * the bytes). The command may connect to PORT (Landlock) but cannot bind it: the caller holds it. */
void ns_proxy_listen(uint16_t port, int fd)
{
	struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr = { htonl(INADDR_LOOPBACK) } };
	int sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (sock < 0 || bind(sock, (struct sockaddr *)&at, sizeof at) < 0 ||
	    listen(sock, PROXY_BACKLOG) < 0 || sync_send(fd, SYNC_PROXY, port, sock) < 0)
		die_errno("the proxy for permissions.net on 127.0.0.1:%u", port);
	close(sock);
	close(fd);
}

void forwarded_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGUSR2);
}

static volatile pid_t command_pid;

static void forward(int sig)
{
	kill(command_pid, sig);
}

_Noreturn void ns_init(pid_t command, int sync_fd)
{
	struct sigaction sa = { .sa_handler = forward, .sa_flags = SA_RESTART };
	sigset_t forwarded;

	command_pid = command;
	forwarded_signals(&forwarded);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&forwarded, sig) == 1 && sigaction(sig, &sa, NULL) < 0)
			die_errno("sigaction");
	if (sigprocmask(SIG_UNBLOCK, &forwarded, NULL) < 0)
		die_errno("sigprocmask");
	/* Nothing of ours is worth reading, but the command may see us in /proc: keep us opaque. */
	if (prctl(PR_SET_DUMPABLE, 0) < 0)
		die_errno("prctl(PR_SET_DUMPABLE)");
	for (;;) {
		int status;
		pid_t pid = wait(&status); /* pid 1 reaps every orphan, not only the command */

		if (pid == command) {
			/* Our exit kills whatever the command left behind in the namespace. */
			if (sync_send(sync_fd, SYNC_STATUS, status, -1) < 0)
				die_errno("report the command's end");
			_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		}
		if (pid < 0 && errno != EINTR)
			die_errno("wait");
	}
}
