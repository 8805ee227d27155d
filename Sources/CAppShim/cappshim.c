#define _GNU_SOURCE
#include "cappshim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define CHANNEL_TARGET_FD 100

int capp_channel_create(struct tcpsim_channel **mapping) {
    int fd = (int)syscall(SYS_memfd_create, "tcpsim-channel", MFD_CLOEXEC);
    if (fd < 0) return -1;
    if (ftruncate(fd, (off_t)sizeof(struct tcpsim_channel)) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    void *memory = mmap(NULL, sizeof(struct tcpsim_channel), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (memory == MAP_FAILED) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    struct tcpsim_channel *channel = memory;
    channel->magic = TCPSIM_CHANNEL_MAGIC;
    channel->version = TCPSIM_CHANNEL_VERSION;
    __atomic_store_n(&channel->turn, TCPSIM_TURN_APP, __ATOMIC_SEQ_CST);
    *mapping = channel;
    return fd;
}

void capp_channel_destroy(struct tcpsim_channel *channel, int fd) {
    if (channel) munmap(channel, sizeof(struct tcpsim_channel));
    if (fd >= 0) close(fd);
}

int capp_output_pipe(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    int flags = fcntl(fds[0], F_GETFL);
    fcntl(fds[0], F_SETFL, flags | O_NONBLOCK);
    fcntl(fds[0], F_SETPIPE_SZ, 1 << 20); /* room for what an application prints between two calls */
    return 0;
}

pid_t capp_spawn(const char *path, int channel_fd, int output_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, output_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, output_fd, 2);
    posix_spawn_file_actions_adddup2(&actions, channel_fd, CHANNEL_TARGET_FD);

    // The environment: ours, plus the channel's descriptor and our pid (the child dies with us).
    size_t count = 0;
    while (environ[count]) count++;
    char **environment = calloc(count + 3, sizeof(char *));
    if (!environment) {
        posix_spawn_file_actions_destroy(&actions);
        errno = ENOMEM;
        return -1;
    }
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        if (strncmp(environ[i], TCPSIM_CHANNEL_ENV "=", strlen(TCPSIM_CHANNEL_ENV) + 1) == 0) continue;
        if (strncmp(environ[i], "TCPSIM_PARENT_PID=", 18) == 0) continue;
        environment[used++] = environ[i];
    }
    char channel_entry[64], parent_entry[64];
    snprintf(channel_entry, sizeof channel_entry, "%s=%d", TCPSIM_CHANNEL_ENV, CHANNEL_TARGET_FD);
    snprintf(parent_entry, sizeof parent_entry, "TCPSIM_PARENT_PID=%d", (int)getpid());
    environment[used++] = channel_entry;
    environment[used++] = parent_entry;
    environment[used] = NULL;

    // The child starts with default signal dispositions and nothing blocked (our stop handlers are ours).
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    char *argv[] = {(char *)path, NULL};
    pid_t pid = -1;
    int result = posix_spawn(&pid, path, &actions, &attributes, argv, environment);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    free(environment);
    if (result != 0) {
        errno = result;
        return -1;
    }
    return pid;
}

static long futex(uint32_t *address, int operation, uint32_t value, const struct timespec *timeout) {
    return syscall(SYS_futex, address, operation, value, timeout, NULL, 0);
}

void capp_set_idle(struct tcpsim_channel *channel) { __atomic_store_n(&channel->host_idle, 1, __ATOMIC_RELAXED); }

void capp_give_turn(struct tcpsim_channel *channel) {
    __atomic_store_n(&channel->host_idle, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&channel->turn, TCPSIM_TURN_APP, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&channel->app_sleeping, __ATOMIC_SEQ_CST)) futex(&channel->turn, FUTEX_WAKE, 1, NULL);
}

int capp_wait_turn(struct tcpsim_channel *channel, int spins, long long timeout_ns) {
    for (int i = 0; i < spins; i++) {
        if (__atomic_load_n(&channel->turn, __ATOMIC_ACQUIRE) == TCPSIM_TURN_HOST) return 1;
        __builtin_ia32_pause();
    }
    struct timespec timeout = {.tv_sec = timeout_ns / 1000000000LL, .tv_nsec = timeout_ns % 1000000000LL};
    __atomic_store_n(&channel->host_sleeping, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&channel->turn, __ATOMIC_SEQ_CST) != TCPSIM_TURN_HOST) {
        futex(&channel->turn, FUTEX_WAIT, TCPSIM_TURN_APP, &timeout);
    }
    __atomic_store_n(&channel->host_sleeping, 0, __ATOMIC_SEQ_CST);
    return __atomic_load_n(&channel->turn, __ATOMIC_ACQUIRE) == TCPSIM_TURN_HOST;
}

uint8_t *capp_channel_data(struct tcpsim_channel *channel) { return channel->data; }

const char *capp_fault_text(struct tcpsim_channel *channel) {
    channel->fault_text[sizeof channel->fault_text - 1] = 0;
    return channel->fault_text;
}

int capp_take_output_pending(struct tcpsim_channel *channel) {
    if (!channel->output_pending) return 0;
    channel->output_pending = 0;
    return 1;
}

int capp_turn_is_host(struct tcpsim_channel *channel) {
    return __atomic_load_n(&channel->turn, __ATOMIC_ACQUIRE) == TCPSIM_TURN_HOST;
}

int capp_child_ended(pid_t pid, int *status) {
    pid_t result = waitpid(pid, status, WNOHANG);
    if (result == pid) return 1;
    return result == 0 ? 0 : -1;
}

long long capp_child_cpu_ns(pid_t pid) {
    clockid_t clock;
    if (clock_getcpuclockid(pid, &clock) != 0) return -1;
    struct timespec now;
    if (clock_gettime(clock, &now) != 0) return -1;
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

long long capp_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

int capp_kill(pid_t pid) {
    kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return status;
}

int capp_wait_exit(pid_t pid, long long timeout_ns, int *status) {
    long long deadline = capp_monotonic_ns() + timeout_ns;
    for (;;) {
        int ended = capp_child_ended(pid, status);
        if (ended != 0) return ended == 1;
        if (capp_monotonic_ns() >= deadline) return 0;
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 1000000};
        nanosleep(&pause, NULL);
    }
}

int capp_exited(int status) { return WIFEXITED(status); }
int capp_exit_code(int status) { return WEXITSTATUS(status); }
int capp_signalled(int status) { return WIFSIGNALED(status); }
int capp_term_signal(int status) { return WTERMSIG(status); }
