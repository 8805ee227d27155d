/* tcpsim: FreeRTOS+TCP ARP functions applications call, written from the public API documentation. */
#ifndef FREERTOS_ARP_H
#define FREERTOS_ARP_H

#include "FreeRTOS.h"
#include "FreeRTOS_IP.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ulIPAddress in network byte order. */
void FreeRTOS_OutputARPRequest( uint32_t ulIPAddress );
void FreeRTOS_OutputARPRequest_Multi( struct xNetworkEndPoint * pxEndPoint,
                                      uint32_t ulIPAddress );
BaseType_t xARPWaitResolution( uint32_t ulIPAddress,
                               TickType_t uxTicksToWait );
void vARPSendGratuitous( void );
void FreeRTOS_ClearARP( const struct xNetworkEndPoint * pxEndPoint );
void FreeRTOS_PrintARPCache( void );

#ifdef __cplusplus
}
#endif

#endif /* FREERTOS_ARP_H */
