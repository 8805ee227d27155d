#define _GNU_SOURCE
#include "ctun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/syscall.h>
#include <unistd.h>

static int open_tun(const char *name, char *actual, unsigned long capacity, int *step, int offload) {
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *step = 1;
        return -1;
    }
    struct ifreq request;
    memset(&request, 0, sizeof request);
    request.ifr_flags = IFF_TUN | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0);
    if (name != NULL) strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &request) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        *step = 2;
        return -1;
    }
    if (offload && ioctl(fd, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | TUN_F_TSO4)) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        *step = 3;
        return -1;
    }
    if (actual != NULL && capacity > 0) {
        strncpy(actual, request.ifr_name, capacity - 1);
        actual[capacity - 1] = '\0';
    }
    return fd;
}

int ctun_open(const char *name, char *actual, unsigned long capacity, int *step) {
    return open_tun(name, actual, capacity, step, 0);
}

int ctun_open_offload(const char *name, char *actual, unsigned long capacity, int *step) {
    return open_tun(name, actual, capacity, step, 1);
}

int ctun_enter_netns(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int result = setns(fd, CLONE_NEWNET);
    int saved = errno;
    close(fd);
    errno = saved;
    return result;
}

int ctun_has_net_admin(void) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &header, data) != 0) return -1;
    return (data[CAP_NET_ADMIN / 32].effective & (1u << (CAP_NET_ADMIN % 32))) != 0;
}

int ctun_wait_readable(int fd, long long timeout_ns) {
    if (timeout_ns < 0) timeout_ns = 0;
    struct pollfd descriptor = {fd, POLLIN, 0};
    struct timespec timeout = {(time_t)(timeout_ns / 1000000000LL), (long)(timeout_ns % 1000000000LL)};
    int result = ppoll(&descriptor, 1, &timeout, NULL);
    if (result <= 0) return result;
    return (descriptor.revents & POLLIN) != 0;
}

static volatile sig_atomic_t stop_signal = 0;

static void on_stop(int signal_number) { stop_signal = signal_number; }

/* A handler without SA_RESTART, so a blocked read() or poll() returns EINTR. */
static void install_handler(int signal_number, void (*handler)(int)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(signal_number, &action, NULL);
}

void ctun_install_stop_handlers(void) {
    install_handler(SIGINT, on_stop);
    install_handler(SIGTERM, on_stop);
    install_handler(SIGHUP, on_stop);
    /* A parent may have started us with these blocked (the mask survives exec); unblock them here. */
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGHUP);
    pthread_sigmask(SIG_UNBLOCK, &stops, NULL);
}

int ctun_stop_signal(void) { return stop_signal; }

int ctun_pin_to_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

int ctun_unpin(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    long count = sysconf(_SC_NPROCESSORS_ONLN);
    for (long cpu = 0; cpu < count && cpu < CPU_SETSIZE; cpu++) CPU_SET((int)cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

void ctun_request_stop(void) { stop_signal = -1; }

void ctun_clear_stop(void) { stop_signal = 0; }

int ctun_terminal_size(int fd, int *rows, int *columns) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return -1;
    *rows = size.ws_row;
    *columns = size.ws_col;
    return 0;
}

static volatile sig_atomic_t resized = 0;

static void on_resize(int signal_number) {
    (void)signal_number;
    resized = 1;
}

void ctun_install_resize_handler(void) { install_handler(SIGWINCH, on_resize); }

int ctun_take_resize(void) {
    int value = resized;
    resized = 0;
    return value;
}

extern char **environ;

int ctun_spawn_watchdog(const char *script) {
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) != 0) return -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, ends[0], 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    pid_t pid;
    int result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    close(ends[0]);
    if (result != 0) {
        close(ends[1]);
        errno = result;
        return -1;
    }
    return ends[1];
}
