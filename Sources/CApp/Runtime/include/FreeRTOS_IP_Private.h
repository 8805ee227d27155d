/* tcpsim: stand-in for the FreeRTOS+TCP library's internal header; some applications include it for public names only, written from the public API documentation. */
#ifndef FREERTOS_IP_PRIVATE_H
#define FREERTOS_IP_PRIVATE_H

/* tcpsim does not model the library's internals (packet structures, the IP task's event queue, socket
 * internals). This header only makes the public API visible, which is all most applications that include it use. */
#include "FreeRTOS_IP.h"
#include "FreeRTOS_Sockets.h"
#include "FreeRTOS_Routing.h"

#endif /* FREERTOS_IP_PRIVATE_H */
