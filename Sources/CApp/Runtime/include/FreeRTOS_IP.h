/* tcpsim: FreeRTOS+TCP IP stack API (initialisation, addresses, hooks), written from the public API documentation. */
#ifndef FREERTOS_IP_H
#define FREERTOS_IP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"
#include "queue.h"
#include "semphr.h"
#include "event_groups.h"

/* The application's stack configuration, then defaults for what it left out. */
#include "FreeRTOSIPConfig.h"
#include "FreeRTOSIPConfigDefaults.h"
#include "FreeRTOS_IP_Common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The FreeRTOS+TCP version whose API these headers follow. */
#define ipFR_TCP_VERSION_NUMBER    "V4.4.1"
#define ipFR_TCP_VERSION_MAJOR     4
#define ipFR_TCP_VERSION_MINOR     4
#define ipFR_TCP_VERSION_BUILD     1

/*---------------------------------------------------------------------------
 * Sizes and protocol numbers.
 *-------------------------------------------------------------------------*/
#define ipSIZE_OF_ETH_HEADER                       14U
#define ipSIZE_OF_IGMP_HEADER                      8U
#define ipSIZE_OF_UDP_HEADER                       8U
#define ipSIZE_OF_TCP_HEADER                       20U
#define ipSIZE_OF_IPv4_HEADER                      20U
#define ipSIZE_OF_IPv4_ADDRESS                     4U
#define ipSIZE_OF_ICMPv4_HEADER                    8U
#define ipSIZE_OF_IPv6_HEADER                      40U
#define ipSIZE_OF_IPv6_ADDRESS                     16U
#define ipSIZE_OF_ICMPv6_HEADER                    24U
#define ipSIZE_OF_ETH_CRC_BYTES                    ( 4UL )
#define ipSIZE_OF_ETH_OPTIONAL_802_1Q_TAG_BYTES    ( 4UL )
#define ipTOTAL_ETHERNET_FRAME_SIZE \
    ( ( ( uint32_t ) ipconfigNETWORK_MTU ) + ( ( uint32_t ) ipSIZE_OF_ETH_HEADER ) + ipSIZE_OF_ETH_CRC_BYTES + ipSIZE_OF_ETH_OPTIONAL_802_1Q_TAG_BYTES )
#define ipMAC_ADDRESS_LENGTH_BYTES                 ( 6U )
#define ipIP_ADDRESS_LENGTH_BYTES                  ( 4U )

#define ipPROTOCOL_ICMP                            ( 1U )
#define ipPROTOCOL_IGMP                            ( 2U )
#define ipPROTOCOL_TCP                             ( 6U )
#define ipPROTOCOL_UDP                             ( 17U )
#define ipPROTOCOL_ICMP_IPv6                       ( 58U )

/* IP versions, as returned by FreeRTOS_GetIPType() and taken by the ..._Multi() functions. */
#define ipTYPE_IPv4                                ( 0x40U )
#define ipTYPE_IPv6                                ( 0x60U )

#define ipFIRST_LOOPBACK_IPv4                      0x7F000000UL
#define ipLAST_LOOPBACK_IPv4                       0x80000000UL

#define ipINT32_MAX_VALUE                          ( ( int32_t ) 0x7FFFFFFFU )
#define ipINT32_MIN_VALUE                          ( ( int32_t ) 0x80000000U )

#if ( ipconfigBUFFER_PADDING != 0 )
    #define ipBUFFER_PADDING    ipconfigBUFFER_PADDING
#else
    #define ipBUFFER_PADDING    ( 12U + ipconfigPACKET_FILLER_SIZE )
#endif

/*---------------------------------------------------------------------------
 * Booleans and helpers.
 *-------------------------------------------------------------------------*/
#ifndef ipTRUE_BOOL
    #define ipTRUE_BOOL     ( pdPASS == pdPASS )
#endif
#ifndef ipFALSE_BOOL
    #define ipFALSE_BOOL    ( pdPASS == pdFAIL )
#endif

#define ipMS_TO_MIN_TICKS( xTimeInMs ) \
    ( ( pdMS_TO_TICKS( ( xTimeInMs ) ) < ( ( TickType_t ) 1U ) ) ? ( ( TickType_t ) 1U ) : pdMS_TO_TICKS( ( xTimeInMs ) ) )
#define pdMS_TO_MIN_TICKS( xTimeInMs )    ipMS_TO_MIN_TICKS( xTimeInMs )

/* Byte order conversion for the little-endian target (FreeRTOSIPConfigDefaults.h refuses any other). */
#ifndef FreeRTOS_htons
    #define FreeRTOS_htons( usIn ) \
    ( ( uint16_t ) ( ( ( ( uint16_t ) ( usIn ) ) << 8U ) | ( ( ( uint16_t ) ( usIn ) ) >> 8U ) ) )
#endif
#ifndef FreeRTOS_htonl
    #define FreeRTOS_htonl( ulIn )                               \
    ( ( uint32_t ) ( ( ( ( uint32_t ) ( ulIn ) ) << 24 ) |       \
                     ( ( ( ( uint32_t ) ( ulIn ) ) & 0x0000ff00U ) << 8 ) | \
                     ( ( ( ( uint32_t ) ( ulIn ) ) & 0x00ff0000U ) >> 8 ) | \
                     ( ( ( uint32_t ) ( ulIn ) ) >> 24 ) ) )
#endif
#define FreeRTOS_ntohs( x )    FreeRTOS_htons( x )
#define FreeRTOS_ntohl( x )    FreeRTOS_htonl( x )

/* No-ops here: the library's debugging helpers. */
#if ( ipconfigHAS_PRINTF == 1 )
    #define DEBUG_DECLARE_TRACE_VARIABLE( type, var, init )    type var = ( init )
    #define DEBUG_SET_TRACE_VARIABLE( var, value )             var = ( value )
#else
    #define DEBUG_DECLARE_TRACE_VARIABLE( type, var, init )
    #define DEBUG_SET_TRACE_VARIABLE( var, value )
#endif

/*---------------------------------------------------------------------------
 * Types.
 *-------------------------------------------------------------------------*/

/* Network buffers belong to the (simulated) driver layer and stay opaque. */
struct xNETWORK_BUFFER;
typedef struct xNETWORK_BUFFER NetworkBufferDescriptor_t;

typedef struct xMAC_ADDRESS
{
    uint8_t ucBytes[ ipMAC_ADDRESS_LENGTH_BYTES ];
} MACAddress_t;

/* The events passed to vApplicationIPNetworkEventHook(_Multi)(). */
typedef enum eNETWORK_EVENTS
{
    eNetworkUp,
    eNetworkDown
} eIPCallbackEvent_t;

/* Passed to vApplicationPingReplyHook(). */
typedef enum ePING_REPLY_STATUS
{
    eSuccess = 0,
    eInvalidChecksum,
    eInvalidData
} ePingReplyStatus_t;

struct xNetworkInterface;
struct xNetworkEndPoint;

/*---------------------------------------------------------------------------
 * Start-up and configuration.
 *-------------------------------------------------------------------------*/

/* V4: start the stack after the interfaces and end-points were described (FreeRTOS_Routing.h). */
BaseType_t FreeRTOS_IPInit_Multi( void );

/* V2/V3 single-interface start-up (V4 keeps it for ipconfigIPv4_BACKWARD_COMPATIBLE; tcpsim always has it).
 * Addresses are given as four octets, most significant first. */
BaseType_t FreeRTOS_IPInit( const uint8_t ucIPAddress[ ipIP_ADDRESS_LENGTH_BYTES ],
                            const uint8_t ucNetMask[ ipIP_ADDRESS_LENGTH_BYTES ],
                            const uint8_t ucGatewayAddress[ ipIP_ADDRESS_LENGTH_BYTES ],
                            const uint8_t ucDNSServerAddress[ ipIP_ADDRESS_LENGTH_BYTES ],
                            const uint8_t ucMACAddress[ ipMAC_ADDRESS_LENGTH_BYTES ] );

/* The interface descriptor filler of the backward-compatible start-up (drivers have their own names too). */
struct xNetworkInterface * pxFillInterfaceDescriptor( BaseType_t xEMACIndex,
                                                      struct xNetworkInterface * pxInterface );

/* Addresses of the first end-point (single-interface API); all in network byte order. */
void FreeRTOS_GetAddressConfiguration( uint32_t * pulIPAddress,
                                       uint32_t * pulNetMask,
                                       uint32_t * pulGatewayAddress,
                                       uint32_t * pulDNSServerAddress );
void FreeRTOS_SetAddressConfiguration( const uint32_t * pulIPAddress,
                                       const uint32_t * pulNetMask,
                                       const uint32_t * pulGatewayAddress,
                                       const uint32_t * pulDNSServerAddress );

/* The same for a given end-point (NULL: the first one). */
void FreeRTOS_GetEndPointConfiguration( uint32_t * pulIPAddress,
                                        uint32_t * pulNetMask,
                                        uint32_t * pulGatewayAddress,
                                        uint32_t * pulDNSServerAddress,
                                        const struct xNetworkEndPoint * pxEndPoint );
void FreeRTOS_SetEndPointConfiguration( const uint32_t * pulIPAddress,
                                        const uint32_t * pulNetMask,
                                        const uint32_t * pulGatewayAddress,
                                        const uint32_t * pulDNSServerAddress,
                                        struct xNetworkEndPoint * pxEndPoint );

/* IPv4 address getters and setters of the single-interface API (network byte order). */
uint32_t FreeRTOS_GetIPAddress( void );
uint32_t FreeRTOS_GetNetmask( void );
uint32_t FreeRTOS_GetGatewayAddress( void );
uint32_t FreeRTOS_GetDNSServerAddress( void );
void FreeRTOS_SetIPAddress( uint32_t ulIPAddress );
void FreeRTOS_SetNetmask( uint32_t ulNetmask );
void FreeRTOS_SetGatewayAddress( uint32_t ulGatewayAddress );
const uint8_t * FreeRTOS_GetMACAddress( void );
void FreeRTOS_UpdateMACAddress( const uint8_t ucMACAddress[ ipMAC_ADDRESS_LENGTH_BYTES ] );

BaseType_t FreeRTOS_IsNetworkUp( void );
TaskHandle_t FreeRTOS_GetIPTaskHandle( void );
void FreeRTOS_NetworkDown( struct xNetworkInterface * pxNetworkInterface );
BaseType_t FreeRTOS_NetworkDownFromISR( struct xNetworkInterface * pxNetworkInterface );

BaseType_t xIsIPv4Multicast( uint32_t ulIPAddress );
BaseType_t xIsIPv4Loopback( uint32_t ulAddress );

/* The IPv6 unspecified (::) and loopback (::1) addresses. */
extern const struct xIPv6_Address FreeRTOS_in6addr_any;
extern const struct xIPv6_Address FreeRTOS_in6addr_loopback;

/*---------------------------------------------------------------------------
 * UDP zero-copy buffers and pings.
 *-------------------------------------------------------------------------*/
void * FreeRTOS_GetUDPPayloadBuffer( size_t uxRequestedSizeBytes,
                                     TickType_t uxBlockTimeTicks );
void * FreeRTOS_GetUDPPayloadBuffer_Multi( size_t uxRequestedSizeBytes,
                                           TickType_t uxBlockTimeTicks,
                                           uint8_t ucIPType );
void FreeRTOS_ReleaseUDPPayloadBuffer( void const * pvBuffer );
BaseType_t FreeRTOS_SendPingRequest( uint32_t ulIPAddress,
                                     size_t uxNumberOfBytesToSend,
                                     TickType_t uxBlockTimeTicks );

/*---------------------------------------------------------------------------
 * Helpers.
 *-------------------------------------------------------------------------*/
#include "FreeRTOS_errno_TCP.h" /* FreeRTOS_strerror_r() */
const char * FreeRTOS_GetTCPStateName( UBaseType_t ulState );
int32_t FreeRTOS_max_int32( int32_t a,
                            int32_t b );
uint32_t FreeRTOS_max_uint32( uint32_t a,
                              uint32_t b );
size_t FreeRTOS_max_size_t( size_t a,
                            size_t b );
int32_t FreeRTOS_min_int32( int32_t a,
                            int32_t b );
uint32_t FreeRTOS_min_uint32( uint32_t a,
                              uint32_t b );
size_t FreeRTOS_min_size_t( size_t a,
                            size_t b );
uint32_t FreeRTOS_round_up( uint32_t a,
                            uint32_t d );
uint32_t FreeRTOS_round_down( uint32_t a,
                              uint32_t d );

#if ( ipconfigHAS_PRINTF != 0 )
    void vPrintResourceStats( void );
#else
    #define vPrintResourceStats()    do {} while( 0 )
#endif

/*---------------------------------------------------------------------------
 * Functions the application provides. Optional hooks are declared under the
 * same option as in the library; where V4 renamed a hook, both spellings are
 * declared and the application defines the one of its API generation.
 *-------------------------------------------------------------------------*/

#if ( ipconfigUSE_NETWORK_EVENT_HOOK == 1 )
    /* Network up/down: V2/V3 and backward-compatible V4 ... */
    void vApplicationIPNetworkEventHook( eIPCallbackEvent_t eNetworkEvent );
    /* ... and V4 multi-endpoint. */
    void vApplicationIPNetworkEventHook_Multi( eIPCallbackEvent_t eNetworkEvent,
                                               struct xNetworkEndPoint * pxEndPoint );
#endif

/* Random numbers: *pulNumber gets one; return pdTRUE on success. */
BaseType_t xApplicationGetRandomNumber( uint32_t * pulNumber );

/* Initial TCP sequence number for a new connection (addresses and ports in network byte order). */
uint32_t ulApplicationGetNextSequenceNumber( uint32_t ulSourceAddress,
                                             uint16_t usSourcePort,
                                             uint32_t ulDestinationAddress,
                                             uint16_t usDestinationPort );

#if ( ipconfigDHCP_REGISTER_HOSTNAME == 1 )
    /* The host name registered with DHCP (also asked for by LLMNR and NBNS). */
    const char * pcApplicationHostnameHook( void );
#endif

#if ( ipconfigSUPPORT_OUTGOING_PINGS == 1 )
    /* Replies to FreeRTOS_SendPingRequest(). */
    void vApplicationPingReplyHook( ePingReplyStatus_t eStatus,
                                    uint16_t usIdentifier );
#endif

/* Names used by older applications. */
#if ( ipconfigENABLE_BACKWARD_COMPATIBILITY == 1 )
    #define xNetworkBufferDescriptor_t    NetworkBufferDescriptor_t
    #define xMACAddress_t                 MACAddress_t
    #define xWinProperties_t              WinProperties_t
    #define xSocket_t                     Socket_t
    #define xSocketSet_t                  SocketSet_t
    #define ipSIZE_OF_IP_HEADER           ipSIZE_OF_IPv4_HEADER
    #define FOnConnected                  FOnConnected_t
    #define FOnTcpReceive                 FOnTCPReceive_t
    #define FOnTcpSent                    FOnTCPSent_t
    #define FOnUdpReceive                 FOnUDPReceive_t
    #define FOnUdpSent                    FOnUDPSent_t
    #define pOnTcpConnected               pxOnTCPConnected
    #define pOnTcpReceive                 pxOnTCPReceive
    #define pOnTcpSent                    pxOnTCPSent
    #define pOnUdpReceive                 pxOnUDPReceive
    #define pOnUdpSent                    pxOnUDPSent
#endif

#ifdef __cplusplus
}
#endif

/* What the real FreeRTOS_IP.h makes visible through its own includes. */
#include "FreeRTOS_Sockets.h"
#include "FreeRTOS_DNS.h"
#include "FreeRTOS_DHCP.h"
#include "FreeRTOS_Routing.h"

#endif /* FREERTOS_IP_H */
