// CAppShim — tcpsim's side of the channel to a C application (see tcpsim_channel.h): the shared mapping, the
// child process, and the futex hand-over of the turn. Only what Swift cannot do directly.
#ifndef TCPSIM_CAPPSHIM_H
#define TCPSIM_CAPPSHIM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "../../CApp/Runtime/src/tcpsim_channel.h"

/// Creates the shared channel (a memfd, mapped here) and initialises its header; returns the descriptor or -1
/// with errno. `*mapping` receives the mapping.
int capp_channel_create(struct tcpsim_channel **mapping);

/// Unmaps the channel and closes its descriptor.
void capp_channel_destroy(struct tcpsim_channel *channel, int fd);

/// Starts `path` (argv[0] = path, no other arguments) with the channel as descriptor TCPSIM_CHANNEL_FD, standard
/// output and error on `output_fd`, standard input from /dev/null. Returns the pid, or -1 with errno.
pid_t capp_spawn(const char *path, int channel_fd, int output_fd);

/// Creates a pipe for the child's output; the read end is non-blocking and close-on-exec. 0 or -1 with errno.
int capp_output_pipe(int fds[2]);

/// Tells the application that no task will run soon (it stops spinning and sleeps).
void capp_set_idle(struct tcpsim_channel *channel);

/// Hands the turn to the application and wakes it if it sleeps.
void capp_give_turn(struct tcpsim_channel *channel);

/// Waits until the turn is tcpsim's: spins `spins` rounds, then sleeps in futex at most `timeout_ns`.
/// Returns 1 when the turn came back, 0 on timeout.
int capp_wait_turn(struct tcpsim_channel *channel, int spins, long long timeout_ns);

/// The channel's data area (TCPSIM_CHANNEL_DATA_MAX bytes) and the fault text (NUL-terminated).
uint8_t *capp_channel_data(struct tcpsim_channel *channel);
const char *capp_fault_text(struct tcpsim_channel *channel);

/// Whether the application wrote output since the last call, clearing the mark.
int capp_take_output_pending(struct tcpsim_channel *channel);

/// Whether the turn is tcpsim's now (no waiting).
int capp_turn_is_host(struct tcpsim_channel *channel);

/// Whether the child has ended: 1 (with its wait status in *status), 0 while it runs, -1 on error.
int capp_child_ended(pid_t pid, int *status);

/// The CPU time the child has used, in nanoseconds; -1 when unknown.
long long capp_child_cpu_ns(pid_t pid);

/// CLOCK_MONOTONIC in nanoseconds (only to bound how long tcpsim waits for an application).
long long capp_monotonic_ns(void);

/// Kills the child (SIGKILL) and reaps it; returns its wait status.
int capp_kill(pid_t pid);

/// Waits for the child to exit by itself for at most `timeout_ns`; 1 (status in *status) or 0.
int capp_wait_exit(pid_t pid, long long timeout_ns, int *status);

/// Helpers for wait statuses.
int capp_exited(int status);
int capp_exit_code(int status);
int capp_signalled(int status);
int capp_term_signal(int status);

#endif
