/* P0, the unconfined supervisor: watches its child (C1, or the command itself in mode reduced)
 * through a pidfd, answers the seccomp filter's notifications, enforces the wall clock, forwards
 * signals, writes status lines and turns the command's end into our exit status. Also the
 * messages C1 and C2 send it. */
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include "sandbox.h"

#define DENY_LINES_MAX 1000 /* wire format: then one `lost N` line at exit */

struct watch {
	const struct policy *p;
	pid_t child; /* in mode reduced also the sandbox's process group */
	int pidfd, sync, listener, sigfd, timer;
	int ready, exec_failed, executed, timed_out, have_status, status;
	unsigned long denials, lost;
	rlim_t nproc;
};

void supervisor_watch_parent(pid_t parent)
{
	/* Dies with the caller (e.g. `corral exec` killed); C1 does the same with us, and the whole
	 * pid namespace dies with C1. The re-check closes the race with a parent already gone. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die_errno("prctl(PR_SET_PDEATHSIG)");
	if (getppid() != parent)
		die("the caller exited before the sandbox started");
}

/* Exactly what was applied, just before the command starts (wire format). */
static void layers_line(struct watch *w, int abi)
{
	const char *cgroup = CGROUP_NAME(w->p->cgroup_version);
	int r;

	if (w->p->mode == MODE_FULL)
		r = status_line(0, "layers mode=full,user,mount,pid,net,ipc,uts,cgroup,landlock=%d,"
				   "seccomp,nnp,caps,rlimits,cgroup-limits=%s", abi, cgroup);
	else
		r = status_line(0, "layers mode=reduced,landlock=%d,seccomp,signals=%s,nnp,caps,rlimits,"
				   "nproc=%llu,cgroup-limits=%s", abi, abi >= 6 ? "landlock" : "seccomp",
				(unsigned long long)w->nproc, cgroup);
	if (r < 0)
		w->lost++;
}

static void read_sync(struct watch *w)
{
	struct sync_msg msg;
	ssize_t n;
	int fd;

	while ((n = sync_recv(w->sync, &msg, &fd)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n != sizeof msg || (msg.kind == SYNC_READY) != (fd >= 0) ||
		    (msg.kind == SYNC_READY && w->ready))
			die("malformed message from the sandbox");
		if (msg.kind == SYNC_READY) {
			w->listener = fd;
			w->ready = 1;
			layers_line(w, msg.value);
		}
		w->exec_failed |= msg.kind == SYNC_EXEC_FAILED;
		if (msg.kind == SYNC_STATUS) {
			w->have_status = 1;
			w->status = msg.value;
		}
	}
	close(w->sync); /* every sandbox process has let go of its end */
	w->sync = -1;
}

static void answer(struct watch *w)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof req); /* the kernel insists on a zeroed buffer */
	if (ioctl(w->listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
		if (errno == EINTR || errno == ENOENT) /* the caller died meanwhile */
			return;
		die_errno("seccomp notification");
	}
	resp = (struct seccomp_notif_resp){ .id = req.id, .error = -seccomp_denied_errno(&req.data) };
	/* `spawn no`: the first execve is the command's own (nothing else runs under the filter
	 * before it does) and names the helper's PATH; it goes on, and none after it. Mode reduced:
	 * a call on one of the sandbox's own processes goes on. Its arguments are numbers, which the
	 * caller cannot change after the check (seccomp_unotify(2)). */
	if ((req.data.nr == __NR_execve && !w->executed++) ||
	    (w->p->mode == MODE_REDUCED && seccomp_allowed(&req.data, w->child)))
		resp = (struct seccomp_notif_resp){ .id = req.id,
						    .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };
	if (ioctl(w->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
		die_errno("seccomp answer");
	if (resp.flags)
		return;
	if (w->denials++ >= DENY_LINES_MAX ||
	    status_line(0, "deny syscall %s", seccomp_denied_name(req.data.nr)) < 0)
		w->lost++;
}

/* Mode reduced: P0 is the sandbox's subreaper. It reaps the orphans that ended, but never the
 * command's process: until P0 has killed the group, that zombie keeps the group's id from being
 * reused by some other process. */
static void reap_orphans(struct watch *w)
{
	siginfo_t si;

	for (;;) {
		si.si_pid = 0;
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0 ||
		    si.si_pid == w->child || waitpid(si.si_pid, NULL, 0) < 0)
			return;
	}
}

/* Through the pidfd, so a recycled pid can never be hit; ESRCH: C1 is already gone. */
static int signal_c1(struct watch *w, int sig)
{
	if (syscall(__NR_pidfd_send_signal, w->pidfd, sig, NULL, 0) < 0 && errno != ESRCH)
		return -1;
	return 0;
}

static void forward(struct watch *w)
{
	struct signalfd_siginfo si;

	while (read(w->sigfd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGCHLD)
			reap_orphans(w);
		else if (signal_c1(w, (int)si.ssi_signo) < 0)
			die_errno("forward signal %u", si.ssi_signo);
	}
}

/* Everything in the sandbox, at once: C1 takes its pid namespace with it; in mode reduced the
 * command's process group, while the command's process is not reaped (see reap_orphans()). */
static void kill_sandbox(struct watch *w)
{
	if ((w->p->mode == MODE_FULL ? signal_c1(w, SIGKILL) : kill(-w->child, SIGKILL)) < 0 &&
	    errno != ESRCH)
		die_errno("kill the sandbox");
}

/* The command's end as status lines and our exit status: its code, or 128 + its signal. */
static int finish(struct watch *w, int c1_status)
{
	int st = w->have_status ? w->status : c1_status, sig = 0; /* reduced: no C1, C's own */

	if (!w->ready || w->exec_failed) { /* the command never ran: 125, error already said */
		if (w->timed_out)
			die("set-up did not finish within limits.timeoutMs (%llu ms)",
			    (unsigned long long)w->p->limits.timeout_ms);
		if (!w->exec_failed && WIFSIGNALED(c1_status))
			die("the sandbox's set-up was killed by signal %d", WTERMSIG(c1_status));
		return EXIT_SETUP;
	}
	if (w->lost)
		status_line(FINAL_WAIT_MS, "lost %lu", w->lost);
	if (w->timed_out && !w->have_status) {
		status_line(FINAL_WAIT_MS, "limit timeout %llu",
			    (unsigned long long)w->p->limits.timeout_ms);
		sig = SIGKILL;
	} else if (WIFSIGNALED(st)) {
		sig = WTERMSIG(st);
	}
	if (sig == SIGXCPU)
		status_line(FINAL_WAIT_MS, "limit cpu");
	if (sig == SIGXFSZ)
		status_line(FINAL_WAIT_MS, "limit fsize");
	if (sig) {
		status_line(FINAL_WAIT_MS, "exit signal %d", sig);
		return 128 + sig;
	}
	status_line(FINAL_WAIT_MS, "exit code %d", WEXITSTATUS(st));
	return WEXITSTATUS(st);
}

int supervise(pid_t child, int pidfd, int sync_fd, const struct policy *p, rlim_t nproc)
{
	struct watch w = { .p = p, .child = child, .pidfd = pidfd, .sync = sync_fd, .listener = -1,
			   .nproc = nproc };
	struct itimerspec at = { .it_value = { .tv_sec = (time_t)(p->limits.timeout_ms / 1000),
					       .tv_nsec = (long)(p->limits.timeout_ms % 1000) * 1000000 } };
	sigset_t watched;
	int status;

	forwarded_signals(&watched);
	if (p->mode == MODE_REDUCED)
		sigaddset(&watched, SIGCHLD);
	/* A reader that went away must cost us a line, not our life (SIGPIPE). */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR ||
	    (w.sigfd = signalfd(-1, &watched, SFD_CLOEXEC | SFD_NONBLOCK)) < 0 ||
	    (w.timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC)) < 0 ||
	    timerfd_settime(w.timer, 0, &at, NULL) < 0)
		die_errno("supervisor set-up");
	for (int exited = 0; !exited;) {
		struct pollfd pfd[] = {
			{ w.sync, POLLIN, 0 },	{ w.listener, POLLIN, 0 }, { w.sigfd, POLLIN, 0 },
			{ w.timer, POLLIN, 0 }, { w.pidfd, POLLIN, 0 },
		};

		if (poll(pfd, ARRAY_LEN(pfd), -1) < 0) {
			if (errno == EINTR)
				continue;
			die_errno("poll");
		}
		if (pfd[0].revents)
			read_sync(&w);
		if (pfd[1].revents & POLLIN) {
			answer(&w);
		} else if (pfd[1].revents) { /* no process is left under the filter */
			close(w.listener);
			w.listener = -1;
		}
		if (pfd[2].revents)
			forward(&w);
		if (pfd[3].revents) {
			kill_sandbox(&w);
			w.timed_out = 1;
			close(w.timer);
			w.timer = -1;
		}
		exited = pfd[4].revents != 0;
	}
	if (p->mode == MODE_REDUCED)
		kill_sandbox(&w); /* what the command left behind */
	if (waitpid(child, &status, 0) < 0)
		die_errno("wait for the sandbox");
	while (p->mode == MODE_REDUCED && (wait(NULL) > 0 || errno == EINTR))
		; /* the orphans just killed */
	if (w.sync >= 0)
		read_sync(&w); /* C1's last words may still be queued */
	return finish(&w, status);
}
