/* tcpsim: the channel between tcpsim and a C application built with `tcpsim cc`.
 *
 * The application runs in a child process of tcpsim. Both map one shared page set; exactly one side runs at a
 * time. The application's task writes a request (op, task, args, data) and hands the turn to tcpsim; tcpsim
 * answers with a command: resume task N with a result. Nothing else crosses: the kernel objects, the sockets and
 * virtual time all live in tcpsim. This header is shared by the runtime (compiled into the application) and by
 * tcpsim's own shim, so both agree on the layout. */
#ifndef TCPSIM_CHANNEL_H
#define TCPSIM_CHANNEL_H

#include <stdint.h>

#define TCPSIM_CHANNEL_MAGIC 0x74637073u /* "tcps" */
#define TCPSIM_CHANNEL_VERSION 3u
#define TCPSIM_CHANNEL_DATA_MAX (1u << 20)
/* The environment variable naming the channel's file descriptor in the application. */
#define TCPSIM_CHANNEL_ENV "TCPSIM_CHANNEL_FD"
/* Marks the configuration headers `tcpsim cc` embeds in the application (read back from the file). */
#define TCPSIM_EMBED_MARKER "TCPSIM-EMBEDDED-CONFIG-v1:"

/* Whose turn it is. */
#define TCPSIM_TURN_HOST 0u /* tcpsim runs; the application waits */
#define TCPSIM_TURN_APP 1u  /* the application runs; tcpsim waits */

/* Commands from tcpsim. */
#define TCPSIM_CMD_RESUME 1 /* resume (or start) task `target` with `ret`, `ret2` and `rlen` bytes of data */
#define TCPSIM_CMD_EXIT 2   /* the run is over: exit(0) */

/* Fault kinds the application's signal handler reports before it dies. */
#define TCPSIM_FAULT_SIGNAL 1         /* a fatal signal */
#define TCPSIM_FAULT_STACK_OVERFLOW 2 /* a fault in the running task's stack guard page */
#define TCPSIM_FAULT_ASSERT 3         /* configASSERT() failed */
#define TCPSIM_FAULT_TASK_RETURNED 4  /* a task function returned */
#define TCPSIM_FAULT_UNSUPPORTED 5    /* the application used an API tcpsim does not model */

/* Requests from the application: `op`, with what the args hold. Tasks are numbered by tcpsim from 0 (main). */
enum tcpsim_op {
    TCPSIM_OP_HELLO = 1,        /* data: nothing; ret: tick rate */
    /* tasks */
    TCPSIM_OP_TASK_CREATE,      /* a0 priority, a1 stack bytes, a2 internal kind (0 app, 1 IP task, 2 timer task); data name → ret id */
    TCPSIM_OP_TASK_DELETE,      /* a0 task (-1 self) */
    TCPSIM_OP_DELAY,            /* a0 ticks */
    TCPSIM_OP_DELAY_UNTIL,      /* a0 previous wake tick, a1 increment → ret new previous wake, ret2 whether it waited */
    TCPSIM_OP_TICK_COUNT,       /* → ret ticks */
    TCPSIM_OP_YIELD,
    TCPSIM_OP_PRIORITY_GET,     /* a0 task (-1 self) → ret */
    TCPSIM_OP_PRIORITY_SET,     /* a0 task, a1 priority */
    TCPSIM_OP_SUSPEND,          /* a0 task (-1 self) */
    TCPSIM_OP_RESUME,           /* a0 task */
    TCPSIM_OP_START_SCHEDULER,
    TCPSIM_OP_END_SCHEDULER,
    TCPSIM_OP_TASK_COUNT,       /* → ret */
    TCPSIM_OP_TASK_STATE,       /* a0 task → ret eTaskState */
    TCPSIM_OP_NOTIFY,           /* a0 task, a1 value, a2 action, a3 index → ret pdPASS/pdFAIL, ret2 previous value */
    TCPSIM_OP_NOTIFY_TAKE,      /* a0 clear on exit, a1 ticks, a2 index → ret value */
    TCPSIM_OP_NOTIFY_WAIT,      /* a0 clear on entry, a1 clear on exit, a2 ticks, a3 index → ret pdTRUE/pdFALSE, ret2 value */
    /* queues, semaphores, mutexes */
    TCPSIM_OP_QUEUE_CREATE,     /* a0 length, a1 item size, a2 kind (0 queue, 1 binary, 2 counting, 3 mutex, 4 recursive), a3 initial count → ret id */
    TCPSIM_OP_QUEUE_SEND,       /* a0 queue, a1 ticks, a2 position (0 back, 1 front, 2 overwrite); data item → ret */
    TCPSIM_OP_QUEUE_RECEIVE,    /* a0 queue, a1 ticks, a2 peek → ret; data item */
    TCPSIM_OP_QUEUE_COUNT,      /* a0 queue → ret waiting, ret2 spaces */
    TCPSIM_OP_QUEUE_RESET,      /* a0 queue */
    TCPSIM_OP_QUEUE_DELETE,     /* a0 queue */
    TCPSIM_OP_MUTEX_HOLDER,     /* a0 queue → ret task id + 1, 0 when free */
    /* event groups */
    TCPSIM_OP_EVENT_CREATE,     /* → ret id */
    TCPSIM_OP_EVENT_SET,        /* a0 group, a1 bits → ret bits */
    TCPSIM_OP_EVENT_CLEAR,      /* a0 group, a1 bits → ret bits before */
    TCPSIM_OP_EVENT_WAIT,       /* a0 group, a1 bits, a2 clear on exit, a3 wait for all, a4 ticks → ret bits */
    TCPSIM_OP_EVENT_SYNC,       /* a0 group, a1 set, a2 wait for, a3 ticks → ret bits */
    TCPSIM_OP_EVENT_DELETE,     /* a0 group */
    /* software timers */
    TCPSIM_OP_TIMER_CREATE,     /* a0 period, a1 auto reload; data name → ret id */
    TCPSIM_OP_TIMER_COMMAND,    /* a0 timer, a1 command (1 start, 2 stop, 3 reset, 4 period a2, 5 delete, 6 reload a2) → ret */
    TCPSIM_OP_TIMER_QUERY,      /* a0 timer → ret active, ret2 expiry tick; a1 = 1: period, reload in ret/ret2 */
    TCPSIM_OP_TIMER_WAIT,       /* the timer task: → ret timer id whose callback is due */
    /* the IP task */
    TCPSIM_OP_IP_INIT,          /* data: 4-byte address, mask, gateway, DNS, 6-byte MAC → ret pdPASS */
    TCPSIM_OP_IP_EVENT_WAIT,    /* the IP task: → ret eIPCallbackEvent_t of the next hook call */
    TCPSIM_OP_IP_ADDRESS,       /* → data: address, mask, gateway, DNS (network order), ret network up */
    TCPSIM_OP_RANDOM,           /* → ret 32 random bits (seeded) */
    /* sockets */
    TCPSIM_OP_SOCKET,           /* a0 domain, a1 type, a2 protocol → ret id (-1 invalid) */
    TCPSIM_OP_BIND,             /* a0 socket, a1 port (host order) → ret */
    TCPSIM_OP_LISTEN,           /* a0 socket, a1 backlog → ret */
    TCPSIM_OP_ACCEPT,           /* a0 socket → ret child id, -1 none (NULL), -2 invalid; ret2 remote address << 16 | port */
    TCPSIM_OP_CONNECT,          /* a0 socket, a1 address (host order), a2 port → ret */
    TCPSIM_OP_SEND,             /* a0 socket, a1 flags; data bytes → ret */
    TCPSIM_OP_RECV,             /* a0 socket, a1 length, a2 flags → ret; data bytes */
    TCPSIM_OP_SHUTDOWN,         /* a0 socket, a1 how → ret */
    TCPSIM_OP_CLOSE,            /* a0 socket → ret */
    TCPSIM_OP_SETSOCKOPT,       /* a0 socket, a1 level, a2 option, a3 value (numbers); data: struct options → ret */
    TCPSIM_OP_SET_CREATE,       /* → ret set id */
    TCPSIM_OP_SET_DELETE,       /* a0 set */
    TCPSIM_OP_FD_SET,           /* a0 socket, a1 set, a2 bits */
    TCPSIM_OP_FD_CLR,           /* a0 socket, a1 set, a2 bits */
    TCPSIM_OP_FD_ISSET,         /* a0 socket, a1 set → ret bits */
    TCPSIM_OP_SELECT,           /* a0 set, a1 ticks → ret bits */
    TCPSIM_OP_SOCKET_QUERY,     /* a0 socket, a1 query (below) → ret */
    TCPSIM_OP_SIGNAL,           /* a0 socket → ret */
    TCPSIM_OP_NETSTAT,
    /* output and faults */
    TCPSIM_OP_UNSUPPORTED,      /* data: the function's name → the run stops */
    TCPSIM_OP_COUNT
};

/* TCPSIM_OP_SOCKET_QUERY's a1. */
enum tcpsim_socket_query {
    TCPSIM_QUERY_CONNSTATUS = 1,
    TCPSIM_QUERY_IS_CONNECTED,
    TCPSIM_QUERY_TX_SPACE,
    TCPSIM_QUERY_TX_SIZE,
    TCPSIM_QUERY_RX_SIZE,
    TCPSIM_QUERY_MSS,
    TCPSIM_QUERY_REMOTE,        /* ret address (host order), ret2 port */
    TCPSIM_QUERY_LOCAL          /* ret address (host order), ret2 port */
};

struct tcpsim_channel {
    uint32_t magic;
    uint32_t version;
    uint32_t turn;          /* atomic; TCPSIM_TURN_* */
    uint32_t host_sleeping; /* atomic; tcpsim waits on `turn` with futex */
    uint32_t app_sleeping;  /* atomic; the application waits on `turn` with futex */
    uint32_t output_pending; /* the application wrote to its standard output or error since tcpsim last read */
    uint32_t host_idle;      /* atomic; no task will run soon (all blocked): the application sleeps instead of spinning */
    /* request */
    int32_t op;
    int32_t task;
    int32_t pad0;
    int64_t arg[6];
    uint32_t len;
    /* command */
    int32_t cmd;
    int32_t target;
    int32_t pad1;
    int64_t ret;
    int64_t ret2;
    uint32_t rlen;
    /* a fault, written by the application just before it dies */
    int32_t fault_kind;
    int32_t fault_signal;
    int32_t fault_task;
    uint64_t fault_address;
    char fault_text[512];
    uint8_t data[TCPSIM_CHANNEL_DATA_MAX];
};

#endif
