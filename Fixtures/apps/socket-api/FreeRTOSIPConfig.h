/* FreeRTOSIPConfig.h of the terminal-server example: library defaults for TCP, plus keep-alive and select,
 * as on the device of the shutdown-stall report. */
#ifndef FREERTOS_IP_CONFIG_H
#define FREERTOS_IP_CONFIG_H

#define ipconfigUSE_TCP                     ( 1 )
#define ipconfigTCP_KEEP_ALIVE              ( 1 )
#define ipconfigTCP_HANG_PROTECTION         ( 1 )
#define ipconfigSUPPORT_SELECT_FUNCTION     ( 1 )
#define ipconfigREPLY_TO_INCOMING_PINGS     ( 1 )
#define ipconfigUSE_DHCP                    ( 0 )
#define ipconfigIPv4_BACKWARD_COMPATIBLE    ( 1 )

#endif /* FREERTOS_IP_CONFIG_H */
