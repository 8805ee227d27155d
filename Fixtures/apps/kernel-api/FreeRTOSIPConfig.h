/* FreeRTOSIPConfig.h of the kernel-api example: the IP stack only has to come up (no sockets are used). */
#ifndef FREERTOS_IP_CONFIG_H
#define FREERTOS_IP_CONFIG_H

#define ipconfigUSE_TCP                     ( 1 )
#define ipconfigUSE_DHCP                    ( 0 )
#define ipconfigIPv4_BACKWARD_COMPATIBLE    ( 1 )

#endif /* FREERTOS_IP_CONFIG_H */
