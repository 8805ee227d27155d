/* tcpsim: FreeRTOS+TCP DHCP client hook types, written from the public API documentation. */
#ifndef FREERTOS_DHCP_H
#define FREERTOS_DHCP_H

#include "FreeRTOS.h"
#include "FreeRTOSIPConfig.h"
#include "FreeRTOSIPConfigDefaults.h"
#include "FreeRTOS_IP_Common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The DHCP phase at which xApplicationDHCPHook(_Multi)() is called. */
typedef enum eDHCP_PHASE
{
    eDHCPPhasePreDiscover, /* about to send DHCPDISCOVER */
    eDHCPPhasePreRequest   /* about to send DHCPREQUEST for the offered address */
} eDHCPCallbackPhase_t;

/* What the hook tells the DHCP client to do. */
typedef enum eDHCP_ANSWERS
{
    eDHCPContinue,       /* carry on with DHCP */
    eDHCPUseDefaults,    /* stop DHCP, use the static default addresses */
    eDHCPStopNoChanges   /* stop DHCP, keep the current settings */
} eDHCPCallbackAnswer_t;

/* Application hook (ipconfigUSE_DHCP_HOOK). Both spellings are declared; the application defines the one that
 * matches its API generation. ulIPAddress is in network byte order. */
#if ( ipconfigUSE_DHCP_HOOK != 0 )
    eDHCPCallbackAnswer_t xApplicationDHCPHook( eDHCPCallbackPhase_t eDHCPPhase,
                                                uint32_t ulIPAddress );
    eDHCPCallbackAnswer_t xApplicationDHCPHook_Multi( eDHCPCallbackPhase_t eDHCPPhase,
                                                      struct xNetworkEndPoint * pxEndPoint,
                                                      IP_Address_t * pxIPAddress );
#endif

#ifdef __cplusplus
}
#endif

#endif /* FREERTOS_DHCP_H */
