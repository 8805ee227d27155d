/* tcpsim: FreeRTOS+TCP DNS client API, written from the public API documentation. */
#ifndef FREERTOS_DNS_H
#define FREERTOS_DNS_H

#include "FreeRTOS.h"
#include "FreeRTOSIPConfig.h"
#include "FreeRTOSIPConfigDefaults.h"
#include "FreeRTOS_Sockets.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ipDNS_PORT      53U
#define ipLLMNR_PORT    5355U
#define ipNBNS_PORT     137U
#define ipMDNS_PORT     5353U

/* DNS record types and class; NetworkEndPoint_t.usDNSType holds the type being asked for while
 * xApplicationDNSQueryHook_Multi() runs. */
#define dnsTYPE_A_HOST       0x01U
#define dnsTYPE_AAAA_HOST    0x001CU
#define dnsTYPE_ANY_HOST     0x00FFU
#define dnsCLASS_IN          0x01U

/* The counterpart of 'struct addrinfo'; results of FreeRTOS_getaddrinfo() are freed with FreeRTOS_freeaddrinfo(). */
struct freertos_addrinfo
{
    BaseType_t ai_flags;
    BaseType_t ai_family;               /* FREERTOS_AF_INET4 or FREERTOS_AF_INET6 */
    BaseType_t ai_socktype;
    BaseType_t ai_protocol;
    socklen_t ai_addrlen;               /* ipSIZE_OF_IPv4_ADDRESS or ipSIZE_OF_IPv6_ADDRESS */
    struct freertos_sockaddr * ai_addr;
    char * ai_canonname;
    struct freertos_addrinfo * ai_next;
    struct
    {
        struct freertos_sockaddr sockaddr;
        char ucName[ ipconfigDNS_CACHE_NAME_LENGTH ];
    }
    xPrivateStorage;                    /* storage for *ai_addr and *ai_canonname */
};

typedef enum xIPPreference
{
    xPreferenceNone,
    xPreferenceIPv4,
    xPreferenceIPv6
} IPPreference_t;

/* Called when an asynchronous lookup finishes or times out (ipconfigDNS_USE_CALLBACKS). */
typedef void ( * FOnDNSEvent )( const char * pcName,
                                void * pvSearchID,
                                struct freertos_addrinfo * pxAddressInfo );

/* Blocking look-ups. FreeRTOS_gethostbyname() returns the IPv4 address in network order, or 0. */
uint32_t FreeRTOS_gethostbyname( const char * pcHostName );
BaseType_t FreeRTOS_getaddrinfo( const char * pcName,
                                 const char * pcService,
                                 const struct freertos_addrinfo * pxHints,
                                 struct freertos_addrinfo ** ppxResult );
void FreeRTOS_freeaddrinfo( struct freertos_addrinfo * pxInfo );
BaseType_t FreeRTOS_SetDNSIPPreference( IPPreference_t eIPPreference );
extern IPPreference_t xDNS_IP_Preference; /* the current preference (variable kept by the runtime) */

/* Asynchronous look-ups. */
uint32_t FreeRTOS_gethostbyname_a( const char * pcHostName,
                                   FOnDNSEvent pCallback,
                                   void * pvSearchID,
                                   TickType_t uxTimeout );
void FreeRTOS_gethostbyname_cancel( void * pvSearchID );
BaseType_t FreeRTOS_getaddrinfo_a( const char * pcName,
                                   const char * pcService,
                                   const struct freertos_addrinfo * pxHints,
                                   struct freertos_addrinfo ** ppxResult,
                                   FOnDNSEvent pCallback,
                                   void * pvSearchID,
                                   TickType_t uxTimeout );

/* The DNS cache. */
uint32_t FreeRTOS_dnslookup( const char * pcHostName );
void FreeRTOS_dnsclear( void );

/* Application hook for LLMNR / NBNS / mDNS: return pdTRUE when pcName is this device's name. Both spellings are
 * declared; the application defines the one that matches its API generation. */
#if ( ipconfigUSE_DNS != 0 ) && ( ( ipconfigUSE_MDNS == 1 ) || ( ipconfigUSE_LLMNR == 1 ) || ( ipconfigUSE_NBNS == 1 ) )
    BaseType_t xApplicationDNSQueryHook( const char * pcName );
    BaseType_t xApplicationDNSQueryHook_Multi( struct xNetworkEndPoint * pxEndPoint,
                                               const char * pcName );
#endif

#ifdef __cplusplus
}
#endif

#endif /* FREERTOS_DNS_H */
