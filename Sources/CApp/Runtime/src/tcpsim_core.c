/* tcpsim: the application side of the channel — tasks as contexts on their own stacks, one running at a time,
 * switched only when tcpsim answers a request with "resume another task"; faults reported before dying. */
#define _GNU_SOURCE
/* Switches between task stacks with _setjmp/_longjmp, which the fortified longjmp would refuse. */
#undef _FORTIFY_SOURCE
#include "tcpsim_runtime.h"

#include <errno.h>
#include <linux/futex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

struct tcpsim_task {
    int32_t id;
    int kind;
    int started;
    int deleted;
    void (*function)(void *);
    void *parameter;
    ucontext_t context; /* how the task starts on its stack */
    jmp_buf jump;       /* where it continues (no signal mask saved: a switch costs no system call) */
    uint8_t *mapping; /* guard page + stack */
    size_t mapping_size;
    size_t page;
    char name[64];
};

static struct tcpsim_channel *channel;
static struct tcpsim_task main_task = {.id = 0, .started = 1, .name = "main"};
static struct tcpsim_task *current = &main_task;
static struct tcpsim_task **tasks;
static size_t task_capacity;
static struct tcpsim_task *zombie; /* a task that deleted itself: its stack is freed by the next task to run */

/* ---- The turn ---------------------------------------------------------------------------------------- */

static long futex(uint32_t *address, int operation, uint32_t value) {
    return syscall(SYS_futex, address, operation, value, NULL, NULL, 0);
}

static void give_turn(void) {
    __atomic_store_n(&channel->turn, TCPSIM_TURN_HOST, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&channel->host_sleeping, __ATOMIC_SEQ_CST)) futex(&channel->turn, FUTEX_WAKE, 1);
}

static void wait_turn(void) {
    /* tcpsim usually answers within microseconds; when it says every task is blocked, sleep at once. */
    for (int i = 0; i < 4000 && !__atomic_load_n(&channel->host_idle, __ATOMIC_RELAXED); i++) {
        if (__atomic_load_n(&channel->turn, __ATOMIC_ACQUIRE) == TCPSIM_TURN_APP) return;
        __builtin_ia32_pause();
    }
    for (;;) {
        __atomic_store_n(&channel->app_sleeping, 1, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&channel->turn, __ATOMIC_SEQ_CST) != TCPSIM_TURN_APP) {
            futex(&channel->turn, FUTEX_WAIT, TCPSIM_TURN_HOST);
        }
        __atomic_store_n(&channel->app_sleeping, 0, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&channel->turn, __ATOMIC_ACQUIRE) == TCPSIM_TURN_APP) return;
    }
}

static void reap_zombie(void) {
    if (zombie && zombie != current) {
        tcpsim_task_forget(zombie);
        zombie = NULL;
    }
}

static void task_entry(void);

/* Switches to `task` (starting it on its stack the first time); returns when tcpsim resumes the caller. */
static void switch_to(struct tcpsim_task *task) {
    struct tcpsim_task *from = current;
    current = task;
    if (_setjmp(from->jump) == 0) {
        if (!task->started) {
            task->started = 1;
            getcontext(&task->context);
            task->context.uc_stack.ss_sp = task->mapping + task->page;
            task->context.uc_stack.ss_size = task->mapping_size - task->page;
            task->context.uc_link = NULL;
            makecontext(&task->context, task_entry, 0);
            setcontext(&task->context);
        }
        _longjmp(task->jump, 1);
    }
    reap_zombie();
}

/* Hands the turn to tcpsim and waits for its command; runs whichever task it names. Returns when the
 * command is for the caller. */
static void transact(void) {
    channel->task = current->id;
    give_turn();
    for (;;) {
        wait_turn();
        if (channel->cmd == TCPSIM_CMD_EXIT) {
            fflush(stdout);
            fflush(stderr);
            _exit(0);
        }
        int32_t target = channel->target;
        if (target == current->id) return;
        struct tcpsim_task *task = tcpsim_task_by_id(target);
        if (!task || task->deleted) tcpsim_fault(TCPSIM_FAULT_UNSUPPORTED, "tcpsim resumed unknown task %d", (int)target);
        switch_to(task);
        return;
    }
}

int64_t tcpsim_call(int op, int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4,
                    const void *data, uint32_t len, int64_t *ret2) {
    channel->op = op;
    channel->arg[0] = a0;
    channel->arg[1] = a1;
    channel->arg[2] = a2;
    channel->arg[3] = a3;
    channel->arg[4] = a4;
    if (len > TCPSIM_CHANNEL_DATA_MAX) len = TCPSIM_CHANNEL_DATA_MAX;
    if (data && len) memcpy(channel->data, data, len);
    channel->len = data ? len : 0;
    /* What the task printed reaches tcpsim before the request does, so it lands at the right time. */
    if (__fpending(stdout) || __fpending(stderr)) {
        fflush(stdout);
        fflush(stderr);
        channel->output_pending = 1;
    }
    transact();
    if (ret2) *ret2 = channel->ret2;
    return channel->ret;
}

const uint8_t *tcpsim_reply_data(uint32_t *length) {
    *length = channel->rlen > TCPSIM_CHANNEL_DATA_MAX ? TCPSIM_CHANNEL_DATA_MAX : channel->rlen;
    return channel->data;
}

/* ---- Tasks ------------------------------------------------------------------------------------------ */

static void task_entry(void) {
    reap_zombie();
    struct tcpsim_task *task = current;
    task->function(task->parameter);
    tcpsim_fault(TCPSIM_FAULT_TASK_RETURNED,
                 "task \"%s\" returned from its function (a FreeRTOS task must not return; end it with vTaskDelete( NULL ))",
                 task->name);
}

struct tcpsim_task *tcpsim_task_create(void (*function)(void *), void *parameter, const char *name,
                                       size_t stack_bytes, long priority, int kind) {
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) page = 4096;
    if (stack_bytes < 64 * 1024) stack_bytes = 64 * 1024;
    if (stack_bytes > 64 * 1024 * 1024) stack_bytes = 64 * 1024 * 1024;
    size_t size = ((stack_bytes + (size_t)page - 1) / (size_t)page + 1) * (size_t)page;
    uint8_t *mapping = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (mapping == MAP_FAILED) return NULL;
    mprotect(mapping, (size_t)page, PROT_NONE); /* the guard page: an overflow faults here */
    struct tcpsim_task *task = calloc(1, sizeof *task);
    if (!task) {
        munmap(mapping, size);
        return NULL;
    }
    task->function = function;
    task->parameter = parameter;
    task->kind = kind;
    task->mapping = mapping;
    task->mapping_size = size;
    task->page = (size_t)page;
    snprintf(task->name, sizeof task->name, "%s", name ? name : "");
    size_t name_length = strlen(task->name);
    int64_t id = tcpsim_call(TCPSIM_OP_TASK_CREATE, priority, (int64_t)stack_bytes, kind, 0, 0, task->name,
                             (uint32_t)name_length, NULL);
    if (id <= 0) {
        munmap(mapping, size);
        free(task);
        return NULL;
    }
    task->id = (int32_t)id;
    if ((size_t)id >= task_capacity) {
        size_t capacity = task_capacity ? task_capacity * 2 : 16;
        while (capacity <= (size_t)id) capacity *= 2;
        struct tcpsim_task **grown = realloc(tasks, capacity * sizeof *grown);
        if (!grown) tcpsim_fault(TCPSIM_FAULT_UNSUPPORTED, "out of memory for task \"%s\"", task->name);
        memset(grown + task_capacity, 0, (capacity - task_capacity) * sizeof *grown);
        tasks = grown;
        task_capacity = capacity;
    }
    tasks[id] = task;
    return task;
}

struct tcpsim_task *tcpsim_current_task(void) { return current; }

struct tcpsim_task *tcpsim_task_by_id(int32_t id) {
    if (id == 0) return &main_task;
    if (id < 0 || (size_t)id >= task_capacity) return NULL;
    return tasks[id];
}

int32_t tcpsim_task_id(const struct tcpsim_task *task) { return task ? task->id : -1; }
const char *tcpsim_task_name(const struct tcpsim_task *task) { return task ? task->name : ""; }

void tcpsim_task_forget(struct tcpsim_task *task) {
    if (!task || task == &main_task) return;
    if (task == current) {
        task->deleted = 1;
        zombie = task;
        return;
    }
    if ((size_t)task->id < task_capacity) tasks[task->id] = NULL;
    munmap(task->mapping, task->mapping_size);
    free(task);
}

/* ---- Faults ----------------------------------------------------------------------------------------- */

void tcpsim_fault(int kind, const char *format, ...) {
    fflush(stdout);
    fflush(stderr);
    if (channel) {
        va_list arguments;
        va_start(arguments, format);
        vsnprintf(channel->fault_text, sizeof channel->fault_text, format, arguments);
        va_end(arguments);
        channel->fault_task = current ? current->id : -1;
        __atomic_store_n(&channel->fault_kind, kind, __ATOMIC_SEQ_CST);
    }
    _exit(70);
}

void tcpsim_assert_failed(const char *file, int line, const char *expression) {
    tcpsim_fault(TCPSIM_FAULT_ASSERT, "configASSERT( %s ) failed at %s:%d", expression, file, line);
}

static void on_fatal_signal(int signal_number, siginfo_t *info, void *context) {
    (void)context;
    /* Not async-signal-safe, but what the task printed just before it crashed is what its developer needs. */
    fflush(stdout);
    fflush(stderr);
    if (channel) {
        uintptr_t address = (uintptr_t)info->si_addr;
        int overflow = current && current->mapping && address >= (uintptr_t)current->mapping &&
                       address < (uintptr_t)current->mapping + current->page;
        channel->fault_signal = signal_number;
        channel->fault_address = address;
        channel->fault_task = current ? current->id : -1;
        __atomic_store_n(&channel->fault_kind, overflow ? TCPSIM_FAULT_STACK_OVERFLOW : TCPSIM_FAULT_SIGNAL,
                         __ATOMIC_SEQ_CST);
    }
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

/* tcpsim asks a task that spins without FreeRTOS calls for its output before it stops the application. */
static void on_flush_request(int signal_number) {
    (void)signal_number;
    fflush(stdout);
    fflush(stderr);
}

/* ---- Start-up --------------------------------------------------------------------------------------- */

__attribute__((constructor)) static void tcpsim_attach(void) {
    const char *descriptor = getenv(TCPSIM_CHANNEL_ENV);
    if (!descriptor) {
        fprintf(stderr,
                "this program is a FreeRTOS application built by `tcpsim cc`; it runs inside tcpsim, e.g.\n"
                "  tcpsim run SCRIPT.pkt --c-app PROGRAM\n"
                "  tcpsim device --netns lab --c-app PROGRAM\n");
        exit(2);
    }
    int fd = atoi(descriptor);
    void *memory = mmap(NULL, sizeof(struct tcpsim_channel), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (memory == MAP_FAILED) {
        fprintf(stderr, "tcpsim runtime: cannot map the channel (descriptor %d): %s\n", fd, strerror(errno));
        exit(2);
    }
    channel = memory;
    if (channel->magic != TCPSIM_CHANNEL_MAGIC || channel->version != TCPSIM_CHANNEL_VERSION) {
        fprintf(stderr, "tcpsim runtime: the channel is from another tcpsim version; rebuild with `tcpsim cc`\n");
        exit(2);
    }
    /* Die with tcpsim, whatever kills it. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    const char *parent = getenv("TCPSIM_PARENT_PID");
    if (parent && getppid() != (pid_t)atoi(parent)) _exit(2);

    /* Output is buffered and handed over with the next request (tcpsim reads it then, no system call when
     * there is none); a fault flushes what is left. */
    static char output_buffer[64 * 1024], error_buffer[16 * 1024];
    setvbuf(stdout, output_buffer, _IOFBF, sizeof output_buffer);
    setvbuf(stderr, error_buffer, _IOFBF, sizeof error_buffer);
    static uint8_t alternate[64 * 1024];
    stack_t stack = {.ss_sp = alternate, .ss_size = sizeof alternate, .ss_flags = 0};
    sigaltstack(&stack, NULL);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fatal_signal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) sigaction(fatal[i], &action, NULL);
    signal(SIGUSR1, on_flush_request);
    /* Ctrl-C in a terminal reaches the whole process group: tcpsim decides when the application ends. */
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
}
