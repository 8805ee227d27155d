/* FreeRTOSIPConfig.h of the echo example: library defaults for TCP (buffers of 4 MSS, a 2 MSS window, hang
 * protection on, no keep-alive), answering pings, a fixed address. Live benchmarks with larger windows
 * redefine ipconfigTCP_RX_BUFFER_LENGTH / ipconfigTCP_TX_BUFFER_LENGTH / ipconfigTCP_WIN_SEG_COUNT here. */
#ifndef FREERTOS_IP_CONFIG_H
#define FREERTOS_IP_CONFIG_H

#define ipconfigUSE_TCP                     ( 1 )
#define ipconfigTCP_HANG_PROTECTION         ( 1 )
#define ipconfigREPLY_TO_INCOMING_PINGS     ( 1 )
#define ipconfigUSE_DHCP                    ( 0 )
#define ipconfigIPv4_BACKWARD_COMPATIBLE    ( 1 )

#endif /* FREERTOS_IP_CONFIG_H */
