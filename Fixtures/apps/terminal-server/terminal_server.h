#ifndef TERMINAL_SERVER_H
#define TERMINAL_SERVER_H

#include "FreeRTOS.h"

/* Starts the 5-port terminal server (3301-3305, one client each with FREERTOS_SO_REUSE_LISTEN_SOCKET) and its
 * HTTP control port 80 (GET /release?port=N kicks the client of port N). */
void vStartTerminalServer( UBaseType_t uxPriority );

#endif
