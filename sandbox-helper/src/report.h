/* What the caller is told: status lines and the one-line fatal error (report.c). */
#ifndef CORRAL_REPORT_H
#define CORRAL_REPORT_H

#define EXIT_SETUP 125 /* the sandbox could not be set up and nothing ran (wire format) */

/* Remembers the --status-fd (or -1), made non-blocking so a slow reader never stalls us. */
void status_init(int fd);
int status_fd(void);
/* Writes one line; waits at most wait_ms for the reader. Returns -1 when the line was lost. */
int status_line(int wait_ms, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print `corral-sandbox: MSG` (plus `: strerror` for die_errno), send `error MSG`, exit 125. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
