/* tcpsim: what the runtime's files share (not for applications). */
#ifndef TCPSIM_RUNTIME_H
#define TCPSIM_RUNTIME_H

#include <stddef.h>
#include <stdint.h>
#include "tcpsim_channel.h"

/* One task of the application: its own stack and context; tcpsim decides when it runs. */
struct tcpsim_task;

/* A request to tcpsim from the running task; returns `ret` (the second result in *ret2 when not NULL).
 * `data`/`len` go with the request; a reply's bytes are in tcpsim_reply_data() until the next call. */
int64_t tcpsim_call(int op, int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4,
                    const void *data, uint32_t len, int64_t *ret2);
#define tcpsim_call0(op) tcpsim_call((op), 0, 0, 0, 0, 0, NULL, 0, NULL)
#define tcpsim_call1(op, a) tcpsim_call((op), (a), 0, 0, 0, 0, NULL, 0, NULL)
#define tcpsim_call2(op, a, b) tcpsim_call((op), (a), (b), 0, 0, 0, NULL, 0, NULL)
#define tcpsim_call3(op, a, b, c) tcpsim_call((op), (a), (b), (c), 0, 0, NULL, 0, NULL)

const uint8_t *tcpsim_reply_data(uint32_t *length);

/* Creates a task (its stack, its context) and registers it with tcpsim; returns it, or NULL. */
struct tcpsim_task *tcpsim_task_create(void (*function)(void *), void *parameter, const char *name,
                                       size_t stack_bytes, long priority, int kind);
struct tcpsim_task *tcpsim_current_task(void);
struct tcpsim_task *tcpsim_task_by_id(int32_t id);
int32_t tcpsim_task_id(const struct tcpsim_task *task);
const char *tcpsim_task_name(const struct tcpsim_task *task);
/* Frees a deleted task's stack once nothing runs on it. */
void tcpsim_task_forget(struct tcpsim_task *task);

/* The id tcpsim knows a Socket_t by (-1 for NULL and FREERTOS_INVALID_SOCKET). */
int64_t tcpsim_socket_id(const void *socket);

/* Reports a call tcpsim does not model and ends the application. */
void tcpsim_unsupported(const char *name) __attribute__((noreturn));

/* Ends the application with a fault tcpsim reports (assertion, task return, unsupported call). */
void tcpsim_fault(int kind, const char *format, ...) __attribute__((noreturn, format(printf, 2, 3)));

/* The internal tasks' kinds. */
#define TCPSIM_TASK_APP 0
#define TCPSIM_TASK_IP 1
#define TCPSIM_TASK_TIMER 2

void tcpsim_ip_task(void *unused);
void tcpsim_timer_task(void *unused);

#endif
