/* tcpsim: FreeRTOS+TCP Berkeley-style sockets API, written from the public API documentation. */
#ifndef FREERTOS_SOCKETS_H
#define FREERTOS_SOCKETS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"
#include "FreeRTOSIPConfig.h"
#include "FreeRTOSIPConfigDefaults.h"
#include "FreeRTOS_IP_Common.h"
#include "event_groups.h"

#ifdef __cplusplus
extern "C" {
#endif

/*---------------------------------------------------------------------------
 * Constants.
 *-------------------------------------------------------------------------*/

/* What FreeRTOS_socket() and FreeRTOS_accept() return on failure. */
#define FREERTOS_INVALID_SOCKET          ( ( Socket_t ) ~0U )

/* Old error names; the API returns negated pdFREERTOS_ERRNO_* values. */
#define FREERTOS_SOCKET_ERROR            ( -1 )
#define FREERTOS_EWOULDBLOCK             ( -pdFREERTOS_ERRNO_EWOULDBLOCK )
#define FREERTOS_EINVAL                  ( -pdFREERTOS_ERRNO_EINVAL )
#define FREERTOS_EADDRNOTAVAIL           ( -pdFREERTOS_ERRNO_EADDRNOTAVAIL )
#define FREERTOS_EADDRINUSE              ( -pdFREERTOS_ERRNO_EADDRINUSE )
#define FREERTOS_ENOBUFS                 ( -pdFREERTOS_ERRNO_ENOBUFS )
#define FREERTOS_ENOPROTOOPT             ( -pdFREERTOS_ERRNO_ENOPROTOOPT )
#define FREERTOS_ECLOSED                 ( -pdFREERTOS_ERRNO_ENOTCONN )

/* FreeRTOS_socket() arguments. */
#define FREERTOS_AF_INET                 ( 2 )
#define FREERTOS_AF_INET6                ( 10 )
#define FREERTOS_AF_INET4                FREERTOS_AF_INET
#define FREERTOS_SOCK_STREAM             ( 1 )
#define FREERTOS_SOCK_DGRAM              ( 2 )
#define FREERTOS_IPPROTO_TCP             ( 6 )
#define FREERTOS_IPPROTO_UDP             ( 17 )
#define FREERTOS_SOCK_DEPENDENT_PROTO    ( 0 )

/* xFlags of the send and receive functions. */
#define FREERTOS_ZERO_COPY               ( 1 )
#define FREERTOS_MSG_OOB                 ( 2 )
#define FREERTOS_MSG_PEEK                ( 4 )
#define FREERTOS_MSG_DONTROUTE           ( 8 )
#define FREERTOS_MSG_DONTWAIT            ( 16 )

/* FreeRTOS_setsockopt() option names (the level argument is ignored). */
#define FREERTOS_SO_RCVTIMEO                ( 0 )  /* TickType_t */
#define FREERTOS_SO_SNDTIMEO                ( 1 )  /* TickType_t */
#define FREERTOS_SO_UDPCKSUM_OUT            ( 2 )  /* UDP only */
#define FREERTOS_SO_SET_SEMAPHORE           ( 3 )  /* SemaphoreHandle_t; ipconfigSOCKET_HAS_USER_SEMAPHORE */
#define FREERTOS_SO_SNDBUF                  ( 4 )  /* int32_t, TCP */
#define FREERTOS_SO_RCVBUF                  ( 5 )  /* int32_t, TCP */
#define FREERTOS_SO_TCP_CONN_HANDLER        ( 6 )  /* F_TCP_UDP_Handler_t; ipconfigUSE_CALLBACKS */
#define FREERTOS_SO_TCP_RECV_HANDLER        ( 7 )
#define FREERTOS_SO_TCP_SENT_HANDLER        ( 8 )
#define FREERTOS_SO_UDP_RECV_HANDLER        ( 9 )
#define FREERTOS_SO_UDP_SENT_HANDLER        ( 10 )
#define FREERTOS_SO_REUSE_LISTEN_SOCKET     ( 11 ) /* BaseType_t, TCP */
#define FREERTOS_SO_CLOSE_AFTER_SEND        ( 12 ) /* BaseType_t, TCP */
#define FREERTOS_SO_WIN_PROPERTIES          ( 13 ) /* WinProperties_t, TCP */
#define FREERTOS_SO_SET_FULL_SIZE           ( 14 ) /* BaseType_t, TCP */
#define FREERTOS_SO_STOP_RX                 ( 15 ) /* BaseType_t, TCP */
#define FREERTOS_SO_UDP_MAX_RX_PACKETS      ( 16 ) /* UBaseType_t; ipconfigUDP_MAX_RX_PACKETS > 0 */
#define FREERTOS_SO_WAKEUP_CALLBACK         ( 17 ) /* void (*)( Socket_t ); ipconfigSOCKET_HAS_USER_WAKE_CALLBACK */
#define FREERTOS_SO_SET_LOW_HIGH_WATER      ( 18 ) /* LowHighWater_t, TCP */

#define FREERTOS_INADDR_ANY                 ( 0U )
#define FREERTOS_INADDR_BROADCAST           ( 0xffffffffUL )

/* FreeRTOS_shutdown() xHow (the library treats all alike). */
#define FREERTOS_SHUT_RD                    ( 0 )
#define FREERTOS_SHUT_WR                    ( 1 )
#define FREERTOS_SHUT_RDWR                  ( 2 )

/*---------------------------------------------------------------------------
 * Types.
 *-------------------------------------------------------------------------*/

/* As in FreeRTOS+TCP, a macro rather than a typedef. */
#define socklen_t    uint32_t

/* A socket address (V4 layout). sin_address holds an IPv4 (ulIP_IPv4, network order) or IPv6 address.
 * sin_addr, the V2/V3 name of the IPv4 field, is an alias of sin_address.ulIP_IPv4, so code written for either
 * spelling compiles whatever ipconfigIPv4_BACKWARD_COMPATIBLE is. */
struct freertos_sockaddr
{
    uint8_t sin_len;          /* sizeof( struct freertos_sockaddr ) */
    uint8_t sin_family;       /* FREERTOS_AF_INET or FREERTOS_AF_INET6 */
    uint16_t sin_port;        /* network byte order */
    uint32_t sin_flowinfo;    /* IPv6 flow information (unused) */
    #ifdef __GNUC__
        __extension__
    #endif
    union
    {
        IP_Address_t sin_address;
        uint32_t sin_addr;
    };
};
typedef struct freertos_sockaddr xFreertosSocAddr;

/* Sockets and socket sets are opaque. */
struct xSOCKET;
typedef struct xSOCKET * Socket_t;
typedef struct xSOCKET const * ConstSocket_t;

struct xSOCKET_SET;
typedef struct xSOCKET_SET * SocketSet_t;
typedef struct xSOCKET_SET const * ConstSocketSet_t;

/* FREERTOS_SO_WIN_PROPERTIES: buffer sizes in bytes, window sizes in MSS units. */
typedef struct xWIN_PROPS
{
    int32_t lTxBufSize;
    int32_t lTxWinSize;
    int32_t lRxBufSize;
    int32_t lRxWinSize;
} WinProperties_t;

/* FREERTOS_SO_SET_LOW_HIGH_WATER: send STOP below uxLittleSpace free bytes, GO above uxEnoughSpace. */
typedef struct xLOW_HIGH_WATER
{
    size_t uxLittleSpace;
    size_t uxEnoughSpace;
} LowHighWater_t;

/* TCP connection states, as returned by FreeRTOS_connstatus(). */
typedef enum eTCP_STATE
{
    eCLOSED = 0U,  /* 0 */
    eTCP_LISTEN,   /* 1 */
    eCONNECT_SYN,  /* 2: client, about to send SYN */
    eSYN_FIRST,    /* 3: server, child socket just created */
    eSYN_RECEIVED, /* 4 */
    eESTABLISHED,  /* 5 */
    eFIN_WAIT_1,   /* 6 */
    eFIN_WAIT_2,   /* 7 */
    eCLOSE_WAIT,   /* 8 */
    eCLOSING,      /* 9 */
    eLAST_ACK,     /* 10 */
    eTIME_WAIT     /* 11 */
} eIPTCPState_t;

/* FreeRTOS_FD_SET() / FreeRTOS_FD_CLR() / FreeRTOS_FD_ISSET() event bits. */
typedef enum eSELECT_EVENT
{
    eSELECT_READ = 0x0001,
    eSELECT_WRITE = 0x0002,
    eSELECT_EXCEPT = 0x0004,
    eSELECT_INTR = 0x0008,
    eSELECT_ALL = 0x000F,
    eSELECT_CALL_IP = 0x0010 /* reserved */
} eSelectEvent_t;

/* Callbacks installed with FREERTOS_SO_*_HANDLER (ipconfigUSE_CALLBACKS). */
typedef void ( * FOnConnected_t )( Socket_t xSocket,
                                   BaseType_t ulConnected );
typedef BaseType_t ( * FOnTCPReceive_t )( Socket_t xSocket,
                                          void * pData,
                                          size_t xLength );
typedef void ( * FOnTCPSent_t )( Socket_t xSocket,
                                 size_t xLength );
typedef BaseType_t ( * FOnUDPReceive_t )( Socket_t xSocket,
                                          void * pData,
                                          size_t xLength,
                                          const struct freertos_sockaddr * pxFrom,
                                          const struct freertos_sockaddr * pxDest );
typedef void ( * FOnUDPSent_t )( Socket_t xSocket,
                                 size_t xLength );
typedef struct xTCP_UDP_HANDLER
{
    FOnConnected_t pxOnTCPConnected;
    FOnTCPReceive_t pxOnTCPReceive;
    FOnTCPSent_t pxOnTCPSent;
    FOnUDPReceive_t pxOnUDPReceive;
    FOnUDPSent_t pxOnUDPSent;
} F_TCP_UDP_Handler_t;

/*---------------------------------------------------------------------------
 * Functions common to TCP and UDP.
 *-------------------------------------------------------------------------*/
Socket_t FreeRTOS_socket( BaseType_t xDomain,
                          BaseType_t xType,
                          BaseType_t xProtocol );
BaseType_t FreeRTOS_bind( Socket_t xSocket,
                          struct freertos_sockaddr const * pxAddress,
                          socklen_t xAddressLength );
BaseType_t FreeRTOS_setsockopt( Socket_t xSocket,
                                int32_t lLevel,
                                int32_t lOptionName,
                                const void * pvOptionValue,
                                size_t uxOptionLength );
BaseType_t FreeRTOS_closesocket( Socket_t xSocket );
size_t FreeRTOS_GetLocalAddress( ConstSocket_t xSocket,
                                 struct freertos_sockaddr * pxAddress );
BaseType_t FreeRTOS_GetIPType( ConstSocket_t xSocket );
BaseType_t xSocketValid( const ConstSocket_t xSocket );
BaseType_t xSocketSetSocketID( const Socket_t xSocket,
                               void * pvSocketID );
void * pvSocketGetSocketID( const ConstSocket_t xSocket );
BaseType_t FreeRTOS_SignalSocket( Socket_t xSocket );
BaseType_t FreeRTOS_SignalSocketFromISR( Socket_t xSocket,
                                         BaseType_t * pxHigherPriorityTaskWoken );

/*---------------------------------------------------------------------------
 * UDP.
 *-------------------------------------------------------------------------*/
int32_t FreeRTOS_sendto( Socket_t xSocket,
                         const void * pvBuffer,
                         size_t uxTotalDataLength,
                         BaseType_t xFlags,
                         const struct freertos_sockaddr * pxDestinationAddress,
                         socklen_t xDestinationAddressLength );
int32_t FreeRTOS_recvfrom( const ConstSocket_t xSocket,
                           void * pvBuffer,
                           size_t uxBufferLength,
                           BaseType_t xFlags,
                           struct freertos_sockaddr * pxSourceAddress,
                           socklen_t * pxSourceAddressLength );

/*---------------------------------------------------------------------------
 * TCP.
 *-------------------------------------------------------------------------*/
BaseType_t FreeRTOS_connect( Socket_t xClientSocket,
                             const struct freertos_sockaddr * pxAddress,
                             socklen_t xAddressLength );
BaseType_t FreeRTOS_listen( Socket_t xSocket,
                            BaseType_t xBacklog );
Socket_t FreeRTOS_accept( Socket_t xServerSocket,
                          struct freertos_sockaddr * pxAddress,
                          socklen_t * pxAddressLength );
BaseType_t FreeRTOS_send( Socket_t xSocket,
                          const void * pvBuffer,
                          size_t uxDataLength,
                          BaseType_t xFlags );
BaseType_t FreeRTOS_recv( Socket_t xSocket,
                          void * pvBuffer,
                          size_t uxBufferLength,
                          BaseType_t xFlags );
BaseType_t FreeRTOS_shutdown( Socket_t xSocket,
                              BaseType_t xHow );
BaseType_t FreeRTOS_ReleaseTCPPayloadBuffer( Socket_t xSocket,
                                             void const * pvBuffer,
                                             BaseType_t xByteCount );
BaseType_t FreeRTOS_rx_size( ConstSocket_t xSocket );
BaseType_t FreeRTOS_tx_space( ConstSocket_t xSocket );
BaseType_t FreeRTOS_tx_size( ConstSocket_t xSocket );
BaseType_t FreeRTOS_maywrite( ConstSocket_t xSocket );
BaseType_t FreeRTOS_issocketconnected( ConstSocket_t xSocket );
BaseType_t FreeRTOS_GetRemoteAddress( ConstSocket_t xSocket,
                                      struct freertos_sockaddr * pxAddress );
BaseType_t FreeRTOS_mss( ConstSocket_t xSocket );
BaseType_t FreeRTOS_connstatus( ConstSocket_t xSocket );
uint8_t * FreeRTOS_get_tx_base( Socket_t xSocket );
uint8_t * FreeRTOS_get_tx_head( Socket_t xSocket,
                                BaseType_t * pxLength );
struct xSTREAM_BUFFER;
const struct xSTREAM_BUFFER * FreeRTOS_get_rx_buf( ConstSocket_t xSocket );
void FreeRTOS_netstat( void );

#define FreeRTOS_recvcount( xSocket )      FreeRTOS_rx_size( xSocket )
#define FreeRTOS_outstanding( xSocket )    FreeRTOS_tx_size( xSocket )

/*---------------------------------------------------------------------------
 * select().
 *-------------------------------------------------------------------------*/
SocketSet_t FreeRTOS_CreateSocketSet( void );
void FreeRTOS_DeleteSocketSet( SocketSet_t xSocketSet );
BaseType_t FreeRTOS_select( SocketSet_t xSocketSet,
                            TickType_t xBlockTimeTicks );
void FreeRTOS_FD_SET( Socket_t xSocket,
                      SocketSet_t xSocketSet,
                      EventBits_t xBitsToSet );
void FreeRTOS_FD_CLR( Socket_t xSocket,
                      SocketSet_t xSocketSet,
                      EventBits_t xBitsToClear );
EventBits_t FreeRTOS_FD_ISSET( const ConstSocket_t xSocket,
                               const ConstSocketSet_t xSocketSet );

/*---------------------------------------------------------------------------
 * Address conversions.
 *-------------------------------------------------------------------------*/

/* Four octets (most significant first, as written in dotted notation) to a network-order address. */
#define FreeRTOS_inet_addr_quick( ucOctet0, ucOctet1, ucOctet2, ucOctet3 ) \
    ( ( ( ( uint32_t ) ( ucOctet3 ) ) << 24 ) |                            \
      ( ( ( uint32_t ) ( ucOctet2 ) ) << 16 ) |                            \
      ( ( ( uint32_t ) ( ucOctet1 ) ) << 8 ) |                             \
      ( ( uint32_t ) ( ucOctet0 ) ) )

uint32_t FreeRTOS_inet_addr( const char * pcIPAddress );
const char * FreeRTOS_inet_ntoa( uint32_t ulIPAddress,
                                 char * pcBuffer );
BaseType_t FreeRTOS_inet_pton( BaseType_t xAddressFamily,
                               const char * pcSource,
                               void * pvDestination );
const char * FreeRTOS_inet_ntop( BaseType_t xAddressFamily,
                                 const void * pvSource,
                                 char * pcDestination,
                                 socklen_t uxSize );
BaseType_t FreeRTOS_inet_pton4( const char * pcSource,
                                void * pvDestination );
const char * FreeRTOS_inet_ntop4( const void * pvSource,
                                  char * pcDestination,
                                  socklen_t uxSize );
BaseType_t FreeRTOS_inet_pton6( const char * pcSource,
                                void * pvDestination );
const char * FreeRTOS_inet_ntop6( const void * pvSource,
                                  char * pcDestination,
                                  socklen_t uxSize );
BaseType_t FreeRTOS_EUI48_pton( const char * pcSource,
                                uint8_t * pucTarget );
void FreeRTOS_EUI48_ntop( const uint8_t * pucSource,
                          char * pcTarget,
                          char cTen,
                          char cSeparator );

#ifdef __cplusplus
}
#endif

#endif /* FREERTOS_SOCKETS_H */
