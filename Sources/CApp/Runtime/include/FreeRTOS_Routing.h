/* tcpsim: FreeRTOS+TCP V4 network interfaces and end-points, written from the public API documentation. */
#ifndef FREERTOS_ROUTING_H
#define FREERTOS_ROUTING_H

#include "FreeRTOS.h"
#include "FreeRTOS_IP.h"
#include "FreeRTOS_Sockets.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Driver entry points of an interface. tcpsim's runtime supplies the interface behaviour; the application only
 * fills the descriptor through a ..._FillInterfaceDescriptor() function. */
typedef BaseType_t ( * NetworkInterfaceInitialiseFunction_t )( struct xNetworkInterface * pxDescriptor );
typedef BaseType_t ( * NetworkInterfaceOutputFunction_t )( struct xNetworkInterface * pxDescriptor,
                                                           NetworkBufferDescriptor_t * const pxNetworkBuffer,
                                                           BaseType_t xReleaseAfterSend );
typedef BaseType_t ( * GetPhyLinkStatusFunction_t )( struct xNetworkInterface * pxDescriptor );
typedef void ( * NetworkInterfaceMACFilterFunction_t )( struct xNetworkInterface * pxInterface,
                                                        const uint8_t * pucMacAddressBytes );

/* A physical interface. */
typedef struct xNetworkInterface
{
    const char * pcName;
    void * pvArgument;
    NetworkInterfaceInitialiseFunction_t pfInitialise;
    NetworkInterfaceOutputFunction_t pfOutput;
    GetPhyLinkStatusFunction_t pfGetPhyLinkStatus;
    NetworkInterfaceMACFilterFunction_t pfAddAllowedMAC;
    NetworkInterfaceMACFilterFunction_t pfRemoveAllowedMAC;
    struct
    {
        uint32_t
            bInterfaceUp : 1,
            bCallDownEvent : 1;
    } bits;
    struct xNetworkEndPoint * pxEndPoint; /* the end-points bound to this interface */
    struct xNetworkInterface * pxNext;
} NetworkInterface_t;

/* IPv4 settings of an end-point, network byte order. */
typedef struct xIPV4Parameters
{
    uint32_t ulIPAddress;
    uint32_t ulNetMask;
    uint32_t ulGatewayAddress;
    uint32_t ulDNSServerAddresses[ ipconfigENDPOINT_DNS_ADDRESS_COUNT ];
    uint32_t ulBroadcastAddress;
    uint8_t ucDNSIndex;
} IPV4Parameters_t;

/* IPv6 settings of an end-point. */
typedef struct xIPV6Parameters
{
    IPv6_Address_t xIPAddress;
    size_t uxPrefixLength;
    IPv6_Address_t xPrefix;
    IPv6_Address_t xGatewayAddress;
    IPv6_Address_t xDNSServerAddresses[ ipconfigENDPOINT_DNS_ADDRESS_COUNT ];
    uint8_t ucDNSIndex;
} IPV6Parameters_t;

/* An end-point: an address configuration on an interface. The application allocates these (usually statically),
 * FreeRTOS_FillEndPoint() fills them, and the application may then set bits.bWantDHCP / bits.bWantRA. Unlike the
 * library, tcpsim always includes both address families' fields. */
typedef struct xNetworkEndPoint
{
    IPV4Parameters_t ipv4_settings; /* in use */
    IPV4Parameters_t ipv4_defaults; /* used when DHCP fails */
    IPV6Parameters_t ipv6_settings;
    IPV6Parameters_t ipv6_defaults;
    MACAddress_t xMACAddress;
    struct
    {
        uint32_t
            bIsDefault : 1,
            bWantDHCP : 1,
            bWantRA : 1,
            bIPv6 : 1,
            bCallDownHook : 1,
            bEndPointUp : 1;
    } bits;
    uint8_t usDNSType;
    NetworkInterface_t * pxNetworkInterface;
    struct xNetworkEndPoint * pxNext;
} NetworkEndPoint_t;

#define END_POINT_USES_DHCP( pxEndPoint )    ( ( pxEndPoint )->bits.bWantDHCP != pdFALSE_UNSIGNED )
#define END_POINT_USES_RA( pxEndPoint ) \
    ( ( ( pxEndPoint )->bits.bIPv6 != pdFALSE_UNSIGNED ) && ( ( pxEndPoint )->bits.bWantRA != pdFALSE_UNSIGNED ) )
#define ENDPOINT_IS_IPv4( pxEndPoint )       ( ( ( pxEndPoint ) != NULL ) && ( ( pxEndPoint )->bits.bIPv6 == 0U ) )
#define ENDPOINT_IS_IPv6( pxEndPoint )       ( ( ( pxEndPoint ) != NULL ) && ( ( pxEndPoint )->bits.bIPv6 != 0U ) )

/* Kinds of IPv6 address, from xIPv6_GetIPType(). */
typedef enum
{
    eIPv6_Global,
    eIPv6_LinkLocal,
    eIPv6_SiteLocal,
    eIPv6_Multicast,
    eIPv6_Loopback,
    eIPv6_Unknown
} IPv6_Type_t;

/* The lists of all interfaces and all end-points, kept by the runtime. */
extern NetworkInterface_t * pxNetworkInterfaces;
extern NetworkEndPoint_t * pxNetworkEndPoints;

/* Describing the network before FreeRTOS_IPInit_Multi(). Addresses are four octets, most significant first. */
NetworkInterface_t * FreeRTOS_AddNetworkInterface( NetworkInterface_t * pxInterface );
void FreeRTOS_FillEndPoint( NetworkInterface_t * pxNetworkInterface,
                            NetworkEndPoint_t * pxEndPoint,
                            const uint8_t ucIPAddress[ ipIP_ADDRESS_LENGTH_BYTES ],
                            const uint8_t ucNetMask[ ipIP_ADDRESS_LENGTH_BYTES ],
                            const uint8_t ucGatewayAddress[ ipIP_ADDRESS_LENGTH_BYTES ],
                            const uint8_t ucDNSServerAddress[ ipIP_ADDRESS_LENGTH_BYTES ],
                            const uint8_t ucMACAddress[ ipMAC_ADDRESS_LENGTH_BYTES ] );
void FreeRTOS_FillEndPoint_IPv6( NetworkInterface_t * pxNetworkInterface,
                                 NetworkEndPoint_t * pxEndPoint,
                                 const IPv6_Address_t * pxIPAddress,
                                 const IPv6_Address_t * pxNetPrefix,
                                 size_t uxPrefixLength,
                                 const IPv6_Address_t * pxGatewayAddress,
                                 const IPv6_Address_t * pxDNSServerAddress,
                                 const uint8_t ucMACAddress[ ipMAC_ADDRESS_LENGTH_BYTES ] );

/* Walking and searching. */
NetworkInterface_t * FreeRTOS_FirstNetworkInterface( void );
NetworkInterface_t * FreeRTOS_NextNetworkInterface( const NetworkInterface_t * pxInterface );
NetworkEndPoint_t * FreeRTOS_FirstEndPoint( const NetworkInterface_t * pxInterface );
NetworkEndPoint_t * FreeRTOS_NextEndPoint( const NetworkInterface_t * pxInterface,
                                           NetworkEndPoint_t * pxEndPoint );
NetworkEndPoint_t * FreeRTOS_FirstEndPoint_IPv6( const NetworkInterface_t * pxInterface );
NetworkEndPoint_t * FreeRTOS_FindEndPointOnIP_IPv4( uint32_t ulIPAddress );
NetworkEndPoint_t * FreeRTOS_FindEndPointOnIP_IPv6( const IPv6_Address_t * pxIPAddress );
NetworkEndPoint_t * FreeRTOS_FindEndPointOnMAC( const MACAddress_t * pxMACAddress,
                                                const NetworkInterface_t * pxInterface );
NetworkEndPoint_t * FreeRTOS_FindEndPointOnNetMask( uint32_t ulIPAddress );
NetworkEndPoint_t * FreeRTOS_FindEndPointOnNetMask_IPv6( const IPv6_Address_t * pxIPv6Address );
NetworkEndPoint_t * FreeRTOS_InterfaceEndPointOnNetMask( const NetworkInterface_t * pxInterface,
                                                         uint32_t ulIPAddress );
NetworkEndPoint_t * FreeRTOS_FindGateWay( BaseType_t xIPType );

/* Sockets and end-points. */
NetworkEndPoint_t * pxGetSocketEndpoint( ConstSocket_t xSocket );
void vSetSocketEndpoint( Socket_t xSocket,
                         NetworkEndPoint_t * pxEndPoint );

const char * pcEndpointName( const NetworkEndPoint_t * pxEndPoint,
                             char * pcBuffer,
                             size_t uxSize );
IPv6_Type_t xIPv6_GetIPType( const IPv6_Address_t * pxAddress );

#ifdef __cplusplus
}
#endif

#endif /* FREERTOS_ROUTING_H */
