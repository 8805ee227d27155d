/* tcpsim: FreeRTOS+TCP's address helpers — inet_addr/ntoa/pton/ntop, EUI-48 text, errno names, the TCP state
 * names and the small arithmetic helpers — computed in the application. */
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
