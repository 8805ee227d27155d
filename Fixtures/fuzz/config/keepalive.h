/* FreeRTOSIPConfig.h for the keep-alive fixtures: library defaults, keep-alive switched on (20 s interval). */
#ifndef FREERTOS_IP_CONFIG_H
#define FREERTOS_IP_CONFIG_H

#define ipconfigUSE_TCP                     ( 1 )
#define ipconfigTCP_KEEP_ALIVE              ( 1 )
#define ipconfigTCP_KEEP_ALIVE_INTERVAL     ( 20 ) /* seconds */

#endif /* FREERTOS_IP_CONFIG_H */
