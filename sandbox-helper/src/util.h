/* Shared helpers: fatal errors (one line, exit 125), status lines, symlink-free opens. */
#ifndef CORRAL_UTIL_H
#define CORRAL_UTIL_H

#include <signal.h>
#include <stddef.h>

#define EXIT_SETUP 125 /* the sandbox could not be set up and nothing ran (wire format) */
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Remembers the --status-fd (or -1), made non-blocking so a slow reader never stalls us. */
void status_init(int fd);
int status_fd(void);
/* Writes one line; waits at most wait_ms for the reader. Returns -1 when the line was lost. */
int status_line(int wait_ms, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print `corral-sandbox: MSG` (plus `: strerror` for die_errno), send `error MSG`, exit 125. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* openat2(RESOLVE_NO_SYMLINKS) with O_CLOEXEC added: a symlink anywhere in path gives ELOOP. */
int open_nofollow(int dirfd, const char *path, int flags);
/* Writes text to an existing file in one write(2), as /proc/self/uid_map requires. */
void write_file(const char *path, const char *text);
/* Reads a small text file (a /proc entry) into buf, NUL-terminated; -1 when it cannot. */
int read_text(const char *path, char *buf, size_t size);
/* The signals the helper passes on to the command: a caller's polite requests to stop. */
void forwarded_signals(sigset_t *set);

#endif
