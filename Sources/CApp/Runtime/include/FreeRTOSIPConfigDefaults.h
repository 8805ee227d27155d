/* tcpsim: defaults for the FreeRTOS+TCP ipconfig* options the application left out (the V4 library's defaults), written from the public documentation. */
#ifndef FREERTOS_IP_CONFIG_DEFAULTS_H
#define FREERTOS_IP_CONFIG_DEFAULTS_H

/* Included after the application's FreeRTOSIPConfig.h. Options tcpsim cannot honour are refused here. */

#ifndef ipconfigENABLE
    #define ipconfigENABLE     ( 1 )
#endif
#ifndef ipconfigDISABLE
    #define ipconfigDISABLE    ( 0 )
#endif
#ifndef ipconfigIS_ENABLED
    #define ipconfigIS_ENABLED( x )     ( ( x ) != ipconfigDISABLE )
#endif
#ifndef ipconfigIS_DISABLED
    #define ipconfigIS_DISABLED( x )    ( ( x ) == ipconfigDISABLE )
#endif

/* Host byte order: the simulated target is little-endian, like the host. */
#ifndef ipconfigBYTE_ORDER
    #define ipconfigBYTE_ORDER    pdFREERTOS_LITTLE_ENDIAN
#endif
#if ( ipconfigBYTE_ORDER != pdFREERTOS_LITTLE_ENDIAN )
    #error tcpsim runs the application on a little-endian host: ipconfigBYTE_ORDER must be pdFREERTOS_LITTLE_ENDIAN.
#endif

/* Library shape. With ipconfigIPv4_BACKWARD_COMPATIBLE 0 (the V4 default) the application is expected to use the
 * multi-endpoint API; tcpsim's headers nevertheless declare the single-interface API too, so V2/V3 code compiles. */
#ifndef ipconfigIPv4_BACKWARD_COMPATIBLE
    #define ipconfigIPv4_BACKWARD_COMPATIBLE    ipconfigDISABLE
#endif
#ifndef ipconfigUSE_IPv4
    #define ipconfigUSE_IPv4    ipconfigENABLE
#endif
#ifndef ipconfigUSE_IPv6
    #define ipconfigUSE_IPv6    ipconfigENABLE
#endif
#ifndef ipconfigUSE_RA
    #define ipconfigUSE_RA    ipconfigENABLE
#endif
#ifndef ipconfigCOMPATIBLE_WITH_SINGLE
    #define ipconfigCOMPATIBLE_WITH_SINGLE    ipconfigDISABLE
#endif
#ifndef ipconfigENDPOINT_DNS_ADDRESS_COUNT
    #define ipconfigENDPOINT_DNS_ADDRESS_COUNT    ( 2U )
#endif
#ifndef ipconfigENABLE_BACKWARD_COMPATIBILITY
    #define ipconfigENABLE_BACKWARD_COMPATIBILITY    ipconfigENABLE
#endif

/* Network and buffers. */
#ifndef ipconfigNETWORK_MTU
    #define ipconfigNETWORK_MTU    ( 1500 )
#endif
#ifndef ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS
    #define ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS    ( 45 )
#endif
#ifndef ipconfigEVENT_QUEUE_LENGTH
    #define ipconfigEVENT_QUEUE_LENGTH    ( ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS + 5 )
#endif
#ifndef ipconfigBUFFER_PADDING
    #define ipconfigBUFFER_PADDING    ( 0 )
#endif
#ifndef ipconfigPACKET_FILLER_SIZE
    #define ipconfigPACKET_FILLER_SIZE    ( 2 )
#endif
#ifndef ipconfigZERO_COPY_RX_DRIVER
    #define ipconfigZERO_COPY_RX_DRIVER    ipconfigDISABLE
#endif
#ifndef ipconfigZERO_COPY_TX_DRIVER
    #define ipconfigZERO_COPY_TX_DRIVER    ipconfigDISABLE
#endif
#ifndef ipconfigUSE_LINKED_RX_MESSAGES
    #define ipconfigUSE_LINKED_RX_MESSAGES    ipconfigDISABLE
#endif
#ifndef ipconfigDRIVER_INCLUDED_RX_IP_CHECKSUM
    #define ipconfigDRIVER_INCLUDED_RX_IP_CHECKSUM    ipconfigDISABLE
#endif
#ifndef ipconfigDRIVER_INCLUDED_TX_IP_CHECKSUM
    #define ipconfigDRIVER_INCLUDED_TX_IP_CHECKSUM    ipconfigDISABLE
#endif
#ifndef ipconfigETHERNET_DRIVER_FILTERS_FRAME_TYPES
    #define ipconfigETHERNET_DRIVER_FILTERS_FRAME_TYPES    ipconfigENABLE
#endif
#ifndef ipconfigETHERNET_DRIVER_FILTERS_PACKETS
    #define ipconfigETHERNET_DRIVER_FILTERS_PACKETS    ipconfigDISABLE
#endif
#ifndef ipconfigFILTER_OUT_NON_ETHERNET_II_FRAMES
    #define ipconfigFILTER_OUT_NON_ETHERNET_II_FRAMES    ipconfigENABLE
#endif
#ifndef ipconfigSUPPORT_NETWORK_DOWN_EVENT
    #define ipconfigSUPPORT_NETWORK_DOWN_EVENT    ipconfigDISABLE
#endif

/* The IP task. */
#ifndef ipconfigIP_TASK_PRIORITY
    #define ipconfigIP_TASK_PRIORITY    ( configMAX_PRIORITIES - 2 )
#endif
#ifndef ipconfigIP_TASK_STACK_SIZE_WORDS
    #define ipconfigIP_TASK_STACK_SIZE_WORDS    configMINIMAL_STACK_SIZE
#endif
#ifndef ipconfigMAX_IP_TASK_SLEEP_TIME
    #define ipconfigMAX_IP_TASK_SLEEP_TIME    pdMS_TO_TICKS( 10000 )
#endif
#ifndef ipconfigUSE_NETWORK_EVENT_HOOK
    #define ipconfigUSE_NETWORK_EVENT_HOOK    ipconfigDISABLE
#endif
#ifndef ipconfigCHECK_IP_QUEUE_SPACE
    #define ipconfigCHECK_IP_QUEUE_SPACE    ipconfigDISABLE
#endif
#ifndef ipconfigWATCHDOG_TIMER
    #define ipconfigWATCHDOG_TIMER()    do {} while( 0 )
#endif

/* TCP. */
#ifndef ipconfigUSE_TCP
    #define ipconfigUSE_TCP    ipconfigENABLE
#endif
#ifndef ipconfigUSE_TCP_WIN
    #define ipconfigUSE_TCP_WIN    ipconfigENABLE
#endif
#ifndef ipconfigTCP_MSS
    #define ipconfigTCP_MSS    ( ipconfigNETWORK_MTU - 40U )
#endif
#ifndef ipconfigTCP_RX_BUFFER_LENGTH
    #define ipconfigTCP_RX_BUFFER_LENGTH    ( 4 * ipconfigTCP_MSS )
#endif
#ifndef ipconfigTCP_TX_BUFFER_LENGTH
    #define ipconfigTCP_TX_BUFFER_LENGTH    ( 4 * ipconfigTCP_MSS )
#endif
#ifndef ipconfigTCP_WIN_SEG_COUNT
    #define ipconfigTCP_WIN_SEG_COUNT    ( 256 )
#endif
#ifndef ipconfigTCP_TIME_TO_LIVE
    #define ipconfigTCP_TIME_TO_LIVE    ( 128 )
#endif
#ifndef ipconfigTCP_HANG_PROTECTION
    #define ipconfigTCP_HANG_PROTECTION    ipconfigENABLE
#endif
#ifndef ipconfigTCP_HANG_PROTECTION_TIME
    #define ipconfigTCP_HANG_PROTECTION_TIME    ( 30 )
#endif
#ifndef ipconfigTCP_KEEP_ALIVE
    #define ipconfigTCP_KEEP_ALIVE    ipconfigDISABLE
#endif
#ifndef ipconfigTCP_KEEP_ALIVE_INTERVAL
    #define ipconfigTCP_KEEP_ALIVE_INTERVAL    ( 20 )
#endif
#ifndef ipconfigTCP_SRTT_MINIMUM_VALUE_MS
    #define ipconfigTCP_SRTT_MINIMUM_VALUE_MS    ( 50 )
#endif
#ifndef ipconfigTCP_IP_SANITY
    #define ipconfigTCP_IP_SANITY    ipconfigDISABLE
#endif
#ifndef ipconfigTCP_MAY_LOG_PORT
    #define ipconfigTCP_MAY_LOG_PORT( xPort )    ( ( xPort ) != 23U )
#endif

/* UDP. */
#ifndef ipconfigUDP_TIME_TO_LIVE
    #define ipconfigUDP_TIME_TO_LIVE    ( 128 )
#endif
#ifndef ipconfigUDP_MAX_RX_PACKETS
    #define ipconfigUDP_MAX_RX_PACKETS    ( 0 )
#endif
#ifndef ipconfigUDP_MAX_SEND_BLOCK_TIME_TICKS
    #define ipconfigUDP_MAX_SEND_BLOCK_TIME_TICKS    pdMS_TO_TICKS( 20 )
#endif
#ifndef ipconfigUDP_PASS_ZERO_CHECKSUM_PACKETS
    #define ipconfigUDP_PASS_ZERO_CHECKSUM_PACKETS    ipconfigDISABLE
#endif

/* Sockets. */
#ifndef ipconfigALLOW_SOCKET_SEND_WITHOUT_BIND
    #define ipconfigALLOW_SOCKET_SEND_WITHOUT_BIND    ipconfigENABLE
#endif
#ifndef ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME
    #define ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME    portMAX_DELAY
#endif
#ifndef ipconfigSOCK_DEFAULT_SEND_BLOCK_TIME
    #define ipconfigSOCK_DEFAULT_SEND_BLOCK_TIME    portMAX_DELAY
#endif
#ifndef ipconfigSUPPORT_SELECT_FUNCTION
    #define ipconfigSUPPORT_SELECT_FUNCTION    ipconfigDISABLE
#endif
#ifndef ipconfigSELECT_USES_NOTIFY
    #define ipconfigSELECT_USES_NOTIFY    ipconfigDISABLE
#endif
#ifndef ipconfigSOCKET_HAS_USER_SEMAPHORE
    #define ipconfigSOCKET_HAS_USER_SEMAPHORE    ipconfigDISABLE
#endif
#ifndef ipconfigSOCKET_HAS_USER_WAKE_CALLBACK
    #define ipconfigSOCKET_HAS_USER_WAKE_CALLBACK    ipconfigDISABLE
#endif
#ifndef ipconfigSUPPORT_SIGNALS
    #define ipconfigSUPPORT_SIGNALS    ipconfigDISABLE
#endif
#ifndef ipconfigUSE_CALLBACKS
    #define ipconfigUSE_CALLBACKS    ipconfigDISABLE
#endif
#ifndef ipconfigIS_VALID_PROG_ADDRESS
    #define ipconfigIS_VALID_PROG_ADDRESS( pxAddress )    ( ( pxAddress ) != NULL )
#endif
#ifndef ipconfigINCLUDE_FULL_INET_ADDR
    #define ipconfigINCLUDE_FULL_INET_ADDR    ipconfigENABLE
#endif

/* DHCP, DNS and name services. */
#ifndef ipconfigUSE_DHCP
    #define ipconfigUSE_DHCP    ipconfigENABLE
#endif
#ifndef ipconfigUSE_DHCPv6
    #define ipconfigUSE_DHCPv6    ipconfigDISABLE
#endif
#ifndef ipconfigUSE_DHCP_HOOK
    #define ipconfigUSE_DHCP_HOOK    ipconfigENABLE
#endif
#ifndef ipconfigDHCP_REGISTER_HOSTNAME
    #define ipconfigDHCP_REGISTER_HOSTNAME    ipconfigDISABLE
#endif
#ifndef ipconfigDHCP_FALL_BACK_AUTO_IP
    #define ipconfigDHCP_FALL_BACK_AUTO_IP    ipconfigDISABLE
#endif
#ifndef ipconfigMAXIMUM_DISCOVER_TX_PERIOD
    #define ipconfigMAXIMUM_DISCOVER_TX_PERIOD    pdMS_TO_TICKS( 30000 )
#endif
#ifndef ipconfigUSE_DNS
    #define ipconfigUSE_DNS    ipconfigENABLE
#endif
#ifndef ipconfigUSE_DNS_CACHE
    #define ipconfigUSE_DNS_CACHE    ipconfigENABLE
#endif
#ifndef ipconfigDNS_CACHE_ENTRIES
    #define ipconfigDNS_CACHE_ENTRIES    ( 1U )
#endif
#ifndef ipconfigDNS_CACHE_NAME_LENGTH
    #define ipconfigDNS_CACHE_NAME_LENGTH    ( 254U )
#endif
#ifndef ipconfigDNS_CACHE_ADDRESSES_PER_ENTRY
    #define ipconfigDNS_CACHE_ADDRESSES_PER_ENTRY    ( 1 )
#endif
#ifndef ipconfigDNS_REQUEST_ATTEMPTS
    #define ipconfigDNS_REQUEST_ATTEMPTS    ( 5 )
#endif
#ifndef ipconfigDNS_RECEIVE_BLOCK_TIME_TICKS
    #define ipconfigDNS_RECEIVE_BLOCK_TIME_TICKS    pdMS_TO_TICKS( 5000 )
#endif
#ifndef ipconfigDNS_SEND_BLOCK_TIME_TICKS
    #define ipconfigDNS_SEND_BLOCK_TIME_TICKS    pdMS_TO_TICKS( 500 )
#endif
#ifndef ipconfigDNS_USE_CALLBACKS
    #define ipconfigDNS_USE_CALLBACKS    ipconfigDISABLE
#endif
#ifndef ipconfigUSE_LLMNR
    #define ipconfigUSE_LLMNR    ipconfigDISABLE
#endif
#ifndef ipconfigUSE_NBNS
    #define ipconfigUSE_NBNS    ipconfigDISABLE
#endif
#ifndef ipconfigUSE_MDNS
    #define ipconfigUSE_MDNS    ipconfigDISABLE
#endif

/* ARP, ND, ICMP. */
#ifndef ipconfigARP_CACHE_ENTRIES
    #define ipconfigARP_CACHE_ENTRIES    ( 10 )
#endif
#ifndef ipconfigMAX_ARP_AGE
    #define ipconfigMAX_ARP_AGE    ( 150 )
#endif
#ifndef ipconfigMAX_ARP_RETRANSMISSIONS
    #define ipconfigMAX_ARP_RETRANSMISSIONS    ( 5 )
#endif
#ifndef ipconfigND_CACHE_ENTRIES
    #define ipconfigND_CACHE_ENTRIES    ( 24 )
#endif
#ifndef ipconfigREPLY_TO_INCOMING_PINGS
    #define ipconfigREPLY_TO_INCOMING_PINGS    ipconfigENABLE
#endif
#ifndef ipconfigSUPPORT_OUTGOING_PINGS
    #define ipconfigSUPPORT_OUTGOING_PINGS    ipconfigDISABLE
#endif
#ifndef ipconfigICMP_TIME_TO_LIVE
    #define ipconfigICMP_TIME_TO_LIVE    ( 64 )
#endif

/* Logging. */
#ifndef ipconfigHAS_PRINTF
    #define ipconfigHAS_PRINTF    ipconfigDISABLE
#endif
#ifndef ipconfigHAS_DEBUG_PRINTF
    #define ipconfigHAS_DEBUG_PRINTF    ipconfigDISABLE
#endif
#ifndef FreeRTOS_printf
    #if ( ipconfigHAS_PRINTF == 1 ) && defined( configPRINTF )
        #define FreeRTOS_printf( MSG )    do { configPRINTF( MSG ); } while( 0 )
    #else
        #define FreeRTOS_printf( MSG )    do {} while( 0 )
    #endif
#endif
#ifndef FreeRTOS_debug_printf
    #if ( ipconfigHAS_DEBUG_PRINTF == 1 ) && defined( configPRINTF )
        #define FreeRTOS_debug_printf( MSG )    do { configPRINTF( MSG ); } while( 0 )
    #else
        #define FreeRTOS_debug_printf( MSG )    do {} while( 0 )
    #endif
#endif
#ifndef ipconfigINCLUDE_EXAMPLE_FREERTOS_PLUS_TRACE_CALLS
    #define ipconfigINCLUDE_EXAMPLE_FREERTOS_PLUS_TRACE_CALLS    ipconfigDISABLE
#endif

/* Allocation hooks used by the library (kept so applications that refer to them compile). */
#ifndef pvPortMallocLarge
    #define pvPortMallocLarge( size )    pvPortMalloc( size )
#endif
#ifndef vPortFreeLarge
    #define vPortFreeLarge( ptr )    vPortFree( ptr )
#endif
#ifndef pvPortMallocSocket
    #define pvPortMallocSocket( size )    pvPortMalloc( size )
#endif
#ifndef vPortFreeSocket
    #define vPortFreeSocket( ptr )    vPortFree( ptr )
#endif

#endif /* FREERTOS_IP_CONFIG_DEFAULTS_H */
