/* tcpsim: FreeRTOS+TCP IPv6 neighbour discovery functions applications call, written from the public API documentation. */
#ifndef FREERTOS_ND_H
#define FREERTOS_ND_H

#include "FreeRTOS.h"
#include "FreeRTOS_IP.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Builds an address from a prefix (uxPrefixLength bits) and, when xDoRandom is pdTRUE, a random host part. */
BaseType_t FreeRTOS_CreateIPv6Address( IPv6_Address_t * pxIPAddress,
                                       const IPv6_Address_t * pxPrefix,
                                       size_t uxPrefixLength,
                                       BaseType_t xDoRandom );
BaseType_t FreeRTOS_SendPingRequestIPv6( const IPv6_Address_t * pxIPAddress,
                                         size_t uxNumberOfBytesToSend,
                                         TickType_t uxBlockTimeTicks );
void FreeRTOS_ClearND( const struct xNetworkEndPoint * pxEndPoint );
void FreeRTOS_PrintNDCache( void );

#ifdef __cplusplus
}
#endif

#endif /* FREERTOS_ND_H */
