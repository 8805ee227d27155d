/* FreeRTOSIPConfig.h of the task-switch benchmark: library defaults. */
#ifndef FREERTOS_IP_CONFIG_H
#define FREERTOS_IP_CONFIG_H

#define ipconfigUSE_TCP    ( 1 )

#endif /* FREERTOS_IP_CONFIG_H */
