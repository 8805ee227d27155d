/* FreeRTOSConfig.h of the crash example: the kernel settings a small Cortex-M device would use. */
#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

#define configUSE_PREEMPTION                    1
#define configUSE_TIME_SLICING                  1
#define configTICK_RATE_HZ                      ( ( TickType_t ) 1000 )
#define configMAX_PRIORITIES                    7
#define configMINIMAL_STACK_SIZE                ( ( unsigned short ) 256 )
#define configTOTAL_HEAP_SIZE                   ( ( size_t ) ( 64 * 1024 ) )
#define configMAX_TASK_NAME_LEN                 16
#define configUSE_16_BIT_TICKS                  0
#define configUSE_MUTEXES                       1
#define configUSE_COUNTING_SEMAPHORES           1
#define configUSE_TIMERS                        1
#define configTIMER_TASK_PRIORITY               ( configMAX_PRIORITIES - 1 )
#define configTIMER_QUEUE_LENGTH                10
#define configTIMER_TASK_STACK_DEPTH            ( configMINIMAL_STACK_SIZE * 2 )
#define configSUPPORT_DYNAMIC_ALLOCATION        1
#define INCLUDE_vTaskDelay                      1
#define INCLUDE_vTaskDelete                     1

/* No configASSERT() here on purpose: -DCRASH_ASSERT shows tcpsim's default, which reports a failed assertion
 * with its file and line. */

#endif /* FREERTOS_CONFIG_H */
