/* fd-passing: open descriptors across a unix socket (SCM_RIGHTS) for Node and Electron, which
 * cannot do it themselves. N-API only, so one build serves every Node and Electron that offers
 * N-API version 8. Every call is non-blocking: the caller waits for readiness its own way (for
 * the sandbox helper's proxy listener, the `layers` status line says it is there). */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* Not in every libc's headers yet (mount_setattr: Linux 5.12; close_range: 5.9). */
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
struct corral_mount_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

#define OPENER_PATH_MAX 4096  /* PATH_MAX: a longer path cannot be opened anyway */
#define OPENER_WAIT_SECONDS 5 /* an open() that takes longer answers ETIMEDOUT to the host */

#define MAX_FDS 16            /* per message: far below the kernel's SCM_MAX_FD (253) */
#define MAX_BYTES (64 * 1024) /* per message */

/* Throws an Error whose `code` is the errno name (EAGAIN, EBADF...), as Node's own do. */
static napi_value throw_errno(napi_env env, int err, const char *what)
{
	char msg[160];

	snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
	napi_throw_error(env, strerrorname_np(err) ? strerrorname_np(err) : "EIO", msg);
	return NULL;
}

static int int_arg(napi_env env, napi_value v, const char *name, int min, int max, int *out)
{
	char msg[96];
	double d;

	/* A double, so that 1.5 or 2^40 is refused rather than truncated. */
	if (napi_get_value_double(env, v, &d) == napi_ok && d >= min && d <= max && d == (int)d) {
		*out = (int)d;
		return 0;
	}
	snprintf(msg, sizeof msg, "%s must be an integer from %d to %d", name, min, max);
	napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
	return -1;
}

static int args(napi_env env, napi_callback_info info, size_t want, napi_value *argv)
{
	size_t argc = want;

	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != want) {
		napi_throw_type_error(env, "ERR_MISSING_ARGS", "wrong number of arguments");
		return -1;
	}
	return 0;
}

static napi_value int_array(napi_env env, const int *v, size_t n)
{
	napi_value array, item;

	napi_create_array_with_length(env, n, &array);
	for (size_t i = 0; i < n; i++) {
		napi_create_int32(env, v[i], &item);
		napi_set_element(env, array, (uint32_t)i, item);
	}
	return array;
}

/* socketPair(): [a, b], a connected AF_UNIX stream pair, both close-on-exec. */
static napi_value socket_pair(napi_env env, napi_callback_info info)
{
	int sv[2];

	(void)info;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return throw_errno(env, errno, "socketpair");
	return int_array(env, sv, 2);
}

/* sendFds(socket, fds, data): sends data (1 byte at least: a stream carries descriptors only
 * with data) and the descriptors; returns the bytes sent. The caller still owns the fds. */
static napi_value send_fds(napi_env env, napi_callback_info info)
{
	napi_value argv[3], result;
	int sock, fds[MAX_FDS];
	uint32_t n = 0;
	void *data;
	size_t len;
	bool is_array, is_buffer;
	union {
		char buf[CMSG_SPACE(sizeof fds)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t sent;

	if (args(env, info, 3, argv) || int_arg(env, argv[0], "socket", 0, 1 << 30, &sock))
		return NULL;
	napi_is_array(env, argv[1], &is_array);
	napi_is_buffer(env, argv[2], &is_buffer);
	if (is_array)
		napi_get_array_length(env, argv[1], &n);
	if (!is_array || n > MAX_FDS || !is_buffer) {
		napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
				      "sendFds(socket, fds, data): fds an array of at most 16, data a Buffer");
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++) {
		napi_value item;

		napi_get_element(env, argv[1], i, &item);
		if (int_arg(env, item, "each descriptor", 0, 1 << 30, &fds[i]))
			return NULL;
	}
	napi_get_buffer_info(env, argv[2], &data, &len);
	if (len < 1 || len > MAX_BYTES) {
		napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "data must hold 1 to 65536 bytes");
		return NULL;
	}
	iov = (struct iovec){ data, len };
	if (n > 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof ctl);
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		*c = (struct cmsghdr){ .cmsg_len = CMSG_LEN(n * sizeof(int)),
				       .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS };
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	do
		sent = sendmsg(sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return throw_errno(env, errno, "sendmsg");
	napi_create_int64(env, sent, &result);
	return result;
}

/* recvFds(socket, maxFds, maxBytes): { data, fds } of one message, the descriptors close-on-exec
 * and the caller's to close; empty data and no fds at end of stream. Throws EAGAIN when nothing
 * is there yet, and EMSGSIZE (closing what came) when more than maxFds came. */
static napi_value recv_fds(napi_env env, napi_callback_info info)
{
	napi_value argv[3], result, buffer;
	int sock, max_fds, max_bytes, fds[MAX_FDS];
	char data[MAX_BYTES];
	union {
		char buf[CMSG_SPACE(sizeof fds)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { data, 0 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf };
	size_t n_fds = 0;
	ssize_t got;
	void *copy;

	if (args(env, info, 3, argv) || int_arg(env, argv[0], "socket", 0, 1 << 30, &sock) ||
	    int_arg(env, argv[1], "maxFds", 0, MAX_FDS, &max_fds) ||
	    int_arg(env, argv[2], "maxBytes", 1, MAX_BYTES, &max_bytes))
		return NULL;
	iov.iov_len = (size_t)max_bytes;
	mh.msg_controllen = CMSG_SPACE(sizeof fds);
	do
		got = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return throw_errno(env, errno, "recvmsg");
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < k && n_fds < MAX_FDS; i++)
			memcpy(&fds[n_fds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	}
	if ((mh.msg_flags & MSG_CTRUNC) || n_fds > (size_t)max_fds) {
		for (size_t i = 0; i < n_fds; i++)
			close(fds[i]);
		return throw_errno(env, EMSGSIZE, "recvmsg: more descriptors than asked for");
	}
	napi_create_buffer_copy(env, (size_t)got, data, &copy, &buffer);
	napi_create_object(env, &result);
	napi_set_named_property(env, result, "data", buffer);
	napi_set_named_property(env, result, "fds", int_array(env, fds, n_fds));
	return result;
}

/* Sends one int32 (an errno, 0 for success) with at most one descriptor. */
static int send_status(int sock, int err, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { &err, sizeof err };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof ctl);
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof ctl.buf;
		c = CMSG_FIRSTHDR(&mh);
		*c = (struct cmsghdr){ .cmsg_len = CMSG_LEN(sizeof(int)), .cmsg_level = SOL_SOCKET,
				       .cmsg_type = SCM_RIGHTS };
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)sizeof err ? 0 : -1;
}

static int write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* The opener child: after fork() from a threaded process only system calls happen here (the map
 * lines were formatted before the fork). It enters a user and mount namespace of its own, makes
 * every mount of its copy read-only, then opens each path it is sent and sends the descriptor
 * back. A descriptor opened there sits on a read-only mount: write, fchmod, fchown, f*xattr,
 * futimens and the inode-flag ioctls all fail with EROFS, whoever holds it. Never returns. */
static void opener_child(int sock, const char *uid_map, const char *gid_map)
{
	struct corral_mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	char path[OPENER_PATH_MAX + 1];
	int step = 0;

	/* Nothing of the host's stays open here (an extension's socket kept open in this process
	 * would never see its end of stream); the socket moves to 3. */
	if (dup3(sock, 3, 0) < 0 && sock != 3)
		_exit(127);
	syscall(SYS_close_range, 0, 2, 0);
	syscall(SYS_close_range, 4, ~0U, 0);
	sock = 3;
	/* A second fork: the host reaps the first child at once, and this one, adopted by init, is
	 * never the host's zombie. It ends when the host's end of the socket closes. */
	if (fork() != 0)
		_exit(0);
	if ((++step, unshare(CLONE_NEWUSER | CLONE_NEWNS)) ||
	    (++step, write_proc("/proc/self/setgroups", "deny")) ||
	    (++step, write_proc("/proc/self/gid_map", gid_map)) ||
	    (++step, write_proc("/proc/self/uid_map", uid_map)) ||
	    (++step, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) ||
	    (++step, syscall(SYS_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &ro, sizeof ro))) {
		/* The step number rides in the high bits so that the host can name it. */
		send_status(sock, errno | step << 16, -1);
		_exit(1);
	}
	send_status(sock, 0, -1);
	for (;;) {
		ssize_t n = recv(sock, path, OPENER_PATH_MAX, 0);
		int fd;

		if (n <= 0)
			_exit(0);
		path[n] = '\0';
		fd = strlen(path) == (size_t)n ?
			     open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) :
			     (errno = EINVAL, -1);
		if (send_status(sock, fd < 0 ? errno : 0, fd) < 0)
			_exit(0);
		if (fd >= 0)
			close(fd);
	}
}

static const char *const opener_steps[] = { "", "unshare(user, mount)", "setgroups", "gid_map",
					     "uid_map", "make / private", "mount_setattr(read-only)" };

/* Reads one status (and descriptor) from the opener; -1 with a thrown error when none came. */
static int opener_answer(napi_env env, int sock, int *fd)
{
	int status = -1;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { &status, sizeof status };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof ctl.buf };
	ssize_t got;
	struct cmsghdr *c;

	*fd = -1;
	do
		got = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		throw_errno(env, errno == EAGAIN ? ETIMEDOUT : errno, "the read-only opener");
		return -1;
	}
	if (got != (ssize_t)sizeof status) {
		throw_errno(env, EPIPE, "the read-only opener is gone");
		return -1;
	}
	c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof *fd);
	return status;
}

/* startReadOnlyOpener(): the socket (close-on-exec) of a new opener child, once it is ready;
 * throws with the errno's code and the step that failed when the kernel refuses one. */
static napi_value start_opener(napi_env env, napi_callback_info info)
{
	char uid_map[48], gid_map[48], msg[120];
	int sv[2], fd, status;
	struct timeval wait = { .tv_sec = OPENER_WAIT_SECONDS };
	napi_value result;
	pid_t pid;

	(void)info;
	snprintf(uid_map, sizeof uid_map, "%u %u 1\n", (unsigned)geteuid(), (unsigned)geteuid());
	snprintf(gid_map, sizeof gid_map, "%u %u 1\n", (unsigned)getegid(), (unsigned)getegid());
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return throw_errno(env, errno, "socketpair");
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return throw_errno(env, errno, "fork");
	}
	if (pid == 0)
		opener_child(sv[1], uid_map, gid_map);
	close(sv[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
	status = opener_answer(env, sv[0], &fd);
	if (status != 0) {
		close(sv[0]);
		if (status < 0)
			return NULL;
		snprintf(msg, sizeof msg, "the read-only opener: %s",
			 opener_steps[(status >> 16) % (sizeof opener_steps / sizeof *opener_steps)]);
		return throw_errno(env, status & 0xffff, msg);
	}
	napi_create_int32(env, sv[0], &result);
	return result;
}

/* openReadOnly(opener, path): a new read-only descriptor (close-on-exec) of `path` opened by the
 * opener on its read-only mounts, without following a final symlink; throws ENOENT, EACCES,
 * ELOOP... as open() would. Blocks until the opener answers (at most OPENER_WAIT_SECONDS). */
static napi_value open_read_only(napi_env env, napi_callback_info info)
{
	napi_value argv[2], result;
	char path[OPENER_PATH_MAX + 1];
	size_t len;
	int sock, fd, status;

	if (args(env, info, 2, argv) || int_arg(env, argv[0], "opener", 0, 1 << 30, &sock))
		return NULL;
	if (napi_get_value_string_utf8(env, argv[1], path, sizeof path, &len) != napi_ok || len == 0 ||
	    len >= OPENER_PATH_MAX || path[0] != '/') {
		napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
				      "openReadOnly(opener, path): path an absolute path under 4096 bytes");
		return NULL;
	}
	if (send(sock, path, len, MSG_NOSIGNAL) < 0)
		return throw_errno(env, errno, "the read-only opener");
	status = opener_answer(env, sock, &fd);
	if (status < 0)
		return NULL;
	if (status != 0 || fd < 0)
		return throw_errno(env, status ? status : EPROTO, "open");
	napi_create_int32(env, fd, &result);
	return result;
}

static napi_value init(napi_env env, napi_value exports)
{
	napi_property_descriptor methods[] = {
		{ "socketPair", NULL, socket_pair, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "sendFds", NULL, send_fds, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "recvFds", NULL, recv_fds, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "startReadOnlyOpener", NULL, start_opener, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "openReadOnly", NULL, open_read_only, NULL, NULL, NULL, napi_enumerable, NULL },
	};

	napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
