/* tcpsim: FreeRTOS kernel base header (configuration defaults, static object types), written from the public API documentation. */
#ifndef INC_FREERTOS_H
#define INC_FREERTOS_H

#include <stddef.h>
#include <stdint.h>

/* The application's configuration, found on its include path exactly as with the real kernel. */
#include "FreeRTOSConfig.h"

/*---------------------------------------------------------------------------
 * Tick width. tcpsim's tick is 32 bits wide.
 *-------------------------------------------------------------------------*/
#define TICK_TYPE_WIDTH_16_BITS    0
#define TICK_TYPE_WIDTH_32_BITS    1
#define TICK_TYPE_WIDTH_64_BITS    2

#if !defined( configUSE_16_BIT_TICKS ) && !defined( configTICK_TYPE_WIDTH_IN_BITS )
    #define configUSE_16_BIT_TICKS    0
#endif
#if defined( configUSE_16_BIT_TICKS ) && ( configUSE_16_BIT_TICKS != 0 )
    #error tcpsim supports 32-bit ticks only: set configUSE_16_BIT_TICKS to 0.
#endif
#ifndef configTICK_TYPE_WIDTH_IN_BITS
    #define configTICK_TYPE_WIDTH_IN_BITS    TICK_TYPE_WIDTH_32_BITS
#endif
#if ( configTICK_TYPE_WIDTH_IN_BITS != TICK_TYPE_WIDTH_32_BITS )
    #error tcpsim supports 32-bit ticks only: configTICK_TYPE_WIDTH_IN_BITS must be TICK_TYPE_WIDTH_32_BITS.
#endif

/*---------------------------------------------------------------------------
 * Defaults for what the configuration left out. Where the real kernel has a
 * default, it is used; where the real kernel insists on a definition, a
 * usable value is chosen instead.
 *-------------------------------------------------------------------------*/
#ifndef configUSE_PREEMPTION
    #define configUSE_PREEMPTION    1
#endif
#ifndef configTICK_RATE_HZ
    #define configTICK_RATE_HZ    1000
#endif
#ifndef configMAX_PRIORITIES
    #define configMAX_PRIORITIES    ( 5 )
#endif
#ifndef configMINIMAL_STACK_SIZE
    #define configMINIMAL_STACK_SIZE    ( 1024 )
#endif
#ifndef configUSE_IDLE_HOOK
    #define configUSE_IDLE_HOOK    0
#endif
#ifndef configUSE_TICK_HOOK
    #define configUSE_TICK_HOOK    0
#endif
#ifndef configUSE_MALLOC_FAILED_HOOK
    #define configUSE_MALLOC_FAILED_HOOK    0
#endif
#ifndef configUSE_DAEMON_TASK_STARTUP_HOOK
    #define configUSE_DAEMON_TASK_STARTUP_HOOK    0
#endif
#ifndef configCHECK_FOR_STACK_OVERFLOW
    #define configCHECK_FOR_STACK_OVERFLOW    0
#endif
#ifndef configUSE_CO_ROUTINES
    #define configUSE_CO_ROUTINES    0
#endif
#ifndef configNUMBER_OF_CORES
    #define configNUMBER_OF_CORES    1
#endif
#ifndef configUSE_PORT_OPTIMISED_TASK_SELECTION
    #define configUSE_PORT_OPTIMISED_TASK_SELECTION    0
#endif
#ifndef configUSE_TIME_SLICING
    #define configUSE_TIME_SLICING    1
#endif
#ifndef configUSE_TICKLESS_IDLE
    #define configUSE_TICKLESS_IDLE    0
#endif
#ifndef configIDLE_SHOULD_YIELD
    #define configIDLE_SHOULD_YIELD    1
#endif
#ifndef configMAX_TASK_NAME_LEN
    #define configMAX_TASK_NAME_LEN    16
#endif
#ifndef configUSE_MUTEXES
    #define configUSE_MUTEXES    0
#endif
#ifndef configUSE_RECURSIVE_MUTEXES
    #define configUSE_RECURSIVE_MUTEXES    0
#endif
#ifndef configUSE_COUNTING_SEMAPHORES
    #define configUSE_COUNTING_SEMAPHORES    0
#endif
#ifndef configUSE_QUEUE_SETS
    #define configUSE_QUEUE_SETS    0
#endif
#ifndef configQUEUE_REGISTRY_SIZE
    #define configQUEUE_REGISTRY_SIZE    0U
#endif
#ifndef configUSE_TASK_NOTIFICATIONS
    #define configUSE_TASK_NOTIFICATIONS    1
#endif
#ifndef configTASK_NOTIFICATION_ARRAY_ENTRIES
    #define configTASK_NOTIFICATION_ARRAY_ENTRIES    1
#endif
#ifndef configUSE_EVENT_GROUPS
    #define configUSE_EVENT_GROUPS    1
#endif
#ifndef configUSE_STREAM_BUFFERS
    #define configUSE_STREAM_BUFFERS    1
#endif
#ifndef configUSE_TIMERS
    #define configUSE_TIMERS    0
#endif
#ifndef configTIMER_TASK_PRIORITY
    #define configTIMER_TASK_PRIORITY    ( configMAX_PRIORITIES - 1 )
#endif
#ifndef configTIMER_QUEUE_LENGTH
    #define configTIMER_QUEUE_LENGTH    10
#endif
#ifndef configTIMER_TASK_STACK_DEPTH
    #define configTIMER_TASK_STACK_DEPTH    ( configMINIMAL_STACK_SIZE * 2 )
#endif
#ifndef configUSE_TRACE_FACILITY
    #define configUSE_TRACE_FACILITY    0
#endif
#ifndef configUSE_STATS_FORMATTING_FUNCTIONS
    #define configUSE_STATS_FORMATTING_FUNCTIONS    0
#endif
#ifndef configGENERATE_RUN_TIME_STATS
    #define configGENERATE_RUN_TIME_STATS    0
#endif
#ifndef configUSE_APPLICATION_TASK_TAG
    #define configUSE_APPLICATION_TASK_TAG    0
#endif
#ifndef configNUM_THREAD_LOCAL_STORAGE_POINTERS
    #define configNUM_THREAD_LOCAL_STORAGE_POINTERS    0
#endif
#ifndef configUSE_ALTERNATIVE_API
    #define configUSE_ALTERNATIVE_API    0
#endif
#ifndef configUSE_POSIX_ERRNO
    #define configUSE_POSIX_ERRNO    0
#endif
#ifndef configSUPPORT_STATIC_ALLOCATION
    #define configSUPPORT_STATIC_ALLOCATION    0
#endif
#ifndef configSUPPORT_DYNAMIC_ALLOCATION
    #define configSUPPORT_DYNAMIC_ALLOCATION    1
#endif
#ifndef configKERNEL_PROVIDED_STATIC_MEMORY
    #define configKERNEL_PROVIDED_STATIC_MEMORY    0
#endif
#ifndef configAPPLICATION_ALLOCATED_HEAP
    #define configAPPLICATION_ALLOCATED_HEAP    0
#endif
#ifndef configTOTAL_HEAP_SIZE
    #define configTOTAL_HEAP_SIZE    ( ( size_t ) ( 256 * 1024 ) )
#endif
#ifndef configSTACK_DEPTH_TYPE
    #define configSTACK_DEPTH_TYPE    StackType_t
#endif
#ifndef configRUN_TIME_COUNTER_TYPE
    #define configRUN_TIME_COUNTER_TYPE    uint32_t
#endif
#ifndef configMESSAGE_BUFFER_LENGTH_TYPE
    #define configMESSAGE_BUFFER_LENGTH_TYPE    size_t
#endif
#ifndef configSTATS_BUFFER_MAX_LENGTH
    #define configSTATS_BUFFER_MAX_LENGTH    0xFFFF
#endif
#ifndef configINITIAL_TICK_COUNT
    #define configINITIAL_TICK_COUNT    0
#endif
#ifndef configENABLE_BACKWARD_COMPATIBILITY
    #define configENABLE_BACKWARD_COMPATIBILITY    1
#endif
#ifndef configPRINTF
    #define configPRINTF( X )
#endif
#ifndef configMAX
    #define configMAX( a, b )    ( ( ( a ) > ( b ) ) ? ( a ) : ( b ) )
#endif
#ifndef configMIN
    #define configMIN( a, b )    ( ( ( a ) < ( b ) ) ? ( a ) : ( b ) )
#endif

#ifndef INCLUDE_vTaskPrioritySet
    #define INCLUDE_vTaskPrioritySet    0
#endif
#ifndef INCLUDE_uxTaskPriorityGet
    #define INCLUDE_uxTaskPriorityGet    0
#endif
#ifndef INCLUDE_vTaskDelete
    #define INCLUDE_vTaskDelete    0
#endif
#ifndef INCLUDE_vTaskSuspend
    #define INCLUDE_vTaskSuspend    0
#endif
#ifndef INCLUDE_xTaskDelayUntil
    #ifdef INCLUDE_vTaskDelayUntil
        #define INCLUDE_xTaskDelayUntil    INCLUDE_vTaskDelayUntil
    #else
        #define INCLUDE_xTaskDelayUntil    0
    #endif
#endif
#ifndef INCLUDE_vTaskDelayUntil
    #define INCLUDE_vTaskDelayUntil    INCLUDE_xTaskDelayUntil
#endif
#ifndef INCLUDE_vTaskDelay
    #define INCLUDE_vTaskDelay    0
#endif
#ifndef INCLUDE_xTaskGetIdleTaskHandle
    #define INCLUDE_xTaskGetIdleTaskHandle    0
#endif
#ifndef INCLUDE_xTaskAbortDelay
    #define INCLUDE_xTaskAbortDelay    0
#endif
#ifndef INCLUDE_xQueueGetMutexHolder
    #define INCLUDE_xQueueGetMutexHolder    0
#endif
#ifndef INCLUDE_xSemaphoreGetMutexHolder
    #define INCLUDE_xSemaphoreGetMutexHolder    INCLUDE_xQueueGetMutexHolder
#endif
#ifndef INCLUDE_xTaskGetHandle
    #define INCLUDE_xTaskGetHandle    0
#endif
#ifndef INCLUDE_uxTaskGetStackHighWaterMark
    #define INCLUDE_uxTaskGetStackHighWaterMark    0
#endif
#ifndef INCLUDE_uxTaskGetStackHighWaterMark2
    #define INCLUDE_uxTaskGetStackHighWaterMark2    0
#endif
#ifndef INCLUDE_eTaskGetState
    #define INCLUDE_eTaskGetState    0
#endif
#ifndef INCLUDE_xTaskResumeFromISR
    #define INCLUDE_xTaskResumeFromISR    1
#endif
#ifndef INCLUDE_xTimerPendFunctionCall
    #define INCLUDE_xTimerPendFunctionCall    0
#endif
#ifndef INCLUDE_xTaskGetSchedulerState
    #define INCLUDE_xTaskGetSchedulerState    0
#endif
#ifndef INCLUDE_xTaskGetCurrentTaskHandle
    #define INCLUDE_xTaskGetCurrentTaskHandle    1
#endif
#ifndef INCLUDE_xTimerGetTimerDaemonTaskHandle
    #define INCLUDE_xTimerGetTimerDaemonTaskHandle    0
#endif
#ifndef INCLUDE_pcTaskGetTaskName
    #define INCLUDE_pcTaskGetTaskName    0
#endif

/* Hooks the kernel would otherwise insert; nothing of the kernel is compiled here, so they only need to exist. */
#ifndef mtCOVERAGE_TEST_MARKER
    #define mtCOVERAGE_TEST_MARKER()
#endif
#ifndef mtCOVERAGE_TEST_DELAY
    #define mtCOVERAGE_TEST_DELAY()
#endif
#ifndef PRIVILEGED_FUNCTION
    #define PRIVILEGED_FUNCTION
#endif
#ifndef PRIVILEGED_DATA
    #define PRIVILEGED_DATA
#endif
#ifndef FREERTOS_SYSTEM_CALL
    #define FREERTOS_SYSTEM_CALL
#endif
#ifndef portUSING_MPU_WRAPPERS
    #define portUSING_MPU_WRAPPERS    0
#endif

/*---------------------------------------------------------------------------
 * Port types, pd* constants, heap functions.
 *-------------------------------------------------------------------------*/
#include "projdefs.h"
#include "portable.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Assertions: when the configuration has no configASSERT(), a failed check is reported to tcpsim. */
void tcpsim_assert_failed( const char * file,
                           int line,
                           const char * expression ) __attribute__( ( noreturn ) );

#ifndef configASSERT
    #define configASSERT( x )    do { if( ( x ) == 0 ) tcpsim_assert_failed( __FILE__, __LINE__, #x ); } while( 0 )
#endif
#define configASSERT_DEFINED    1
#ifndef configPRECONDITION
    #define configPRECONDITION( X )    configASSERT( X )
#endif

/* Older names for the port constants. */
#ifndef portTICK_RATE_MS
    #define portTICK_RATE_MS    portTICK_PERIOD_MS
#endif

/*---------------------------------------------------------------------------
 * Memory for objects created with the ...Static() functions. The application
 * only allocates these and passes their address; their contents belong to the
 * runtime (which may keep its own bookkeeping in them).
 *-------------------------------------------------------------------------*/
#define tcpsimSTATIC_OBJECT_WORDS    16 /* 128 bytes on a 64-bit host */

typedef struct xSTATIC_TCB
{
    void * pvDummy[ tcpsimSTATIC_OBJECT_WORDS + ( ( configMAX_TASK_NAME_LEN + sizeof( void * ) - 1 ) / sizeof( void * ) ) ];
} StaticTask_t;

typedef struct xSTATIC_QUEUE
{
    void * pvDummy[ tcpsimSTATIC_OBJECT_WORDS ];
} StaticQueue_t;
typedef StaticQueue_t StaticSemaphore_t;

typedef struct xSTATIC_EVENT_GROUP
{
    void * pvDummy[ tcpsimSTATIC_OBJECT_WORDS ];
} StaticEventGroup_t;

typedef struct xSTATIC_TIMER
{
    void * pvDummy[ tcpsimSTATIC_OBJECT_WORDS ];
} StaticTimer_t;

typedef struct xSTATIC_STREAM_BUFFER
{
    void * pvDummy[ tcpsimSTATIC_OBJECT_WORDS ];
} StaticStreamBuffer_t;
typedef StaticStreamBuffer_t StaticMessageBuffer_t;

/*---------------------------------------------------------------------------
 * Names from older kernel versions.
 *-------------------------------------------------------------------------*/
#if ( configENABLE_BACKWARD_COMPATIBILITY == 1 )
    #define eTaskStateGet                 eTaskGetState
    #define portTickType                  TickType_t
    #define xTaskHandle                   TaskHandle_t
    #define xQueueHandle                  QueueHandle_t
    #define xSemaphoreHandle              SemaphoreHandle_t
    #define xQueueSetHandle               QueueSetHandle_t
    #define xQueueSetMemberHandle         QueueSetMemberHandle_t
    #define xTimeOutType                  TimeOut_t
    #define xTaskStatusType               TaskStatus_t
    #define xTimerHandle                  TimerHandle_t
    #define pdTASK_HOOK_CODE              TaskHookFunction_t
    #define pcTaskGetTaskName             pcTaskGetName
    #define pcTimerGetTimerName           pcTimerGetName
    #define pcQueueGetQueueName           pcQueueGetName
    #define vTaskGetTaskInfo              vTaskGetInfo
    #define tmrTIMER_CALLBACK             TimerCallbackFunction_t
    #define pdTASK_CODE                   TaskFunction_t
    #define xListItem                     ListItem_t
    #define xList                         List_t
#endif

#ifdef __cplusplus
}
#endif

#endif /* INC_FREERTOS_H */
