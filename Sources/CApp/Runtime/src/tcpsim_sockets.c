/* tcpsim: the FreeRTOS+TCP API of the application — sockets, socket sets, select, the IP task and its hooks — as
 * requests to tcpsim, where the FreeRTOS+TCP model runs. Address helpers run here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"
#include "FreeRTOS_IP.h"
#include "FreeRTOS_Sockets.h"
#include "FreeRTOS_Routing.h"
#include "FreeRTOS_ARP.h"
#include "FreeRTOS_ND.h"
#include "tcpsim_runtime.h"

/* Handles: small numbers the application never dereferences, offset so that none is NULL. */
#define SOCKET_BASE ( ( uintptr_t ) 0x10000 )
#define SET_BASE ( ( uintptr_t ) 0x20000000 )

static Socket_t socket_handle( int64_t id ) { return ( Socket_t ) ( SOCKET_BASE + ( uintptr_t ) id ); }
static int64_t socket_id( ConstSocket_t xSocket ) { return xSocket == FREERTOS_INVALID_SOCKET || xSocket == NULL ? -1 : ( int64_t ) ( ( uintptr_t ) xSocket - SOCKET_BASE ); }
static int64_t set_id( ConstSocketSet_t xSet ) { return xSet == NULL ? -1 : ( int64_t ) ( ( uintptr_t ) xSet - SET_BASE ); }

/* ---- Sockets --------------------------------------------------------------------------------------- */

Socket_t FreeRTOS_socket( BaseType_t xDomain, BaseType_t xType, BaseType_t xProtocol )
{
    int64_t id = tcpsim_call3( TCPSIM_OP_SOCKET, xDomain, xType, xProtocol );
    return id < 0 ? FREERTOS_INVALID_SOCKET : socket_handle( id );
}

BaseType_t FreeRTOS_bind( Socket_t xSocket, struct freertos_sockaddr const * pxAddress, socklen_t xAddressLength )
{
    ( void ) xAddressLength;
    uint16_t port = pxAddress ? FreeRTOS_ntohs( pxAddress->sin_port ) : 0;
    return ( BaseType_t ) tcpsim_call2( TCPSIM_OP_BIND, socket_id( xSocket ), port );
}

BaseType_t FreeRTOS_listen( Socket_t xSocket, BaseType_t xBacklog )
{
    return ( BaseType_t ) tcpsim_call2( TCPSIM_OP_LISTEN, socket_id( xSocket ), xBacklog );
}

static void fill_address( struct freertos_sockaddr * pxAddress, uint32_t address, uint16_t port )
{
    if( !pxAddress ) return;
    memset( pxAddress, 0, sizeof( *pxAddress ) );
    pxAddress->sin_len = sizeof( *pxAddress );
    pxAddress->sin_family = FREERTOS_AF_INET;
    pxAddress->sin_port = FreeRTOS_htons( port );
    pxAddress->sin_addr = FreeRTOS_htonl( address );
}

Socket_t FreeRTOS_accept( Socket_t xServerSocket, struct freertos_sockaddr * pxAddress, socklen_t * pxAddressLength )
{
    int64_t remote = 0;
    int64_t id = tcpsim_call( TCPSIM_OP_ACCEPT, socket_id( xServerSocket ), 0, 0, 0, 0, NULL, 0, &remote );
    if( id == -1 ) return NULL;
    if( id < 0 ) return FREERTOS_INVALID_SOCKET;
    fill_address( pxAddress, ( uint32_t ) ( remote >> 16 ), ( uint16_t ) remote );
    if( pxAddressLength ) *pxAddressLength = sizeof( struct freertos_sockaddr );
    return socket_handle( id );
}

BaseType_t FreeRTOS_connect( Socket_t xClientSocket, const struct freertos_sockaddr * pxAddress, socklen_t xAddressLength )
{
    ( void ) xAddressLength;
    if( !pxAddress ) return -pdFREERTOS_ERRNO_EINVAL;
    return ( BaseType_t ) tcpsim_call3( TCPSIM_OP_CONNECT, socket_id( xClientSocket ), FreeRTOS_ntohl( pxAddress->sin_addr ),
                                        FreeRTOS_ntohs( pxAddress->sin_port ) );
}

BaseType_t FreeRTOS_send( Socket_t xSocket, const void * pvBuffer, size_t uxDataLength, BaseType_t xFlags )
{
    if( ( xFlags & FREERTOS_ZERO_COPY ) != 0 ) tcpsim_fault( TCPSIM_FAULT_UNSUPPORTED, "FreeRTOS_send() with FREERTOS_ZERO_COPY is not modelled by tcpsim" );
    if( pvBuffer == NULL && uxDataLength > 0 ) return -pdFREERTOS_ERRNO_EINVAL;
    /* Larger buffers go in pieces the size of the channel; the model queues each as FreeRTOS_send() would. */
    size_t sent = 0;
    do
    {
        size_t piece = uxDataLength - sent > TCPSIM_CHANNEL_DATA_MAX ? TCPSIM_CHANNEL_DATA_MAX : uxDataLength - sent;
        int64_t result = tcpsim_call( TCPSIM_OP_SEND, socket_id( xSocket ), xFlags, 0, 0, 0,
                                      ( const uint8_t * ) pvBuffer + sent, ( uint32_t ) piece, NULL );
        if( result <= 0 ) return sent > 0 ? ( BaseType_t ) sent : ( BaseType_t ) result;
        sent += ( size_t ) result;
        if( ( size_t ) result < piece ) break;
    } while( sent < uxDataLength );
    return ( BaseType_t ) sent;
}

BaseType_t FreeRTOS_recv( Socket_t xSocket, void * pvBuffer, size_t uxBufferLength, BaseType_t xFlags )
{
    if( ( xFlags & FREERTOS_ZERO_COPY ) != 0 ) tcpsim_fault( TCPSIM_FAULT_UNSUPPORTED, "FreeRTOS_recv() with FREERTOS_ZERO_COPY is not modelled by tcpsim" );
    if( uxBufferLength > TCPSIM_CHANNEL_DATA_MAX ) uxBufferLength = TCPSIM_CHANNEL_DATA_MAX;
    BaseType_t result = ( BaseType_t ) tcpsim_call3( TCPSIM_OP_RECV, socket_id( xSocket ), ( int64_t ) uxBufferLength, xFlags );
    if( result > 0 && pvBuffer )
    {
        uint32_t length = 0;
        const uint8_t * data = tcpsim_reply_data( &length );
        memcpy( pvBuffer, data, length < ( uint32_t ) result ? length : ( size_t ) result );
    }
    return result;
}

BaseType_t FreeRTOS_shutdown( Socket_t xSocket, BaseType_t xHow ) { return ( BaseType_t ) tcpsim_call2( TCPSIM_OP_SHUTDOWN, socket_id( xSocket ), xHow ); }
BaseType_t FreeRTOS_closesocket( Socket_t xSocket )
{
    if( xSocket == NULL || xSocket == FREERTOS_INVALID_SOCKET ) return 0;
    return ( BaseType_t ) tcpsim_call1( TCPSIM_OP_CLOSE, socket_id( xSocket ) );
}

BaseType_t FreeRTOS_setsockopt( Socket_t xSocket, int32_t lLevel, int32_t lOptionName, const void * pvOptionValue, size_t uxOptionLength )
{
    int64_t value = 0;
    const void * data = NULL;
    uint32_t length = 0;
    switch( lOptionName )
    {
        case FREERTOS_SO_RCVTIMEO:
        case FREERTOS_SO_SNDTIMEO:
            if( !pvOptionValue ) return -pdFREERTOS_ERRNO_EINVAL;
            value = *( const TickType_t * ) pvOptionValue;
            break;
        case FREERTOS_SO_SNDBUF:
        case FREERTOS_SO_RCVBUF:
            if( !pvOptionValue ) return -pdFREERTOS_ERRNO_EINVAL;
            value = *( const int32_t * ) pvOptionValue;
            break;
        case FREERTOS_SO_REUSE_LISTEN_SOCKET:
        case FREERTOS_SO_CLOSE_AFTER_SEND:
        case FREERTOS_SO_STOP_RX:
        case FREERTOS_SO_SET_FULL_SIZE:
            /* FreeRTOS reads a BaseType_t, or takes a NULL value as pdFALSE. */
            value = pvOptionValue ? *( const BaseType_t * ) pvOptionValue : 0;
            break;
        case FREERTOS_SO_WIN_PROPERTIES:
        {
            if( !pvOptionValue ) return -pdFREERTOS_ERRNO_EINVAL;
            const WinProperties_t * properties = pvOptionValue;
            static int32_t fields[ 4 ];
            fields[ 0 ] = properties->lTxBufSize;
            fields[ 1 ] = properties->lTxWinSize;
            fields[ 2 ] = properties->lRxBufSize;
            fields[ 3 ] = properties->lRxWinSize;
            data = fields;
            length = sizeof( fields );
            break;
        }
        case FREERTOS_SO_SET_LOW_HIGH_WATER:
        {
            if( !pvOptionValue ) return -pdFREERTOS_ERRNO_EINVAL;
            const LowHighWater_t * water = pvOptionValue;
            static int64_t fields[ 2 ];
            fields[ 0 ] = ( int64_t ) water->uxLittleSpace;
            fields[ 1 ] = ( int64_t ) water->uxEnoughSpace;
            data = fields;
            length = sizeof( fields );
            break;
        }
        default:
            break;
    }
    ( void ) uxOptionLength;
    return ( BaseType_t ) tcpsim_call( TCPSIM_OP_SETSOCKOPT, socket_id( xSocket ), lLevel, lOptionName, value, 0, data, length, NULL );
}

static BaseType_t query( ConstSocket_t xSocket, int what, int64_t * second )
{
    return ( BaseType_t ) tcpsim_call( TCPSIM_OP_SOCKET_QUERY, socket_id( xSocket ), what, 0, 0, 0, NULL, 0, second );
}

BaseType_t FreeRTOS_connstatus( ConstSocket_t xSocket ) { return query( xSocket, TCPSIM_QUERY_CONNSTATUS, NULL ); }
BaseType_t FreeRTOS_issocketconnected( ConstSocket_t xSocket ) { return query( xSocket, TCPSIM_QUERY_IS_CONNECTED, NULL ); }
BaseType_t FreeRTOS_tx_space( ConstSocket_t xSocket ) { return query( xSocket, TCPSIM_QUERY_TX_SPACE, NULL ); }
BaseType_t FreeRTOS_tx_size( ConstSocket_t xSocket ) { return query( xSocket, TCPSIM_QUERY_TX_SIZE, NULL ); }
BaseType_t FreeRTOS_rx_size( ConstSocket_t xSocket ) { return query( xSocket, TCPSIM_QUERY_RX_SIZE, NULL ); }
BaseType_t FreeRTOS_mss( ConstSocket_t xSocket ) { return query( xSocket, TCPSIM_QUERY_MSS, NULL ); }

BaseType_t FreeRTOS_maywrite( ConstSocket_t xSocket )
{
    BaseType_t state = FreeRTOS_connstatus( xSocket );
    if( state < 0 ) return state;
    if( state < eESTABLISHED ) return ( state == eCONNECT_SYN || state == eSYN_FIRST || state == eSYN_RECEIVED ) ? 0 : -1;
    if( state != eESTABLISHED ) return -1;
    return FreeRTOS_tx_space( xSocket );
}

BaseType_t FreeRTOS_GetRemoteAddress( ConstSocket_t xSocket, struct freertos_sockaddr * pxAddress )
{
    int64_t port = 0;
    int64_t address = tcpsim_call( TCPSIM_OP_SOCKET_QUERY, socket_id( xSocket ), TCPSIM_QUERY_REMOTE, 0, 0, 0, NULL, 0, &port );
    if( address < 0 ) return ( BaseType_t ) address;
    fill_address( pxAddress, ( uint32_t ) address, ( uint16_t ) port );
    return sizeof( struct freertos_sockaddr );
}

size_t FreeRTOS_GetLocalAddress( ConstSocket_t xSocket, struct freertos_sockaddr * pxAddress )
{
    int64_t port = 0;
    int64_t address = tcpsim_call( TCPSIM_OP_SOCKET_QUERY, socket_id( xSocket ), TCPSIM_QUERY_LOCAL, 0, 0, 0, NULL, 0, &port );
    fill_address( pxAddress, address < 0 ? 0 : ( uint32_t ) address, ( uint16_t ) port );
    return sizeof( struct freertos_sockaddr );
}

BaseType_t FreeRTOS_GetIPType( ConstSocket_t xSocket ) { ( void ) xSocket; return ipTYPE_IPv4; }
BaseType_t xSocketValid( const ConstSocket_t xSocket ) { return xSocket != NULL && xSocket != FREERTOS_INVALID_SOCKET; }

static void * socket_ids[ 4096 ];

BaseType_t xSocketSetSocketID( const Socket_t xSocket, void * pvSocketID )
{
    int64_t id = socket_id( xSocket );
    if( id < 0 || id >= 4096 ) return -pdFREERTOS_ERRNO_EINVAL;
    socket_ids[ id ] = pvSocketID;
    return 0;
}

void * pvSocketGetSocketID( const ConstSocket_t xSocket )
{
    int64_t id = socket_id( xSocket );
    return id < 0 || id >= 4096 ? NULL : socket_ids[ id ];
}

BaseType_t FreeRTOS_SignalSocket( Socket_t xSocket ) { return ( BaseType_t ) tcpsim_call1( TCPSIM_OP_SIGNAL, socket_id( xSocket ) ); }
BaseType_t FreeRTOS_SignalSocketFromISR( Socket_t xSocket, BaseType_t * pxHigherPriorityTaskWoken )
{
    if( pxHigherPriorityTaskWoken ) *pxHigherPriorityTaskWoken = pdFALSE;
    return FreeRTOS_SignalSocket( xSocket );
}

void FreeRTOS_netstat( void ) { tcpsim_call0( TCPSIM_OP_NETSTAT ); }

static void unsupported( const char * name )
{
    tcpsim_call( TCPSIM_OP_UNSUPPORTED, 0, 0, 0, 0, 0, name, ( uint32_t ) strlen( name ), NULL );
    tcpsim_fault( TCPSIM_FAULT_UNSUPPORTED, "%s is not modelled by tcpsim", name );
}

int32_t FreeRTOS_sendto( Socket_t xSocket, const void * pvBuffer, size_t uxTotalDataLength, BaseType_t xFlags,
                         const struct freertos_sockaddr * pxDestinationAddress, socklen_t xDestinationAddressLength )
{
    ( void ) xSocket; ( void ) pvBuffer; ( void ) uxTotalDataLength; ( void ) xFlags; ( void ) pxDestinationAddress; ( void ) xDestinationAddressLength;
    unsupported( "FreeRTOS_sendto() (UDP)" );
    return -1;
}

int32_t FreeRTOS_recvfrom( const ConstSocket_t xSocket, void * pvBuffer, size_t uxBufferLength, BaseType_t xFlags,
                           struct freertos_sockaddr * pxSourceAddress, socklen_t * pxSourceAddressLength )
{
    ( void ) xSocket; ( void ) pvBuffer; ( void ) uxBufferLength; ( void ) xFlags; ( void ) pxSourceAddress; ( void ) pxSourceAddressLength;
    unsupported( "FreeRTOS_recvfrom() (UDP)" );
    return -1;
}

BaseType_t FreeRTOS_ReleaseTCPPayloadBuffer( Socket_t xSocket, void const * pvBuffer, BaseType_t xByteCount )
{
    ( void ) xSocket; ( void ) pvBuffer; ( void ) xByteCount;
    unsupported( "FreeRTOS_ReleaseTCPPayloadBuffer() (zero copy)" );
    return -1;
}

uint8_t * FreeRTOS_get_tx_head( Socket_t xSocket, BaseType_t * pxLength ) { ( void ) xSocket; ( void ) pxLength; unsupported( "FreeRTOS_get_tx_head() (zero copy)" ); return NULL; }
uint8_t * FreeRTOS_get_tx_base( Socket_t xSocket ) { ( void ) xSocket; unsupported( "FreeRTOS_get_tx_base() (zero copy)" ); return NULL; }
const struct xSTREAM_BUFFER * FreeRTOS_get_rx_buf( ConstSocket_t xSocket ) { ( void ) xSocket; unsupported( "FreeRTOS_get_rx_buf() (zero copy)" ); return NULL; }

/* ---- Socket sets ----------------------------------------------------------------------------------- */

SocketSet_t FreeRTOS_CreateSocketSet( void ) { return ( SocketSet_t ) ( SET_BASE + ( uintptr_t ) tcpsim_call0( TCPSIM_OP_SET_CREATE ) ); }
void FreeRTOS_DeleteSocketSet( SocketSet_t xSocketSet ) { tcpsim_call1( TCPSIM_OP_SET_DELETE, set_id( xSocketSet ) ); }
void FreeRTOS_FD_SET( Socket_t xSocket, SocketSet_t xSocketSet, EventBits_t xBitsToSet ) { tcpsim_call3( TCPSIM_OP_FD_SET, socket_id( xSocket ), set_id( xSocketSet ), xBitsToSet ); }
void FreeRTOS_FD_CLR( Socket_t xSocket, SocketSet_t xSocketSet, EventBits_t xBitsToClear ) { tcpsim_call3( TCPSIM_OP_FD_CLR, socket_id( xSocket ), set_id( xSocketSet ), xBitsToClear ); }
EventBits_t FreeRTOS_FD_ISSET( const ConstSocket_t xSocket, const ConstSocketSet_t xSocketSet ) { return ( EventBits_t ) tcpsim_call2( TCPSIM_OP_FD_ISSET, socket_id( xSocket ), set_id( xSocketSet ) ); }
BaseType_t FreeRTOS_select( SocketSet_t xSocketSet, TickType_t xBlockTimeTicks ) { return ( BaseType_t ) tcpsim_call2( TCPSIM_OP_SELECT, set_id( xSocketSet ), xBlockTimeTicks ); }

/* ---- The IP task and the network ------------------------------------------------------------------- */

static uint8_t ip_address[ 4 ], net_mask[ 4 ], gateway[ 4 ], dns_server[ 4 ], mac_address[ 6 ];
static int network_initialised;
NetworkInterface_t * pxNetworkInterfaces;
NetworkEndPoint_t * pxNetworkEndPoints;

static uint32_t to_uint32( const uint8_t bytes[ 4 ] ) { uint32_t value; memcpy( &value, bytes, 4 ); return value; }

BaseType_t FreeRTOS_IPInit( const uint8_t ucIPAddress[ ipIP_ADDRESS_LENGTH_BYTES ], const uint8_t ucNetMask[ ipIP_ADDRESS_LENGTH_BYTES ],
                            const uint8_t ucGatewayAddress[ ipIP_ADDRESS_LENGTH_BYTES ], const uint8_t ucDNSServerAddress[ ipIP_ADDRESS_LENGTH_BYTES ],
                            const uint8_t ucMACAddress[ ipMAC_ADDRESS_LENGTH_BYTES ] )
{
    uint8_t data[ 22 ];
    memcpy( ip_address, ucIPAddress, 4 );
    memcpy( net_mask, ucNetMask, 4 );
    memcpy( gateway, ucGatewayAddress, 4 );
    memcpy( dns_server, ucDNSServerAddress, 4 );
    memcpy( mac_address, ucMACAddress, 6 );
    memcpy( data, ip_address, 4 );
    memcpy( data + 4, net_mask, 4 );
    memcpy( data + 8, gateway, 4 );
    memcpy( data + 12, dns_server, 4 );
    memcpy( data + 16, mac_address, 6 );
    /* As in V4's backward-compatible start-up, the single-interface API gets an interface and end-point of its own. */
    if( !pxNetworkEndPoints )
    {
        static NetworkInterface_t interface;
        static NetworkEndPoint_t endpoint;
        FreeRTOS_FillEndPoint( pxFillInterfaceDescriptor( 0, &interface ), &endpoint, ucIPAddress, ucNetMask, ucGatewayAddress,
                               ucDNSServerAddress, ucMACAddress );
    }
    network_initialised = 1;
    return ( BaseType_t ) tcpsim_call( TCPSIM_OP_IP_INIT, 0, 0, 0, 0, 0, data, sizeof( data ), NULL );
}

NetworkInterface_t * FreeRTOS_AddNetworkInterface( NetworkInterface_t * pxInterface )
{
    if( !pxInterface ) return NULL;
    pxInterface->pxNext = NULL;
    NetworkInterface_t ** link = &pxNetworkInterfaces;
    while( *link && *link != pxInterface ) link = &( *link )->pxNext;
    *link = pxInterface;
    return pxInterface;
}

/* The driver's descriptor: the model's device stands in for every network interface. */
__attribute__( ( weak ) ) NetworkInterface_t * pxFillInterfaceDescriptor( BaseType_t xEMACIndex, NetworkInterface_t * pxInterface )
{
    ( void ) xEMACIndex;
    memset( pxInterface, 0, sizeof( *pxInterface ) );
    pxInterface->pcName = "tcpsim";
    return FreeRTOS_AddNetworkInterface( pxInterface );
}

/* Drivers' own descriptor functions, as applications call them: each stands for the model's device too. */
#define TCPSIM_DRIVER_FILLER( name ) \
    NetworkInterface_t * name( BaseType_t xEMACIndex, NetworkInterface_t * pxInterface ) __attribute__( ( weak, alias( "pxFillInterfaceDescriptor" ) ) );
TCPSIM_DRIVER_FILLER( pxLibslirp_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxLinux_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxWinPcap_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxLoopback_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxMPS2_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxZynq_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxSTM32Fxx_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxSTM32H_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxSTM32Hxx_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxSTM32_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxSAM_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxATSAM5x_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxESP32_Eth_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxLAN91C111_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxNXP1060_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxPIC32_Eth_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxRX_FillInterfaceDescriptor )
TCPSIM_DRIVER_FILLER( pxUltrascale_FillInterfaceDescriptor )

/* Appends an end-point to the list of all end-points (once) and gives its interface a first end-point. */
static void add_endpoint( NetworkInterface_t * pxNetworkInterface, NetworkEndPoint_t * pxEndPoint )
{
    pxEndPoint->pxNetworkInterface = pxNetworkInterface;
    NetworkEndPoint_t ** link = &pxNetworkEndPoints;
    while( *link && *link != pxEndPoint ) link = &( *link )->pxNext;
    *link = pxEndPoint;
    if( pxNetworkInterface && !pxNetworkInterface->pxEndPoint ) pxNetworkInterface->pxEndPoint = pxEndPoint;
}

void FreeRTOS_FillEndPoint( NetworkInterface_t * pxNetworkInterface, NetworkEndPoint_t * pxEndPoint,
                            const uint8_t ucIPAddress[ ipIP_ADDRESS_LENGTH_BYTES ], const uint8_t ucNetMask[ ipIP_ADDRESS_LENGTH_BYTES ],
                            const uint8_t ucGatewayAddress[ ipIP_ADDRESS_LENGTH_BYTES ], const uint8_t ucDNSServerAddress[ ipIP_ADDRESS_LENGTH_BYTES ],
                            const uint8_t ucMACAddress[ ipMAC_ADDRESS_LENGTH_BYTES ] )
{
    memset( pxEndPoint, 0, sizeof( *pxEndPoint ) );
    pxEndPoint->ipv4_settings.ulIPAddress = to_uint32( ucIPAddress );
    pxEndPoint->ipv4_settings.ulNetMask = to_uint32( ucNetMask );
    pxEndPoint->ipv4_settings.ulGatewayAddress = to_uint32( ucGatewayAddress );
    pxEndPoint->ipv4_settings.ulDNSServerAddresses[ 0 ] = to_uint32( ucDNSServerAddress );
    pxEndPoint->ipv4_defaults = pxEndPoint->ipv4_settings;
    memcpy( pxEndPoint->xMACAddress.ucBytes, ucMACAddress, 6 );
    add_endpoint( pxNetworkInterface, pxEndPoint );
}

void FreeRTOS_FillEndPoint_IPv6( NetworkInterface_t * pxNetworkInterface, NetworkEndPoint_t * pxEndPoint, const IPv6_Address_t * pxIPAddress,
                                 const IPv6_Address_t * pxNetPrefix, size_t uxPrefixLength, const IPv6_Address_t * pxGatewayAddress,
                                 const IPv6_Address_t * pxDNSServerAddress, const uint8_t ucMACAddress[ ipMAC_ADDRESS_LENGTH_BYTES ] )
{
    /* IPv6 end-points are listed (and reported up) but not modelled: the device speaks IPv4 only. */
    memset( pxEndPoint, 0, sizeof( *pxEndPoint ) );
    pxEndPoint->bits.bIPv6 = 1;
    if( pxIPAddress ) pxEndPoint->ipv6_settings.xIPAddress = *pxIPAddress;
    if( pxNetPrefix ) pxEndPoint->ipv6_settings.xPrefix = *pxNetPrefix;
    pxEndPoint->ipv6_settings.uxPrefixLength = uxPrefixLength;
    if( pxGatewayAddress ) pxEndPoint->ipv6_settings.xGatewayAddress = *pxGatewayAddress;
    if( pxDNSServerAddress ) pxEndPoint->ipv6_settings.xDNSServerAddresses[ 0 ] = *pxDNSServerAddress;
    pxEndPoint->ipv6_defaults = pxEndPoint->ipv6_settings;
    memcpy( pxEndPoint->xMACAddress.ucBytes, ucMACAddress, 6 );
    add_endpoint( pxNetworkInterface, pxEndPoint );
}

BaseType_t FreeRTOS_IPInit_Multi( void )
{
    for( NetworkEndPoint_t * endpoint = pxNetworkEndPoints; endpoint; endpoint = endpoint->pxNext )
    {
        if( endpoint->bits.bIPv6 ) continue;
        uint8_t address[ 4 ], mask[ 4 ], gw[ 4 ], dns[ 4 ];
        memcpy( address, &endpoint->ipv4_settings.ulIPAddress, 4 );
        memcpy( mask, &endpoint->ipv4_settings.ulNetMask, 4 );
        memcpy( gw, &endpoint->ipv4_settings.ulGatewayAddress, 4 );
        memcpy( dns, &endpoint->ipv4_settings.ulDNSServerAddresses[ 0 ], 4 );
        return FreeRTOS_IPInit( address, mask, gw, dns, endpoint->xMACAddress.ucBytes );
    }
    static const uint8_t none[ 6 ];
    return FreeRTOS_IPInit( none, none, none, none, none );
}

NetworkInterface_t * FreeRTOS_FirstNetworkInterface( void ) { return pxNetworkInterfaces; }
NetworkInterface_t * FreeRTOS_NextNetworkInterface( const NetworkInterface_t * pxInterface ) { return pxInterface ? pxInterface->pxNext : NULL; }

NetworkEndPoint_t * FreeRTOS_FirstEndPoint( const NetworkInterface_t * pxInterface )
{
    for( NetworkEndPoint_t * endpoint = pxNetworkEndPoints; endpoint; endpoint = endpoint->pxNext )
        if( !pxInterface || endpoint->pxNetworkInterface == pxInterface ) return endpoint;
    return NULL;
}

NetworkEndPoint_t * FreeRTOS_NextEndPoint( const NetworkInterface_t * pxInterface, NetworkEndPoint_t * pxEndPoint )
{
    for( NetworkEndPoint_t * endpoint = pxEndPoint ? pxEndPoint->pxNext : NULL; endpoint; endpoint = endpoint->pxNext )
        if( !pxInterface || endpoint->pxNetworkInterface == pxInterface ) return endpoint;
    return NULL;
}

NetworkEndPoint_t * FreeRTOS_FirstEndPoint_IPv6( const NetworkInterface_t * pxInterface )
{
    for( NetworkEndPoint_t * endpoint = pxNetworkEndPoints; endpoint; endpoint = endpoint->pxNext )
        if( endpoint->bits.bIPv6 && ( !pxInterface || endpoint->pxNetworkInterface == pxInterface ) ) return endpoint;
    return NULL;
}

NetworkEndPoint_t * FreeRTOS_FindEndPointOnIP_IPv4( uint32_t ulIPAddress )
{
    for( NetworkEndPoint_t * endpoint = pxNetworkEndPoints; endpoint; endpoint = endpoint->pxNext )
        if( !endpoint->bits.bIPv6 && ( ulIPAddress == 0 || endpoint->ipv4_settings.ulIPAddress == ulIPAddress ) ) return endpoint;
    return NULL;
}

NetworkEndPoint_t * FreeRTOS_FindEndPointOnIP_IPv6( const IPv6_Address_t * pxIPAddress )
{
    for( NetworkEndPoint_t * endpoint = pxNetworkEndPoints; endpoint; endpoint = endpoint->pxNext )
        if( endpoint->bits.bIPv6 && memcmp( endpoint->ipv6_settings.xIPAddress.ucBytes, pxIPAddress->ucBytes, 16 ) == 0 ) return endpoint;
    return NULL;
}

/* Whether the first uxPrefixLength bits of two IPv6 addresses agree. */
static int same_prefix( const uint8_t * a, const uint8_t * b, size_t uxPrefixLength )
{
    size_t bits = uxPrefixLength > 128 ? 128 : uxPrefixLength;
    size_t whole = bits / 8;
    uint8_t mask = ( uint8_t ) ( 0xFF00U >> ( bits % 8 ) );
    return memcmp( a, b, whole ) == 0 && ( mask == 0 || ( ( a[ whole ] ^ b[ whole ] ) & mask ) == 0 );
}

NetworkEndPoint_t * FreeRTOS_FindEndPointOnNetMask_IPv6( const IPv6_Address_t * pxIPv6Address )
{
    for( NetworkEndPoint_t * endpoint = pxNetworkEndPoints; endpoint; endpoint = endpoint->pxNext )
        if( endpoint->bits.bIPv6 &&
            same_prefix( endpoint->ipv6_settings.xPrefix.ucBytes, pxIPv6Address->ucBytes, endpoint->ipv6_settings.uxPrefixLength ) )
            return endpoint;
    return NULL;
}

NetworkEndPoint_t * FreeRTOS_InterfaceEndPointOnNetMask( const NetworkInterface_t * pxInterface, uint32_t ulIPAddress )
{
    for( NetworkEndPoint_t * endpoint = pxNetworkEndPoints; endpoint; endpoint = endpoint->pxNext )
        if( !endpoint->bits.bIPv6 && ( !pxInterface || endpoint->pxNetworkInterface == pxInterface ) &&
            ( ( endpoint->ipv4_settings.ulIPAddress ^ ulIPAddress ) & endpoint->ipv4_settings.ulNetMask ) == 0 )
            return endpoint;
    return NULL;
}

NetworkEndPoint_t * FreeRTOS_FindGateWay( BaseType_t xIPType )
{
    static const uint8_t zero[ 16 ];
    for( NetworkEndPoint_t * endpoint = pxNetworkEndPoints; endpoint; endpoint = endpoint->pxNext )
    {
        if( xIPType == ( BaseType_t ) ipTYPE_IPv6 ? endpoint->bits.bIPv6 && memcmp( endpoint->ipv6_settings.xGatewayAddress.ucBytes, zero, 16 ) != 0
                                                  : !endpoint->bits.bIPv6 && endpoint->ipv4_settings.ulGatewayAddress != 0 )
            return endpoint;
    }
    return NULL;
}

/* The model's device has one address: every socket belongs to the first IPv4 end-point. */
NetworkEndPoint_t * pxGetSocketEndpoint( ConstSocket_t xSocket ) { return socket_id( xSocket ) < 0 ? NULL : FreeRTOS_FindEndPointOnIP_IPv4( 0 ); }
void vSetSocketEndpoint( Socket_t xSocket, NetworkEndPoint_t * pxEndPoint ) { ( void ) xSocket; ( void ) pxEndPoint; }

const char * pcEndpointName( const NetworkEndPoint_t * pxEndPoint, char * pcBuffer, size_t uxSize )
{
    if( !pxEndPoint ) snprintf( pcBuffer, uxSize, "NULL" );
    else if( pxEndPoint->bits.bIPv6 ) FreeRTOS_inet_ntop6( pxEndPoint->ipv6_settings.xIPAddress.ucBytes, pcBuffer, ( socklen_t ) uxSize );
    else FreeRTOS_inet_ntop4( &pxEndPoint->ipv4_settings.ulIPAddress, pcBuffer, ( socklen_t ) uxSize );
    return pcBuffer;
}

IPv6_Type_t xIPv6_GetIPType( const IPv6_Address_t * pxAddress )
{
    static const uint8_t loopback[ 16 ] = { [ 15 ] = 1 };
    const uint8_t * b = pxAddress->ucBytes;
    if( memcmp( b, loopback, 16 ) == 0 ) return eIPv6_Loopback;
    if( ( b[ 0 ] & 0xE0 ) == 0x20 ) return eIPv6_Global;               /* 2000::/3 */
    if( b[ 0 ] == 0xFE && ( b[ 1 ] & 0xC0 ) == 0x80 ) return eIPv6_LinkLocal; /* fe80::/10 */
    if( b[ 0 ] == 0xFE && ( b[ 1 ] & 0xC0 ) == 0xC0 ) return eIPv6_SiteLocal; /* fec0::/10 */
    if( b[ 0 ] == 0xFF ) return eIPv6_Multicast;                        /* ff00::/8 */
    return eIPv6_Unknown;
}

/* The prefix's first uxPrefixLength bits, then random bits (zeros without xDoRandom). */
BaseType_t FreeRTOS_CreateIPv6Address( IPv6_Address_t * pxIPAddress, const IPv6_Address_t * pxPrefix, size_t uxPrefixLength,
                                       BaseType_t xDoRandom )
{
    uint8_t bytes[ 16 ] = { 0 };
    if( uxPrefixLength >= 128 ) return pdFAIL;
    if( xDoRandom != pdFALSE )
    {
        for( int i = 0; i < 16; i += 4 )
        {
            uint32_t random;
            if( xApplicationGetRandomNumber( &random ) == pdFALSE ) return pdFAIL;
            memcpy( bytes + i, &random, 4 );
        }
    }
    size_t whole = uxPrefixLength / 8;
    uint8_t mask = ( uint8_t ) ( 0xFF00U >> ( uxPrefixLength % 8 ) );
    memcpy( bytes, pxPrefix->ucBytes, whole );
    bytes[ whole ] = ( uint8_t ) ( ( pxPrefix->ucBytes[ whole ] & mask ) | ( bytes[ whole ] & ( uint8_t ) ~mask ) );
    memcpy( pxIPAddress->ucBytes, bytes, 16 );
    return pdPASS;
}
NetworkEndPoint_t * FreeRTOS_FindEndPointOnMAC( const MACAddress_t * pxMACAddress, const NetworkInterface_t * pxInterface ) { ( void ) pxMACAddress; return FreeRTOS_FirstEndPoint( pxInterface ); }
NetworkEndPoint_t * FreeRTOS_FindEndPointOnNetMask( uint32_t ulIPAddress ) { ( void ) ulIPAddress; return FreeRTOS_FindEndPointOnIP_IPv4( 0 ); }

/* The device's real addresses (the scenario decides them), network byte order. */
static void address_configuration( uint32_t out[ 4 ] )
{
    uint32_t length = 0;
    tcpsim_call0( TCPSIM_OP_IP_ADDRESS );
    const uint8_t * data = tcpsim_reply_data( &length );
    memset( out, 0, 4 * sizeof( uint32_t ) );
    if( length >= 16 ) memcpy( out, data, 16 );
}

void FreeRTOS_GetAddressConfiguration( uint32_t * pulIPAddress, uint32_t * pulNetMask, uint32_t * pulGatewayAddress, uint32_t * pulDNSServerAddress )
{
    uint32_t values[ 4 ];
    address_configuration( values );
    if( pulIPAddress ) *pulIPAddress = values[ 0 ];
    if( pulNetMask ) *pulNetMask = values[ 1 ];
    if( pulGatewayAddress ) *pulGatewayAddress = values[ 2 ];
    if( pulDNSServerAddress ) *pulDNSServerAddress = values[ 3 ];
}

void FreeRTOS_GetEndPointConfiguration( uint32_t * pulIPAddress, uint32_t * pulNetMask, uint32_t * pulGatewayAddress,
                                        uint32_t * pulDNSServerAddress, const struct xNetworkEndPoint * pxEndPoint )
{
    if( pxEndPoint && pxEndPoint->bits.bIPv6 )
    {
        /* An IPv6 end-point has no IPv4 settings. */
        if( pulIPAddress ) *pulIPAddress = 0;
        if( pulNetMask ) *pulNetMask = 0;
        if( pulGatewayAddress ) *pulGatewayAddress = 0;
        if( pulDNSServerAddress ) *pulDNSServerAddress = 0;
        return;
    }
    FreeRTOS_GetAddressConfiguration( pulIPAddress, pulNetMask, pulGatewayAddress, pulDNSServerAddress );
}

void FreeRTOS_SetAddressConfiguration( const uint32_t * pulIPAddress, const uint32_t * pulNetMask, const uint32_t * pulGatewayAddress,
                                       const uint32_t * pulDNSServerAddress )
{
    ( void ) pulIPAddress; ( void ) pulNetMask; ( void ) pulGatewayAddress; ( void ) pulDNSServerAddress;
}

void FreeRTOS_SetEndPointConfiguration( const uint32_t * pulIPAddress, const uint32_t * pulNetMask, const uint32_t * pulGatewayAddress,
                                        const uint32_t * pulDNSServerAddress, struct xNetworkEndPoint * pxEndPoint )
{
    ( void ) pulIPAddress; ( void ) pulNetMask; ( void ) pulGatewayAddress; ( void ) pulDNSServerAddress; ( void ) pxEndPoint;
}

uint32_t FreeRTOS_GetIPAddress( void ) { uint32_t v[ 4 ]; address_configuration( v ); return v[ 0 ]; }
uint32_t FreeRTOS_GetNetmask( void ) { uint32_t v[ 4 ]; address_configuration( v ); return v[ 1 ]; }
uint32_t FreeRTOS_GetGatewayAddress( void ) { uint32_t v[ 4 ]; address_configuration( v ); return v[ 2 ]; }
uint32_t FreeRTOS_GetDNSServerAddress( void ) { uint32_t v[ 4 ]; address_configuration( v ); return v[ 3 ]; }
void FreeRTOS_SetIPAddress( uint32_t ulIPAddress ) { ( void ) ulIPAddress; }
void FreeRTOS_SetNetmask( uint32_t ulNetmask ) { ( void ) ulNetmask; }
void FreeRTOS_SetGatewayAddress( uint32_t ulGatewayAddress ) { ( void ) ulGatewayAddress; }
const uint8_t * FreeRTOS_GetMACAddress( void ) { return mac_address; }
void FreeRTOS_UpdateMACAddress( const uint8_t ucMACAddress[ ipMAC_ADDRESS_LENGTH_BYTES ] ) { memcpy( mac_address, ucMACAddress, 6 ); }
BaseType_t FreeRTOS_IsNetworkUp( void ) { uint32_t v[ 4 ]; return network_initialised ? ( BaseType_t ) tcpsim_call0( TCPSIM_OP_IP_ADDRESS ) + ( 0 * v[ 0 ] ) : pdFALSE; }
TaskHandle_t FreeRTOS_GetIPTaskHandle( void ) { return xTaskGetHandle( "IP-task" ); }
void FreeRTOS_NetworkDown( struct xNetworkInterface * pxNetworkInterface ) { ( void ) pxNetworkInterface; }
BaseType_t FreeRTOS_NetworkDownFromISR( struct xNetworkInterface * pxNetworkInterface ) { ( void ) pxNetworkInterface; return pdFALSE; }
BaseType_t xIsIPv4Multicast( uint32_t ulIPAddress ) { return ( FreeRTOS_ntohl( ulIPAddress ) >> 28 ) == 0xE; }
BaseType_t xIsIPv4Loopback( uint32_t ulAddress ) { return ( FreeRTOS_ntohl( ulAddress ) >> 24 ) == 127; }

void * FreeRTOS_GetUDPPayloadBuffer( size_t uxRequestedSizeBytes, TickType_t uxBlockTimeTicks ) { ( void ) uxRequestedSizeBytes; ( void ) uxBlockTimeTicks; unsupported( "FreeRTOS_GetUDPPayloadBuffer() (UDP)" ); return NULL; }
void * FreeRTOS_GetUDPPayloadBuffer_Multi( size_t uxRequestedSizeBytes, TickType_t uxBlockTimeTicks, uint8_t ucIPType ) { ( void ) ucIPType; return FreeRTOS_GetUDPPayloadBuffer( uxRequestedSizeBytes, uxBlockTimeTicks ); }
void FreeRTOS_ReleaseUDPPayloadBuffer( void const * pvBuffer ) { ( void ) pvBuffer; }
BaseType_t FreeRTOS_SendPingRequest( uint32_t ulIPAddress, size_t uxNumberOfBytesToSend, TickType_t uxBlockTimeTicks )
{
    ( void ) ulIPAddress; ( void ) uxNumberOfBytesToSend; ( void ) uxBlockTimeTicks;
    return pdFAIL; /* outgoing pings are not modelled: as if the network buffer were unavailable */
}

#if ( ipconfigHAS_PRINTF != 0 )
    /* The library logs its lowest free network buffers and heap here; the model has neither to report. */
    void vPrintResourceStats( void ) {}
#endif

BaseType_t FreeRTOS_SendPingRequestIPv6( const IPv6_Address_t * pxIPAddress, size_t uxNumberOfBytesToSend, TickType_t uxBlockTimeTicks )
{
    ( void ) pxIPAddress; ( void ) uxNumberOfBytesToSend; ( void ) uxBlockTimeTicks;
    return pdFAIL; /* as FreeRTOS_SendPingRequest() */
}

/* ARP and neighbour discovery are not modelled: the device reaches every address on its link (the scenario's peers,
 * the TUN interface) without them, so a resolution is always complete, there is no cache to clear or print, and
 * requests and gratuitous ARPs have nothing to do. */
void FreeRTOS_OutputARPRequest( uint32_t ulIPAddress ) { ( void ) ulIPAddress; }
void FreeRTOS_OutputARPRequest_Multi( struct xNetworkEndPoint * pxEndPoint, uint32_t ulIPAddress ) { ( void ) pxEndPoint; ( void ) ulIPAddress; }
BaseType_t xARPWaitResolution( uint32_t ulIPAddress, TickType_t uxTicksToWait ) { ( void ) ulIPAddress; ( void ) uxTicksToWait; return 0; }
void vARPSendGratuitous( void ) {}
void FreeRTOS_ClearARP( const struct xNetworkEndPoint * pxEndPoint ) { ( void ) pxEndPoint; }
void FreeRTOS_PrintARPCache( void ) {}
void FreeRTOS_ClearND( const struct xNetworkEndPoint * pxEndPoint ) { ( void ) pxEndPoint; }
void FreeRTOS_PrintNDCache( void ) {}

/* DNS is not modelled (it is UDP): a look-up stops the run with a report; the cache is empty. */
IPPreference_t xDNS_IP_Preference = xPreferenceIPv4;
uint32_t FreeRTOS_gethostbyname( const char * pcHostName ) { ( void ) pcHostName; unsupported( "FreeRTOS_gethostbyname() (DNS)" ); return 0; }
uint32_t FreeRTOS_gethostbyname_a( const char * pcHostName, FOnDNSEvent pCallback, void * pvSearchID, TickType_t uxTimeout )
{
    ( void ) pcHostName; ( void ) pCallback; ( void ) pvSearchID; ( void ) uxTimeout;
    unsupported( "FreeRTOS_gethostbyname_a() (DNS)" );
    return 0;
}
void FreeRTOS_gethostbyname_cancel( void * pvSearchID ) { ( void ) pvSearchID; }
BaseType_t FreeRTOS_getaddrinfo( const char * pcName, const char * pcService, const struct freertos_addrinfo * pxHints,
                                 struct freertos_addrinfo ** ppxResult )
{
    ( void ) pcName; ( void ) pcService; ( void ) pxHints; ( void ) ppxResult;
    unsupported( "FreeRTOS_getaddrinfo() (DNS)" );
    return -pdFREERTOS_ERRNO_ENOENT;
}
BaseType_t FreeRTOS_getaddrinfo_a( const char * pcName, const char * pcService, const struct freertos_addrinfo * pxHints,
                                   struct freertos_addrinfo ** ppxResult, FOnDNSEvent pCallback, void * pvSearchID, TickType_t uxTimeout )
{
    ( void ) pcName; ( void ) pcService; ( void ) pxHints; ( void ) ppxResult; ( void ) pCallback; ( void ) pvSearchID; ( void ) uxTimeout;
    unsupported( "FreeRTOS_getaddrinfo_a() (DNS)" );
    return -pdFREERTOS_ERRNO_ENOENT;
}
void FreeRTOS_freeaddrinfo( struct freertos_addrinfo * pxInfo )
{
    while( pxInfo )
    {
        struct freertos_addrinfo * next = pxInfo->ai_next;
        vPortFree( pxInfo );
        pxInfo = next;
    }
}
uint32_t FreeRTOS_dnslookup( const char * pcHostName ) { ( void ) pcHostName; return 0; }
void FreeRTOS_dnsclear( void ) {}
BaseType_t FreeRTOS_SetDNSIPPreference( IPPreference_t eIPPreference )
{
    if( eIPPreference != xPreferenceNone && eIPPreference != xPreferenceIPv4 && eIPPreference != xPreferenceIPv6 ) return pdFAIL;
    xDNS_IP_Preference = eIPPreference;
    return pdPASS;
}

/* The IP task: it calls the application's network event hook when the network comes up. */
extern void vApplicationIPNetworkEventHook_Multi( eIPCallbackEvent_t eNetworkEvent, struct xNetworkEndPoint * pxEndPoint ) __attribute__( ( weak ) );

__attribute__( ( weak ) ) void vApplicationIPNetworkEventHook( eIPCallbackEvent_t eNetworkEvent ) { ( void ) eNetworkEvent; }

BaseType_t FreeRTOS_IsEndPointUp( const struct xNetworkEndPoint * pxEndPoint )
{
    if( pxEndPoint ) return pxEndPoint->bits.bEndPointUp ? pdTRUE : pdFALSE;
    return FreeRTOS_AllEndPointsUp( NULL );
}

BaseType_t FreeRTOS_AllEndPointsUp( const struct xNetworkInterface * pxInterface )
{
    for( NetworkEndPoint_t * endpoint = pxNetworkEndPoints; endpoint; endpoint = endpoint->pxNext )
        if( ( !pxInterface || endpoint->pxNetworkInterface == pxInterface ) && !endpoint->bits.bEndPointUp ) return pdFALSE;
    return pxNetworkEndPoints ? pdTRUE : pdFALSE;
}

/* Calls the application's hook for one end-point; NULL: the network as a whole (no end-points described). */
static void call_network_event_hook( eIPCallbackEvent_t event, NetworkEndPoint_t * endpoint )
{
    if( vApplicationIPNetworkEventHook_Multi ) vApplicationIPNetworkEventHook_Multi( event, endpoint );
    else vApplicationIPNetworkEventHook( event );
}

void tcpsim_ip_task( void * unused )
{
    ( void ) unused;
    for( ;; )
    {
        eIPCallbackEvent_t event = ( eIPCallbackEvent_t ) tcpsim_call0( TCPSIM_OP_IP_EVENT_WAIT );
        if( !pxNetworkEndPoints )
        {
            call_network_event_hook( event, NULL );
            continue;
        }
        /* As FreeRTOS+TCP V4 does, once for each end-point going up or down. The first IPv4 end-point holds the
         * model's addresses (the scenario's, which may differ from those the application asked for). */
        uint32_t addresses[ 4 ];
        address_configuration( addresses );
        NetworkEndPoint_t * ipv4 = FreeRTOS_FindEndPointOnIP_IPv4( 0 );
        if( ipv4 && event == eNetworkUp )
        {
            ipv4->ipv4_settings.ulIPAddress = addresses[ 0 ];
            ipv4->ipv4_settings.ulNetMask = addresses[ 1 ];
            ipv4->ipv4_settings.ulGatewayAddress = addresses[ 2 ];
            ipv4->ipv4_settings.ulDNSServerAddresses[ 0 ] = addresses[ 3 ];
            ipv4->ipv4_settings.ulBroadcastAddress = addresses[ 0 ] | ~addresses[ 1 ];
        }
        for( NetworkEndPoint_t * endpoint = pxNetworkEndPoints; endpoint; endpoint = endpoint->pxNext )
        {
            endpoint->bits.bEndPointUp = event == eNetworkUp;
            call_network_event_hook( event, endpoint );
        }
    }
}

/* ---- The application hooks' defaults (the application's own definitions win) ----------------------- */

__attribute__( ( weak ) ) BaseType_t xApplicationGetRandomNumber( uint32_t * pulNumber )
{
    *pulNumber = ( uint32_t ) tcpsim_call0( TCPSIM_OP_RANDOM );
    return pdTRUE;
}

__attribute__( ( weak ) ) uint32_t ulApplicationGetNextSequenceNumber( uint32_t ulSourceAddress, uint16_t usSourcePort,
                                                                       uint32_t ulDestinationAddress, uint16_t usDestinationPort )
{
    ( void ) ulSourceAddress; ( void ) usSourcePort; ( void ) ulDestinationAddress; ( void ) usDestinationPort;
    return ( uint32_t ) tcpsim_call0( TCPSIM_OP_RANDOM );
}

__attribute__( ( weak ) ) const char * pcApplicationHostnameHook( void ) { return "tcpsim-device"; }
__attribute__( ( weak ) ) void vApplicationPingReplyHook( ePingReplyStatus_t eStatus, uint16_t usIdentifier ) { ( void ) eStatus; ( void ) usIdentifier; }
__attribute__( ( weak ) ) void vApplicationIdleHook( void ) {}
__attribute__( ( weak ) ) void vApplicationTickHook( void ) {}
__attribute__( ( weak ) ) void vApplicationMallocFailedHook( void ) { tcpsim_fault( TCPSIM_FAULT_ASSERT, "pvPortMalloc() failed (vApplicationMallocFailedHook)" ); }
__attribute__( ( weak ) ) void vApplicationStackOverflowHook( TaskHandle_t xTask, char * pcTaskName ) { ( void ) xTask; tcpsim_fault( TCPSIM_FAULT_STACK_OVERFLOW, "stack overflow in task \"%s\"", pcTaskName ); }
__attribute__( ( weak ) ) void vApplicationDaemonTaskStartupHook( void ) {}

/* ---- Address helpers ------------------------------------------------------------------------------- */

uint32_t FreeRTOS_inet_addr( const char * pcIPAddress )
{
    uint32_t address = 0;
    return FreeRTOS_inet_pton4( pcIPAddress, &address ) == pdPASS ? address : 0;
}

BaseType_t FreeRTOS_inet_pton4( const char * pcSource, void * pvDestination )
{
    uint8_t bytes[ 4 ];
    int octet = 0;
    const char * p = pcSource;
    if( !p ) return pdFAIL;
    for( ;; )
    {
        if( *p < '0' || *p > '9' ) return pdFAIL;
        unsigned value = 0;
        int digits = 0;
        while( *p >= '0' && *p <= '9' )
        {
            value = value * 10 + ( unsigned ) ( *p++ - '0' );
            if( ++digits > 3 || value > 255 ) return pdFAIL;
        }
        bytes[ octet++ ] = ( uint8_t ) value;
        if( octet == 4 ) break;
        if( *p++ != '.' ) return pdFAIL;
    }
    if( *p != '\0' ) return pdFAIL;
    memcpy( pvDestination, bytes, 4 );
    return pdPASS;
}

const char * FreeRTOS_inet_ntop4( const void * pvSource, char * pcDestination, socklen_t uxSize )
{
    const uint8_t * bytes = pvSource;
    char text[ 16 ];
    int length = snprintf( text, sizeof( text ), "%u.%u.%u.%u", bytes[ 0 ], bytes[ 1 ], bytes[ 2 ], bytes[ 3 ] );
    if( length < 0 || ( socklen_t ) length >= uxSize ) return NULL;
    memcpy( pcDestination, text, ( size_t ) length + 1 );
    return pcDestination;
}

const char * FreeRTOS_inet_ntoa( uint32_t ulIPAddress, char * pcBuffer )
{
    return FreeRTOS_inet_ntop4( &ulIPAddress, pcBuffer, 16 );
}

/* Text to a 16-byte address: eight groups of 1-4 hex digits, one "::" for a run of zero groups (no dotted-quad tail). */
BaseType_t FreeRTOS_inet_pton6( const char * pcSource, void * pvDestination )
{
    uint16_t groups[ 8 ];
    int count = 0, gap = -1;
    const char * p = pcSource;
    if( !p ) return pdFAIL;
    if( p[ 0 ] == ':' )
    {
        if( p[ 1 ] != ':' ) return pdFAIL;
        gap = 0;
        p += 2;
    }
    while( *p != '\0' )
    {
        unsigned value = 0;
        int digits = 0;
        for( ;; p++ )
        {
            int digit = ( *p >= '0' && *p <= '9' ) ? *p - '0' : ( *p >= 'a' && *p <= 'f' ) ? *p - 'a' + 10 :
                        ( *p >= 'A' && *p <= 'F' ) ? *p - 'A' + 10 : -1;
            if( digit < 0 ) break;
            value = value * 16 + ( unsigned ) digit;
            if( ++digits > 4 ) return pdFAIL;
        }
        if( digits == 0 || count == 8 ) return pdFAIL;
        groups[ count++ ] = ( uint16_t ) value;
        if( *p == '\0' ) break;
        if( *p++ != ':' ) return pdFAIL;
        if( *p == ':' )
        {
            if( gap >= 0 ) return pdFAIL;
            gap = count;
            p++;
        }
        else if( *p == '\0' ) return pdFAIL;
    }
    if( gap < 0 ? count != 8 : count > 7 ) return pdFAIL;
    uint8_t * bytes = pvDestination;
    int zeros = 8 - count;
    for( int i = 0, g = 0; i < 8; i++ )
    {
        uint16_t value = ( gap >= 0 && i >= gap && i < gap + zeros ) ? 0 : groups[ g++ ];
        bytes[ 2 * i ] = ( uint8_t ) ( value >> 8 );
        bytes[ 2 * i + 1 ] = ( uint8_t ) value;
    }
    return pdPASS;
}

/* A 16-byte address as text, as RFC 5952 writes it: lower case, no leading zeros, the longest run of two or more
 * zero groups as "::". NULL when uxSize is too small. */
const char * FreeRTOS_inet_ntop6( const void * pvSource, char * pcDestination, socklen_t uxSize )
{
    const uint8_t * bytes = pvSource;
    uint16_t groups[ 8 ];
    int best = -1, bestLength = 1;
    for( int i = 0; i < 8; i++ ) groups[ i ] = ( uint16_t ) ( ( bytes[ 2 * i ] << 8 ) | bytes[ 2 * i + 1 ] );
    for( int i = 0; i < 8; )
    {
        int j = i;
        while( j < 8 && groups[ j ] == 0 ) j++;
        if( j - i > bestLength )
        {
            best = i;
            bestLength = j - i;
        }
        i = j > i ? j : i + 1;
    }
    char text[ 40 ];
    size_t length = 0;
    for( int i = 0; i < 8; i++ )
    {
        if( i == best )
        {
            text[ length++ ] = ':';
            if( i == 0 ) text[ length++ ] = ':';
            i += bestLength - 1;
            continue;
        }
        length += ( size_t ) snprintf( text + length, sizeof( text ) - length, i < 7 ? "%x:" : "%x", groups[ i ] );
    }
    text[ length ] = '\0';
    if( length >= uxSize ) return NULL;
    memcpy( pcDestination, text, length + 1 );
    return pcDestination;
}

BaseType_t FreeRTOS_inet_pton( BaseType_t xAddressFamily, const char * pcSource, void * pvDestination )
{
    switch( xAddressFamily )
    {
        case FREERTOS_AF_INET: return FreeRTOS_inet_pton4( pcSource, pvDestination );
        case FREERTOS_AF_INET6: return FreeRTOS_inet_pton6( pcSource, pvDestination );
        default: return -pdFREERTOS_ERRNO_EAFNOSUPPORT;
    }
}

const char * FreeRTOS_inet_ntop( BaseType_t xAddressFamily, const void * pvSource, char * pcDestination, socklen_t uxSize )
{
    switch( xAddressFamily )
    {
        case FREERTOS_AF_INET: return FreeRTOS_inet_ntop4( pvSource, pcDestination, uxSize );
        case FREERTOS_AF_INET6: return FreeRTOS_inet_ntop6( pvSource, pcDestination, uxSize );
        default: return NULL;
    }
}

BaseType_t FreeRTOS_EUI48_pton( const char * pcSource, uint8_t * pucTarget )
{
    unsigned values[ 6 ];
    if( sscanf( pcSource, "%2x%*[:-]%2x%*[:-]%2x%*[:-]%2x%*[:-]%2x%*[:-]%2x", &values[ 0 ], &values[ 1 ], &values[ 2 ], &values[ 3 ], &values[ 4 ], &values[ 5 ] ) != 6 ) return pdFALSE;
    for( int i = 0; i < 6; i++ ) pucTarget[ i ] = ( uint8_t ) values[ i ];
    return pdTRUE;
}

void FreeRTOS_EUI48_ntop( const uint8_t * pucSource, char * pcTarget, char cTen, char cSeparator )
{
    const char * digits = cTen == 'A' ? "0123456789ABCDEF" : "0123456789abcdef";
    for( int i = 0; i < 6; i++ )
    {
        *pcTarget++ = digits[ pucSource[ i ] >> 4 ];
        *pcTarget++ = digits[ pucSource[ i ] & 15 ];
        if( i < 5 ) *pcTarget++ = cSeparator;
    }
    *pcTarget = '\0';
}

const char * FreeRTOS_strerror_r( BaseType_t xErrnum, char * pcBuffer, size_t uxLength )
{
    const char * name;
    switch( xErrnum < 0 ? -xErrnum : xErrnum )
    {
        case pdFREERTOS_ERRNO_EADDRINUSE: name = "EADDRINUSE"; break;
        case pdFREERTOS_ERRNO_ENOMEM: name = "ENOMEM"; break;
        case pdFREERTOS_ERRNO_EADDRNOTAVAIL: name = "EADDRNOTAVAIL"; break;
        case pdFREERTOS_ERRNO_ENOPROTOOPT: name = "ENOPROTOOPT"; break;
        case pdFREERTOS_ERRNO_EBADF: name = "EBADF"; break;
        case pdFREERTOS_ERRNO_ENOSPC: name = "ENOSPC"; break;
        case pdFREERTOS_ERRNO_ECANCELED: name = "ECANCELED"; break;
        case pdFREERTOS_ERRNO_ENOTCONN: name = "ENOTCONN"; break;
        case pdFREERTOS_ERRNO_EINPROGRESS: name = "EINPROGRESS"; break;
        case pdFREERTOS_ERRNO_EOPNOTSUPP: name = "EOPNOTSUPP"; break;
        case pdFREERTOS_ERRNO_EINTR: name = "EINTR"; break;
        case pdFREERTOS_ERRNO_ETIMEDOUT: name = "ETIMEDOUT"; break;
        case pdFREERTOS_ERRNO_EINVAL: name = "EINVAL"; break;
        case pdFREERTOS_ERRNO_EWOULDBLOCK: name = "EWOULDBLOCK"; break;
        case pdFREERTOS_ERRNO_EISCONN: name = "EISCONN"; break;
        default: snprintf( pcBuffer, uxLength, "errno %d", ( int ) xErrnum ); return pcBuffer;
    }
    snprintf( pcBuffer, uxLength, "%s", name );
    return pcBuffer;
}

const char * FreeRTOS_GetTCPStateName( UBaseType_t ulState )
{
    static const char * const names[] = { "eCLOSED", "eTCP_LISTEN", "eCONNECT_SYN", "eSYN_FIRST", "eSYN_RECEIVED", "eESTABLISHED",
                                          "eFIN_WAIT_1", "eFIN_WAIT_2", "eCLOSE_WAIT", "eCLOSING", "eLAST_ACK", "eTIME_WAIT" };
    return ulState < sizeof( names ) / sizeof( names[ 0 ] ) ? names[ ulState ] : "eUNKNOWN";
}

int32_t FreeRTOS_max_int32( int32_t a, int32_t b ) { return a > b ? a : b; }
uint32_t FreeRTOS_max_uint32( uint32_t a, uint32_t b ) { return a > b ? a : b; }
size_t FreeRTOS_max_size_t( size_t a, size_t b ) { return a > b ? a : b; }
int32_t FreeRTOS_min_int32( int32_t a, int32_t b ) { return a < b ? a : b; }
uint32_t FreeRTOS_min_uint32( uint32_t a, uint32_t b ) { return a < b ? a : b; }
size_t FreeRTOS_min_size_t( size_t a, size_t b ) { return a < b ? a : b; }
uint32_t FreeRTOS_round_up( uint32_t a, uint32_t d ) { return d ? ( ( a + d - 1 ) / d ) * d : a; }
uint32_t FreeRTOS_round_down( uint32_t a, uint32_t d ) { return d ? ( a / d ) * d : a; }
