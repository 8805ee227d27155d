// CTun — the few Linux calls Swift cannot make directly: the TUNSETIFF ioctl, setns(), and signal flags.
#ifndef TCPSIM_CTUN_H
#define TCPSIM_CTUN_H

/// Opens /dev/net/tun and attaches it to a TUN interface named `name` (IFF_TUN | IFF_NO_PI), non-blocking and
/// close-on-exec. On success returns the file descriptor and writes the kernel's interface name (at most
/// `capacity` - 1 bytes) to `actual`. On failure returns -1 and sets `*step` to 1 when opening /dev/net/tun
/// failed and to 2 when the ioctl failed; errno says why.
int ctun_open(const char *name, char *actual, unsigned long capacity, int *step);

/// Like `ctun_open`, with a 10-byte virtio-net header before every datagram (IFF_VNET_HDR) and TCP/IPv4
/// segmentation and checksum offload enabled (TUNSETOFFLOAD TUN_F_CSUM|TUN_F_TSO4): the kernel then hands over
/// TCP datagrams of up to 64 KiB for the reader to split. `*step` is 3 when the offload could not be enabled.
int ctun_open_offload(const char *name, char *actual, unsigned long capacity, int *step);

/// Moves the calling thread into the network namespace at `path` (e.g. /run/netns/NAME); 0 or -1 with errno.
int ctun_enter_netns(const char *path);

/// Whether the calling process has CAP_NET_ADMIN in its effective set: 1, 0, or -1 when unknown.
int ctun_has_net_admin(void);

/// Waits with ppoll() until `fd` is readable or `timeout_ns` nanoseconds pass; 1 when readable, 0 on timeout,
/// -1 on error (EINTR when a signal arrived).
int ctun_wait_readable(int fd, long long timeout_ns);

/// Installs SIGINT, SIGTERM and SIGHUP handlers that only set a flag (no SA_RESTART, so poll() returns EINTR),
/// and unblocks those signals in the calling thread.
void ctun_install_stop_handlers(void);

/// Starts `/bin/sh -c script` in a session of its own (so a terminal's Ctrl-C does not reach it), its standard
/// input the read end of a pipe whose write end the caller keeps, close-on-exec: the script's `read` returns
/// when the caller ends, however it ends (SIGKILL included). Returns the write end, or -1 with errno.
int ctun_spawn_watchdog(const char *script);

/// Pins the calling thread to CPU `cpu`; 0 or -1 with errno (for benchmarks).
int ctun_pin_to_cpu(int cpu);

/// Lets the calling thread run on every CPU again.
int ctun_unpin(void);

/// Asks a running device loop to stop, as a signal would (reported as signal -1).
void ctun_request_stop(void);

/// Clears a stop request (before a new run in the same process).
void ctun_clear_stop(void);

/// The signal that asked to stop, or 0.
int ctun_stop_signal(void);

/// The terminal's size for `fd` (TIOCGWINSZ); 0, or -1 when `fd` is not a terminal.
int ctun_terminal_size(int fd, int *rows, int *columns);

/// Installs a SIGWINCH handler (no SA_RESTART, so a blocked read() returns EINTR on a resize).
void ctun_install_resize_handler(void);

/// Whether the terminal was resized since the last call.
int ctun_take_resize(void);

#endif
