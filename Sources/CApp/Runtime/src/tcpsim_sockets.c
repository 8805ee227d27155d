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
int64_t tcpsim_socket_id( const void * pvSocket )
{
    ConstSocket_t xSocket = pvSocket;
    return xSocket == FREERTOS_INVALID_SOCKET || xSocket == NULL ? -1 : ( int64_t ) ( ( uintptr_t ) xSocket - SOCKET_BASE );
}
static int64_t socket_id( ConstSocket_t xSocket ) { return tcpsim_socket_id( xSocket ); }
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

void tcpsim_unsupported( const char * name )
{
    tcpsim_call( TCPSIM_OP_UNSUPPORTED, 0, 0, 0, 0, 0, name, ( uint32_t ) strlen( name ), NULL );
    tcpsim_fault( TCPSIM_FAULT_UNSUPPORTED, "%s is not modelled by tcpsim", name );
}

int32_t FreeRTOS_sendto( Socket_t xSocket, const void * pvBuffer, size_t uxTotalDataLength, BaseType_t xFlags,
                         const struct freertos_sockaddr * pxDestinationAddress, socklen_t xDestinationAddressLength )
{
    ( void ) xSocket; ( void ) pvBuffer; ( void ) uxTotalDataLength; ( void ) xFlags; ( void ) pxDestinationAddress; ( void ) xDestinationAddressLength;
    tcpsim_unsupported( "FreeRTOS_sendto() (UDP)" );
    return -1;
}

int32_t FreeRTOS_recvfrom( const ConstSocket_t xSocket, void * pvBuffer, size_t uxBufferLength, BaseType_t xFlags,
                           struct freertos_sockaddr * pxSourceAddress, socklen_t * pxSourceAddressLength )
{
    ( void ) xSocket; ( void ) pvBuffer; ( void ) uxBufferLength; ( void ) xFlags; ( void ) pxSourceAddress; ( void ) pxSourceAddressLength;
    tcpsim_unsupported( "FreeRTOS_recvfrom() (UDP)" );
    return -1;
}

BaseType_t FreeRTOS_ReleaseTCPPayloadBuffer( Socket_t xSocket, void const * pvBuffer, BaseType_t xByteCount )
{
    ( void ) xSocket; ( void ) pvBuffer; ( void ) xByteCount;
    tcpsim_unsupported( "FreeRTOS_ReleaseTCPPayloadBuffer() (zero copy)" );
    return -1;
}

uint8_t * FreeRTOS_get_tx_head( Socket_t xSocket, BaseType_t * pxLength ) { ( void ) xSocket; ( void ) pxLength; tcpsim_unsupported( "FreeRTOS_get_tx_head() (zero copy)" ); return NULL; }
uint8_t * FreeRTOS_get_tx_base( Socket_t xSocket ) { ( void ) xSocket; tcpsim_unsupported( "FreeRTOS_get_tx_base() (zero copy)" ); return NULL; }
const struct xSTREAM_BUFFER * FreeRTOS_get_rx_buf( ConstSocket_t xSocket ) { ( void ) xSocket; tcpsim_unsupported( "FreeRTOS_get_rx_buf() (zero copy)" ); return NULL; }

/* ---- Socket sets ----------------------------------------------------------------------------------- */

SocketSet_t FreeRTOS_CreateSocketSet( void ) { return ( SocketSet_t ) ( SET_BASE + ( uintptr_t ) tcpsim_call0( TCPSIM_OP_SET_CREATE ) ); }
void FreeRTOS_DeleteSocketSet( SocketSet_t xSocketSet ) { tcpsim_call1( TCPSIM_OP_SET_DELETE, set_id( xSocketSet ) ); }
void FreeRTOS_FD_SET( Socket_t xSocket, SocketSet_t xSocketSet, EventBits_t xBitsToSet ) { tcpsim_call3( TCPSIM_OP_FD_SET, socket_id( xSocket ), set_id( xSocketSet ), xBitsToSet ); }
void FreeRTOS_FD_CLR( Socket_t xSocket, SocketSet_t xSocketSet, EventBits_t xBitsToClear ) { tcpsim_call3( TCPSIM_OP_FD_CLR, socket_id( xSocket ), set_id( xSocketSet ), xBitsToClear ); }
EventBits_t FreeRTOS_FD_ISSET( const ConstSocket_t xSocket, const ConstSocketSet_t xSocketSet ) { return ( EventBits_t ) tcpsim_call2( TCPSIM_OP_FD_ISSET, socket_id( xSocket ), set_id( xSocketSet ) ); }
BaseType_t FreeRTOS_select( SocketSet_t xSocketSet, TickType_t xBlockTimeTicks ) { return ( BaseType_t ) tcpsim_call2( TCPSIM_OP_SELECT, set_id( xSocketSet ), xBlockTimeTicks ); }
