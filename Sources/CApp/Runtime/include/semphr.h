/* tcpsim: FreeRTOS semaphore and mutex API (macros over the queue API), written from the public API documentation. */
#ifndef SEMAPHORE_H
#define SEMAPHORE_H

#ifndef INC_FREERTOS_H
    #error "include FreeRTOS.h before semphr.h"
#endif

#include "queue.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef QueueHandle_t SemaphoreHandle_t;

#define semBINARY_SEMAPHORE_QUEUE_LENGTH    ( ( UBaseType_t ) 1U )
#define semSEMAPHORE_QUEUE_ITEM_LENGTH      ( ( UBaseType_t ) 0U )
#define semGIVE_BLOCK_TIME                  ( ( TickType_t ) 0U )

/* Creation. A binary semaphore is created empty (taken); the legacy vSemaphoreCreateBinary() gives it once. */
#define xSemaphoreCreateBinary() \
    xQueueGenericCreate( semBINARY_SEMAPHORE_QUEUE_LENGTH, semSEMAPHORE_QUEUE_ITEM_LENGTH, queueQUEUE_TYPE_BINARY_SEMAPHORE )
#define xSemaphoreCreateBinaryStatic( pxStaticSemaphore ) \
    xQueueGenericCreateStatic( semBINARY_SEMAPHORE_QUEUE_LENGTH, semSEMAPHORE_QUEUE_ITEM_LENGTH, NULL, ( pxStaticSemaphore ), queueQUEUE_TYPE_BINARY_SEMAPHORE )
#define vSemaphoreCreateBinary( xSemaphore )                      \
    do {                                                          \
        ( xSemaphore ) = xSemaphoreCreateBinary();                \
        if( ( xSemaphore ) != NULL )                              \
        {                                                         \
            ( void ) xSemaphoreGive( ( xSemaphore ) );            \
        }                                                         \
    } while( 0 )
#define xSemaphoreCreateCounting( uxMaxCount, uxInitialCount ) \
    xQueueCreateCountingSemaphore( ( uxMaxCount ), ( uxInitialCount ) )
#define xSemaphoreCreateCountingStatic( uxMaxCount, uxInitialCount, pxSemaphoreBuffer ) \
    xQueueCreateCountingSemaphoreStatic( ( uxMaxCount ), ( uxInitialCount ), ( pxSemaphoreBuffer ) )
#define xSemaphoreCreateMutex()                                   xQueueCreateMutex( queueQUEUE_TYPE_MUTEX )
#define xSemaphoreCreateMutexStatic( pxMutexBuffer )              xQueueCreateMutexStatic( queueQUEUE_TYPE_MUTEX, ( pxMutexBuffer ) )
#define xSemaphoreCreateRecursiveMutex()                          xQueueCreateMutex( queueQUEUE_TYPE_RECURSIVE_MUTEX )
#define xSemaphoreCreateRecursiveMutexStatic( pxStaticSemaphore ) xQueueCreateMutexStatic( queueQUEUE_TYPE_RECURSIVE_MUTEX, ( pxStaticSemaphore ) )
#define vSemaphoreDelete( xSemaphore )                            vQueueDelete( ( QueueHandle_t ) ( xSemaphore ) )

/* Take and give. */
#define xSemaphoreTake( xSemaphore, xBlockTime )                  xQueueSemaphoreTake( ( xSemaphore ), ( xBlockTime ) )
#define xSemaphoreGive( xSemaphore ) \
    xQueueGenericSend( ( QueueHandle_t ) ( xSemaphore ), NULL, semGIVE_BLOCK_TIME, queueSEND_TO_BACK )
#define xSemaphoreTakeRecursive( xMutex, xBlockTime )             xQueueTakeMutexRecursive( ( xMutex ), ( xBlockTime ) )
#define xSemaphoreGiveRecursive( xMutex )                         xQueueGiveMutexRecursive( ( xMutex ) )
#define xSemaphoreTakeFromISR( xSemaphore, pxHigherPriorityTaskWoken ) \
    xQueueReceiveFromISR( ( QueueHandle_t ) ( xSemaphore ), NULL, ( pxHigherPriorityTaskWoken ) )
#define xSemaphoreGiveFromISR( xSemaphore, pxHigherPriorityTaskWoken ) \
    xQueueGiveFromISR( ( QueueHandle_t ) ( xSemaphore ), ( pxHigherPriorityTaskWoken ) )

/* Queries. */
#define uxSemaphoreGetCount( xSemaphore )                         uxQueueMessagesWaiting( ( QueueHandle_t ) ( xSemaphore ) )
#define uxSemaphoreGetCountFromISR( xSemaphore )                  uxQueueMessagesWaitingFromISR( ( QueueHandle_t ) ( xSemaphore ) )
#define xSemaphoreGetMutexHolder( xSemaphore )                    xQueueGetMutexHolder( ( xSemaphore ) )
#define xSemaphoreGetMutexHolderFromISR( xSemaphore )             xQueueGetMutexHolderFromISR( ( xSemaphore ) )

#ifdef __cplusplus
}
#endif

#endif /* SEMAPHORE_H */
