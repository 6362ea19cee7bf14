/* fd-passing: open descriptors across a unix socket (SCM_RIGHTS) for Node and Electron, which
 * cannot do it themselves. N-API only, so one build serves every Node and Electron that offers
 * N-API version 8. Every call is non-blocking: the caller waits for readiness its own way (for
 * the sandbox helper's proxy listener, the `layers` status line says it is there). */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <errno.h>
#include <node_api.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

static napi_value init(napi_env env, napi_value exports)
{
	napi_property_descriptor methods[] = {
		{ "socketPair", NULL, socket_pair, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "sendFds", NULL, send_fds, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "recvFds", NULL, recv_fds, NULL, NULL, NULL, napi_enumerable, NULL },
	};

	napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
