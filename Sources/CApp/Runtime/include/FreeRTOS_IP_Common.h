/* tcpsim: FreeRTOS+TCP address types shared by the IP and socket headers, written from the public API documentation. */
#ifndef FREERTOS_IP_COMMON_H
#define FREERTOS_IP_COMMON_H

#include <stdint.h>

#include "FreeRTOS.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A 16-byte IPv6 address, network byte order. */
struct xIPv6_Address
{
    uint8_t ucBytes[ 16 ];
};
typedef struct xIPv6_Address IPv6_Address_t;

/* Either address family; ulIP_IPv4 is in network byte order. */
typedef union IP_Address
{
    uint32_t ulIP_IPv4;
    IPv6_Address_t xIP_IPv6;
} IP_Address_t;

typedef struct xxIPv46_Address
{
    IP_Address_t xIPAddress;
    BaseType_t xIs_IPv6;
} IPv46_Address_t;

struct xNetworkEndPoint;
struct xNetworkInterface;

/* pdTRUE when the end-point (or, for NULL, every end-point) is up. */
BaseType_t FreeRTOS_IsEndPointUp( const struct xNetworkEndPoint * pxEndPoint );
/* pdTRUE when all end-points of the interface (NULL: of all interfaces) are up. */
BaseType_t FreeRTOS_AllEndPointsUp( const struct xNetworkInterface * pxInterface );

#ifdef __cplusplus
}
#endif

#endif /* FREERTOS_IP_COMMON_H */
