/* FreeRTOSIPConfig.h of the crash example: library defaults for TCP (hang protection on, no
 * keep-alive, no select), answering pings, a fixed address. */
#ifndef FREERTOS_IP_CONFIG_H
#define FREERTOS_IP_CONFIG_H

#define ipconfigUSE_TCP                     ( 1 )
#define ipconfigTCP_HANG_PROTECTION         ( 1 )
#define ipconfigREPLY_TO_INCOMING_PINGS     ( 1 )
#define ipconfigUSE_DHCP                    ( 0 )
#define ipconfigIPv4_BACKWARD_COMPATIBLE    ( 1 )

#endif /* FREERTOS_IP_CONFIG_H */
