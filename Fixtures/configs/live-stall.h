/* FreeRTOSIPConfig.h for the live shutdown-stall test: the terminal server's settings with hang protection
 * shortened to 5 s and the socket wake-up grid to 1 s, so the stall lasts about 6 s instead of 40 s. */
#ifndef FREERTOS_IP_CONFIG_H
#define FREERTOS_IP_CONFIG_H
#define ipconfigUSE_TCP                     ( 1 )
#define ipconfigTCP_KEEP_ALIVE              ( 1 )
#define ipconfigTCP_HANG_PROTECTION         ( 1 )
#define ipconfigTCP_HANG_PROTECTION_TIME    ( 5 )
#define tcpMAXIMUM_TCP_WAKEUP_TIME_MS       ( 1000U )
#define ipconfigSUPPORT_SELECT_FUNCTION     ( 1 )
#define ipconfigREPLY_TO_INCOMING_PINGS     ( 1 )
#endif /* FREERTOS_IP_CONFIG_H */
