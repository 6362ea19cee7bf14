/* The proxy relay (`proxy-relay PORT SOCKETPATH`, mode full): C1 listens on 127.0.0.1:PORT inside
 * the sandbox's network namespace; P0, in the host's namespaces, carries each connection byte for
 * byte to a new connection to the unix socket SOCKETPATH (the host's filtering proxy). Everything
 * P0 does here is non-blocking and bounded per poll round, so the relay never holds up a timeout,
 * a seccomp answer or the exit. A failure closes the connection concerned, and nothing else. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"

/* RELAY_MAX_CONNS (sandbox.h), 32: an HTTP client keeps a few connections per host. Past the cap,
 * new ones wait in the backlog; the cap bounds what a sandbox can make the unconfined supervisor
 * hold: two descriptors and two buffers per connection. */
#define RELAY_BACKLOG 64   /* waiting beyond the cap; then the kernel refuses new ones */
#define RELAY_BUFFER 16384 /* per direction; one read and one write per poll round */

struct flow { /* one direction: from fd[i] to fd[1 - i] */
	char buf[RELAY_BUFFER];
	size_t off, len;
	int eof, shut;
};

struct conn {
	int fd[2]; /* 0: the sandbox's TCP connection, 1: ours to the proxy; -1: a free slot */
	struct flow flow[2];
};

static struct conn conns[RELAY_MAX_CONNS];
static int listener = -1;
static struct sockaddr_un proxy = { .sun_family = AF_UNIX };

void relay_listen(int sync_fd, uint16_t port)
{
	struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr = { htonl(INADDR_LOOPBACK) } };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&at, sizeof at) < 0 ||
	    listen(fd, RELAY_BACKLOG) < 0 || sync_send(sync_fd, SYNC_RELAY, port, fd) < 0)
		die_errno("proxy-relay on 127.0.0.1:%u", port);
	close(fd);
}

void relay_start(int listen_fd, const char *socket_path)
{
	int one = 1;

	if (listener >= 0)
		die("malformed message from the sandbox"); /* a second relay */
	/* Non-blocking: a connection that vanishes between poll() and accept() costs nothing. */
	if (ioctl(listen_fd, FIONBIO, &one) < 0)
		die_errno("proxy-relay");
	listener = listen_fd;
	memcpy(proxy.sun_path, socket_path, strlen(socket_path) + 1); /* < 108: policy.c */
	for (int i = 0; i < RELAY_MAX_CONNS; i++)
		conns[i].fd[0] = conns[i].fd[1] = -1;
}

static void drop(struct conn *c)
{
	close(c->fd[0]);
	close(c->fd[1]);
	c->fd[0] = c->fd[1] = -1;
}

static void accept_one(struct conn *c)
{
	int in = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), out;

	if (in < 0)
		return; /* gone meanwhile, or out of descriptors: it waits in the backlog */
	out = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* A unix connect succeeds or fails at once (EAGAIN: the proxy's backlog is full); the
	 * relay then refuses this connection rather than wait. */
	if (out < 0 || connect(out, (struct sockaddr *)&proxy, sizeof proxy) < 0) {
		close(in);
		if (out >= 0)
			close(out);
		return;
	}
	c->fd[0] = in;
	c->fd[1] = out;
	for (int j = 0; j < 2; j++) {
		c->flow[j].off = c->flow[j].len = 0;
		c->flow[j].eof = c->flow[j].shut = 0;
	}
}

/* One read and one write for flow i; -1 when the connection is broken. */
static int pump(struct conn *c, int i)
{
	struct flow *f = &c->flow[i];
	ssize_t n;

	if (f->off == f->len && !f->eof) {
		n = read(c->fd[i], f->buf, sizeof f->buf);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (n >= 0) {
			f->off = 0;
			f->len = (size_t)n;
			f->eof = n == 0;
		}
	}
	if (f->off < f->len) {
		n = send(c->fd[1 - i], f->buf + f->off, f->len - f->off, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		f->off += n > 0 ? (size_t)n : 0;
	}
	/* Half-close: the other end learns that nothing more is coming, and may still answer. */
	if (f->eof && f->off == f->len && !f->shut) {
		shutdown(c->fd[1 - i], SHUT_WR);
		f->shut = 1;
	}
	return 0;
}

int relay_poll(struct pollfd *pfd)
{
	int free_slot = 0;

	if (listener < 0)
		return 0;
	for (int i = 0; i < RELAY_MAX_CONNS; i++) {
		const struct conn *c = &conns[i];

		free_slot |= c->fd[0] < 0;
		for (int j = 0; j < 2; j++) {
			short events = (c->flow[j].off == c->flow[j].len && !c->flow[j].eof ? POLLIN : 0) |
				       (c->flow[1 - j].off < c->flow[1 - j].len ? POLLOUT : 0);

			/* A descriptor with nothing to wait for is left out: its POLLHUP would
			 * otherwise wake us in a loop. */
			pfd[1 + 2 * i + j] = (struct pollfd){ events ? c->fd[j] : -1, events, 0 };
		}
	}
	pfd[0] = (struct pollfd){ free_slot ? listener : -1, POLLIN, 0 };
	return RELAY_POLLFDS;
}

void relay_events(const struct pollfd *pfd)
{
	for (int i = 0; i < RELAY_MAX_CONNS; i++) {
		struct conn *c = &conns[i];

		if (c->fd[0] < 0 || !(pfd[1 + 2 * i].revents | pfd[2 + 2 * i].revents))
			continue;
		if (pump(c, 0) < 0 || pump(c, 1) < 0 || (c->flow[0].shut && c->flow[1].shut))
			drop(c);
	}
	for (int i = 0; i < RELAY_MAX_CONNS && (pfd[0].revents & POLLIN); i++)
		if (conns[i].fd[0] < 0) {
			accept_one(&conns[i]);
			break;
		}
}
