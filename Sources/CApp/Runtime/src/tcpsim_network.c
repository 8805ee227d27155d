/* tcpsim: the application's network — FreeRTOS_IPInit() and the V4 end-points, the IP task and its network
 * event hook, the application hooks' defaults and the address helpers. */
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
NetworkEndPoint_t * pxGetSocketEndpoint( ConstSocket_t xSocket ) { return tcpsim_socket_id( xSocket ) < 0 ? NULL : FreeRTOS_FindEndPointOnIP_IPv4( 0 ); }
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

void * FreeRTOS_GetUDPPayloadBuffer( size_t uxRequestedSizeBytes, TickType_t uxBlockTimeTicks ) { ( void ) uxRequestedSizeBytes; ( void ) uxBlockTimeTicks; tcpsim_unsupported( "FreeRTOS_GetUDPPayloadBuffer() (UDP)" ); return NULL; }
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
uint32_t FreeRTOS_gethostbyname( const char * pcHostName ) { ( void ) pcHostName; tcpsim_unsupported( "FreeRTOS_gethostbyname() (DNS)" ); return 0; }
uint32_t FreeRTOS_gethostbyname_a( const char * pcHostName, FOnDNSEvent pCallback, void * pvSearchID, TickType_t uxTimeout )
{
    ( void ) pcHostName; ( void ) pCallback; ( void ) pvSearchID; ( void ) uxTimeout;
    tcpsim_unsupported( "FreeRTOS_gethostbyname_a() (DNS)" );
    return 0;
}
void FreeRTOS_gethostbyname_cancel( void * pvSearchID ) { ( void ) pvSearchID; }
BaseType_t FreeRTOS_getaddrinfo( const char * pcName, const char * pcService, const struct freertos_addrinfo * pxHints,
                                 struct freertos_addrinfo ** ppxResult )
{
    ( void ) pcName; ( void ) pcService; ( void ) pxHints; ( void ) ppxResult;
    tcpsim_unsupported( "FreeRTOS_getaddrinfo() (DNS)" );
    return -pdFREERTOS_ERRNO_ENOENT;
}
BaseType_t FreeRTOS_getaddrinfo_a( const char * pcName, const char * pcService, const struct freertos_addrinfo * pxHints,
                                   struct freertos_addrinfo ** ppxResult, FOnDNSEvent pCallback, void * pvSearchID, TickType_t uxTimeout )
{
    ( void ) pcName; ( void ) pcService; ( void ) pxHints; ( void ) ppxResult; ( void ) pCallback; ( void ) pvSearchID; ( void ) uxTimeout;
    tcpsim_unsupported( "FreeRTOS_getaddrinfo_a() (DNS)" );
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
