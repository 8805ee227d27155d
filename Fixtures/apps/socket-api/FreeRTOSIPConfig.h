/* FreeRTOSIPConfig.h of the socket-api example: library defaults for TCP (buffers of 4 MSS, a 2 MSS window,
 * hang protection on, no keep-alive), plus FreeRTOS_select() and FreeRTOS_SignalSocket(). */
#ifndef FREERTOS_IP_CONFIG_H
#define FREERTOS_IP_CONFIG_H

#define ipconfigUSE_TCP                     ( 1 )
#define ipconfigTCP_HANG_PROTECTION         ( 1 )
#define ipconfigSUPPORT_SELECT_FUNCTION     ( 1 )
#define ipconfigSUPPORT_SIGNALS             ( 1 )
#define ipconfigUSE_DHCP                    ( 0 )
#define ipconfigIPv4_BACKWARD_COMPATIBLE    ( 1 )

#endif /* FREERTOS_IP_CONFIG_H */
