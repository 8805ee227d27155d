/* FreeRTOSIPConfig.h of the shutdown-stall terminal server: library defaults for TCP, plus keep-alive and select,
 * as on the device that recorded the reference captures. */
#ifndef FREERTOS_IP_CONFIG_H
#define FREERTOS_IP_CONFIG_H

#define ipconfigUSE_TCP                     ( 1 )
#define ipconfigTCP_KEEP_ALIVE              ( 1 )
#define ipconfigTCP_HANG_PROTECTION         ( 1 )
#define ipconfigSUPPORT_SELECT_FUNCTION     ( 1 )
#define ipconfigREPLY_TO_INCOMING_PINGS     ( 1 )

#endif /* FREERTOS_IP_CONFIG_H */
