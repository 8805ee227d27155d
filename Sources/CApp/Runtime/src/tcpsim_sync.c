/* tcpsim: the FreeRTOS kernel's synchronisation objects — queues, semaphores, mutexes, event groups and
 * software timers — as requests to tcpsim, where they live and wait on the simulation's clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"
#include "queue.h"
#include "semphr.h"
#include "timers.h"
#include "event_groups.h"
#include "FreeRTOS_IP.h"
#include "tcpsim_runtime.h"

#define HANDLE(task) ( ( TaskHandle_t ) ( task ) )

/* ---- Queues, semaphores, mutexes -------------------------------------------------------------------- */

struct QueueDefinition
{
    int64_t id;
    size_t item_size;
    uint8_t type;
    const char * name;
};

#define QUEUE_KIND_QUEUE 0
#define QUEUE_KIND_BINARY 1
#define QUEUE_KIND_COUNTING 2
#define QUEUE_KIND_MUTEX 3
#define QUEUE_KIND_RECURSIVE 4

static QueueHandle_t queue_create( UBaseType_t length, UBaseType_t item_size, uint8_t type, UBaseType_t initial )
{
    int kind = QUEUE_KIND_QUEUE;
    switch( type )
    {
        case queueQUEUE_TYPE_MUTEX: kind = QUEUE_KIND_MUTEX; break;
        case queueQUEUE_TYPE_RECURSIVE_MUTEX: kind = QUEUE_KIND_RECURSIVE; break;
        case queueQUEUE_TYPE_COUNTING_SEMAPHORE: kind = QUEUE_KIND_COUNTING; break;
        case queueQUEUE_TYPE_BINARY_SEMAPHORE: kind = QUEUE_KIND_BINARY; break;
        default: kind = item_size == 0 ? QUEUE_KIND_BINARY : QUEUE_KIND_QUEUE; break;
    }
    if( length == 0 || item_size > TCPSIM_CHANNEL_DATA_MAX ) return NULL;
    struct QueueDefinition * queue = calloc( 1, sizeof( *queue ) );
    if( !queue ) return NULL;
    queue->item_size = item_size;
    queue->type = type;
    queue->id = tcpsim_call( TCPSIM_OP_QUEUE_CREATE, length, item_size, kind,
                             kind == QUEUE_KIND_MUTEX || kind == QUEUE_KIND_RECURSIVE ? 1 : ( int64_t ) initial, 0, NULL, 0, NULL );
    if( queue->id <= 0 )
    {
        free( queue );
        return NULL;
    }
    return queue;
}

QueueHandle_t xQueueGenericCreate( const UBaseType_t uxQueueLength, const UBaseType_t uxItemSize, const uint8_t ucQueueType )
{
    return queue_create( uxQueueLength, uxItemSize, ucQueueType, 0 );
}

QueueHandle_t xQueueGenericCreateStatic( const UBaseType_t uxQueueLength, const UBaseType_t uxItemSize, uint8_t * pucQueueStorage,
                                         StaticQueue_t * pxStaticQueue, const uint8_t ucQueueType )
{
    ( void ) pucQueueStorage;
    ( void ) pxStaticQueue;
    return queue_create( uxQueueLength, uxItemSize, ucQueueType, 0 );
}

QueueHandle_t xQueueCreateMutex( const uint8_t ucQueueType ) { return queue_create( 1, 0, ucQueueType, 1 ); }
QueueHandle_t xQueueCreateMutexStatic( const uint8_t ucQueueType, StaticQueue_t * pxStaticQueue ) { ( void ) pxStaticQueue; return xQueueCreateMutex( ucQueueType ); }
QueueHandle_t xQueueCreateCountingSemaphore( const UBaseType_t uxMaxCount, const UBaseType_t uxInitialCount )
{
    if( uxMaxCount == 0 || uxInitialCount > uxMaxCount ) return NULL;
    return queue_create( uxMaxCount, 0, queueQUEUE_TYPE_COUNTING_SEMAPHORE, uxInitialCount );
}
QueueHandle_t xQueueCreateCountingSemaphoreStatic( const UBaseType_t uxMaxCount, const UBaseType_t uxInitialCount, StaticQueue_t * pxStaticQueue )
{
    ( void ) pxStaticQueue;
    return xQueueCreateCountingSemaphore( uxMaxCount, uxInitialCount );
}

void vQueueDelete( QueueHandle_t xQueue )
{
    if( !xQueue ) return;
    tcpsim_call1( TCPSIM_OP_QUEUE_DELETE, xQueue->id );
    free( xQueue );
}

BaseType_t xQueueGenericReset( QueueHandle_t xQueue, BaseType_t xNewQueue )
{
    ( void ) xNewQueue;
    return ( BaseType_t ) tcpsim_call1( TCPSIM_OP_QUEUE_RESET, xQueue->id );
}

BaseType_t xQueueGenericSend( QueueHandle_t xQueue, const void * const pvItemToQueue, TickType_t xTicksToWait, const BaseType_t xCopyPosition )
{
    configASSERT( xQueue != NULL );
    size_t length = pvItemToQueue ? xQueue->item_size : 0;
    return ( BaseType_t ) tcpsim_call( TCPSIM_OP_QUEUE_SEND, xQueue->id, xTicksToWait, xCopyPosition, 0, 0,
                                       pvItemToQueue, ( uint32_t ) length, NULL );
}

BaseType_t xQueueGenericSendFromISR( QueueHandle_t xQueue, const void * const pvItemToQueue, BaseType_t * const pxHigherPriorityTaskWoken,
                                     const BaseType_t xCopyPosition )
{
    if( pxHigherPriorityTaskWoken ) *pxHigherPriorityTaskWoken = pdFALSE;
    return xQueueGenericSend( xQueue, pvItemToQueue, 0, xCopyPosition );
}

BaseType_t xQueueGiveFromISR( QueueHandle_t xQueue, BaseType_t * const pxHigherPriorityTaskWoken )
{
    return xQueueGenericSendFromISR( xQueue, NULL, pxHigherPriorityTaskWoken, queueSEND_TO_BACK );
}

static BaseType_t queue_receive( QueueHandle_t xQueue, void * const pvBuffer, TickType_t xTicksToWait, int peek )
{
    configASSERT( xQueue != NULL );
    BaseType_t result = ( BaseType_t ) tcpsim_call3( TCPSIM_OP_QUEUE_RECEIVE, xQueue->id, xTicksToWait, peek );
    if( result == pdPASS && pvBuffer && xQueue->item_size )
    {
        uint32_t length = 0;
        const uint8_t * data = tcpsim_reply_data( &length );
        memcpy( pvBuffer, data, length < xQueue->item_size ? length : xQueue->item_size );
    }
    return result;
}

BaseType_t xQueueReceive( QueueHandle_t xQueue, void * const pvBuffer, TickType_t xTicksToWait ) { return queue_receive( xQueue, pvBuffer, xTicksToWait, 0 ); }
BaseType_t xQueuePeek( QueueHandle_t xQueue, void * const pvBuffer, TickType_t xTicksToWait ) { return queue_receive( xQueue, pvBuffer, xTicksToWait, 1 ); }
BaseType_t xQueueSemaphoreTake( QueueHandle_t xQueue, TickType_t xTicksToWait ) { return queue_receive( xQueue, NULL, xTicksToWait, 0 ); }
BaseType_t xQueueTakeMutexRecursive( QueueHandle_t xMutex, TickType_t xTicksToWait ) { return queue_receive( xMutex, NULL, xTicksToWait, 0 ); }
BaseType_t xQueueGiveMutexRecursive( QueueHandle_t xMutex ) { return xQueueGenericSend( xMutex, NULL, 0, queueSEND_TO_BACK ); }

BaseType_t xQueueReceiveFromISR( QueueHandle_t xQueue, void * const pvBuffer, BaseType_t * const pxHigherPriorityTaskWoken )
{
    if( pxHigherPriorityTaskWoken ) *pxHigherPriorityTaskWoken = pdFALSE;
    return queue_receive( xQueue, pvBuffer, 0, 0 );
}

BaseType_t xQueuePeekFromISR( QueueHandle_t xQueue, void * const pvBuffer ) { return queue_receive( xQueue, pvBuffer, 0, 1 ); }

UBaseType_t uxQueueMessagesWaiting( const QueueHandle_t xQueue ) { return ( UBaseType_t ) tcpsim_call1( TCPSIM_OP_QUEUE_COUNT, xQueue->id ); }
UBaseType_t uxQueueMessagesWaitingFromISR( const QueueHandle_t xQueue ) { return uxQueueMessagesWaiting( xQueue ); }

UBaseType_t uxQueueSpacesAvailable( const QueueHandle_t xQueue )
{
    int64_t spaces = 0;
    tcpsim_call( TCPSIM_OP_QUEUE_COUNT, xQueue->id, 0, 0, 0, 0, NULL, 0, &spaces );
    return ( UBaseType_t ) spaces;
}

BaseType_t xQueueIsQueueEmptyFromISR( const QueueHandle_t xQueue ) { return uxQueueMessagesWaiting( xQueue ) == 0; }
BaseType_t xQueueIsQueueFullFromISR( const QueueHandle_t xQueue ) { return uxQueueSpacesAvailable( xQueue ) == 0; }

TaskHandle_t xQueueGetMutexHolder( QueueHandle_t xSemaphore )
{
    int64_t holder = tcpsim_call1( TCPSIM_OP_MUTEX_HOLDER, xSemaphore->id );
    return holder ? HANDLE( tcpsim_task_by_id( ( int32_t ) ( holder - 1 ) ) ) : NULL;
}

TaskHandle_t xQueueGetMutexHolderFromISR( QueueHandle_t xSemaphore ) { return xQueueGetMutexHolder( xSemaphore ); }
void vQueueAddToRegistry( QueueHandle_t xQueue, const char * pcQueueName ) { if( xQueue ) xQueue->name = pcQueueName; }
void vQueueUnregisterQueue( QueueHandle_t xQueue ) { if( xQueue ) xQueue->name = NULL; }
const char * pcQueueGetName( QueueHandle_t xQueue ) { return xQueue ? xQueue->name : NULL; }

QueueSetHandle_t xQueueCreateSet( const UBaseType_t uxEventQueueLength )
{
    ( void ) uxEventQueueLength;
    tcpsim_fault( TCPSIM_FAULT_UNSUPPORTED, "queue sets (xQueueCreateSet()) are not modelled by tcpsim" );
}

BaseType_t xQueueAddToSet( QueueSetMemberHandle_t xQueueOrSemaphore, QueueSetHandle_t xQueueSet ) { ( void ) xQueueOrSemaphore; ( void ) xQueueSet; return pdFAIL; }
BaseType_t xQueueRemoveFromSet( QueueSetMemberHandle_t xQueueOrSemaphore, QueueSetHandle_t xQueueSet ) { ( void ) xQueueOrSemaphore; ( void ) xQueueSet; return pdFAIL; }
QueueSetMemberHandle_t xQueueSelectFromSet( QueueSetHandle_t xQueueSet, const TickType_t xTicksToWait ) { ( void ) xQueueSet; ( void ) xTicksToWait; return NULL; }
QueueSetMemberHandle_t xQueueSelectFromSetFromISR( QueueSetHandle_t xQueueSet ) { ( void ) xQueueSet; return NULL; }

/* ---- Event groups --------------------------------------------------------------------------------- */

struct EventGroupDef_t
{
    int64_t id;
};

EventGroupHandle_t xEventGroupCreate( void )
{
    struct EventGroupDef_t * group = calloc( 1, sizeof( *group ) );
    if( group ) group->id = tcpsim_call0( TCPSIM_OP_EVENT_CREATE );
    return group;
}

EventGroupHandle_t xEventGroupCreateStatic( StaticEventGroup_t * pxEventGroupBuffer ) { ( void ) pxEventGroupBuffer; return xEventGroupCreate(); }

void vEventGroupDelete( EventGroupHandle_t xEventGroup )
{
    if( !xEventGroup ) return;
    tcpsim_call1( TCPSIM_OP_EVENT_DELETE, xEventGroup->id );
    free( xEventGroup );
}

EventBits_t xEventGroupWaitBits( EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToWaitFor, const BaseType_t xClearOnExit,
                                 const BaseType_t xWaitForAllBits, TickType_t xTicksToWait )
{
    return ( EventBits_t ) tcpsim_call( TCPSIM_OP_EVENT_WAIT, xEventGroup->id, uxBitsToWaitFor, xClearOnExit != pdFALSE,
                                        xWaitForAllBits != pdFALSE, xTicksToWait, NULL, 0, NULL );
}

EventBits_t xEventGroupSetBits( EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToSet )
{
    return ( EventBits_t ) tcpsim_call2( TCPSIM_OP_EVENT_SET, xEventGroup->id, uxBitsToSet );
}

EventBits_t xEventGroupClearBits( EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToClear )
{
    return ( EventBits_t ) tcpsim_call2( TCPSIM_OP_EVENT_CLEAR, xEventGroup->id, uxBitsToClear );
}

EventBits_t xEventGroupSync( EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToSet, const EventBits_t uxBitsToWaitFor,
                             TickType_t xTicksToWait )
{
    return ( EventBits_t ) tcpsim_call( TCPSIM_OP_EVENT_SYNC, xEventGroup->id, uxBitsToSet, uxBitsToWaitFor, xTicksToWait, 0, NULL, 0, NULL );
}

BaseType_t xEventGroupSetBitsFromISR( EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToSet, BaseType_t * pxHigherPriorityTaskWoken )
{
    if( pxHigherPriorityTaskWoken ) *pxHigherPriorityTaskWoken = pdFALSE;
    xEventGroupSetBits( xEventGroup, uxBitsToSet );
    return pdPASS;
}

BaseType_t xEventGroupClearBitsFromISR( EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToClear )
{
    xEventGroupClearBits( xEventGroup, uxBitsToClear );
    return pdPASS;
}

EventBits_t xEventGroupGetBitsFromISR( EventGroupHandle_t xEventGroup ) { return xEventGroupClearBits( xEventGroup, 0 ); }

/* ---- Software timers: callbacks run in the timer task ------------------------------------------------ */

struct tmrTimerControl
{
    int64_t id;
    void * pvTimerID;
    TimerCallbackFunction_t callback;
    const char * name;
};

#define MAX_TIMERS 4096
static struct tmrTimerControl * timers_by_id[ MAX_TIMERS ];

TimerHandle_t xTimerCreate( const char * const pcTimerName, const TickType_t xTimerPeriodInTicks, const BaseType_t xAutoReload,
                            void * const pvTimerID, TimerCallbackFunction_t pxCallbackFunction )
{
    if( xTimerPeriodInTicks == 0 ) return NULL;
    struct tmrTimerControl * timer = calloc( 1, sizeof( *timer ) );
    if( !timer ) return NULL;
    timer->pvTimerID = pvTimerID;
    timer->callback = pxCallbackFunction;
    timer->name = pcTimerName;
    const char * name = pcTimerName ? pcTimerName : "";
    timer->id = tcpsim_call( TCPSIM_OP_TIMER_CREATE, xTimerPeriodInTicks, xAutoReload != pdFALSE, 0, 0, 0, name,
                             ( uint32_t ) strlen( name ), NULL );
    if( timer->id <= 0 || timer->id >= MAX_TIMERS )
    {
        free( timer );
        tcpsim_fault( TCPSIM_FAULT_UNSUPPORTED, "more than %d software timers", MAX_TIMERS - 1 );
    }
    timers_by_id[ timer->id ] = timer;
    return timer;
}

TimerHandle_t xTimerCreateStatic( const char * const pcTimerName, const TickType_t xTimerPeriodInTicks, const BaseType_t xAutoReload,
                                  void * const pvTimerID, TimerCallbackFunction_t pxCallbackFunction, StaticTimer_t * pxTimerBuffer )
{
    ( void ) pxTimerBuffer;
    return xTimerCreate( pcTimerName, xTimerPeriodInTicks, xAutoReload, pvTimerID, pxCallbackFunction );
}

BaseType_t xTimerGenericCommand( TimerHandle_t xTimer, const BaseType_t xCommandID, const TickType_t xOptionalValue,
                                 BaseType_t * const pxHigherPriorityTaskWoken, const TickType_t xTicksToWait )
{
    ( void ) xTicksToWait;
    if( pxHigherPriorityTaskWoken ) *pxHigherPriorityTaskWoken = pdFALSE;
    if( !xTimer ) return pdFAIL;
    BaseType_t command = xCommandID >= tmrFIRST_FROM_ISR_COMMAND ? xCommandID - tmrFIRST_FROM_ISR_COMMAND + tmrCOMMAND_START : xCommandID;
    int64_t operation = 0;
    switch( command )
    {
        case tmrCOMMAND_START:
        case tmrCOMMAND_START_DONT_TRACE: operation = 1; break;
        case tmrCOMMAND_RESET: operation = 3; break;
        case tmrCOMMAND_STOP: operation = 2; break;
        case tmrCOMMAND_CHANGE_PERIOD: operation = 4; break;
        case tmrCOMMAND_DELETE: operation = 5; break;
        default: return pdFAIL;
    }
    BaseType_t result = ( BaseType_t ) tcpsim_call3( TCPSIM_OP_TIMER_COMMAND, xTimer->id, operation, xOptionalValue );
    if( operation == 5 )
    {
        timers_by_id[ xTimer->id ] = NULL;
        free( xTimer );
    }
    return result;
}

void * pvTimerGetTimerID( const TimerHandle_t xTimer ) { return xTimer->pvTimerID; }
void vTimerSetTimerID( TimerHandle_t xTimer, void * pvNewID ) { xTimer->pvTimerID = pvNewID; }
const char * pcTimerGetName( TimerHandle_t xTimer ) { return xTimer->name; }
BaseType_t xTimerIsTimerActive( TimerHandle_t xTimer ) { return ( BaseType_t ) tcpsim_call1( TCPSIM_OP_TIMER_QUERY, xTimer->id ); }

TickType_t xTimerGetExpiryTime( TimerHandle_t xTimer )
{
    int64_t expiry = 0;
    tcpsim_call( TCPSIM_OP_TIMER_QUERY, xTimer->id, 0, 0, 0, 0, NULL, 0, &expiry );
    return ( TickType_t ) expiry;
}

TickType_t xTimerGetPeriod( TimerHandle_t xTimer ) { return ( TickType_t ) tcpsim_call2( TCPSIM_OP_TIMER_QUERY, xTimer->id, 1 ); }

BaseType_t xTimerGetReloadMode( TimerHandle_t xTimer )
{
    int64_t reload = 0;
    tcpsim_call( TCPSIM_OP_TIMER_QUERY, xTimer->id, 1, 0, 0, 0, NULL, 0, &reload );
    return reload ? pdTRUE : pdFALSE;
}

UBaseType_t uxTimerGetReloadMode( TimerHandle_t xTimer ) { return ( UBaseType_t ) xTimerGetReloadMode( xTimer ); }
void vTimerSetReloadMode( TimerHandle_t xTimer, const BaseType_t xAutoReload ) { tcpsim_call3( TCPSIM_OP_TIMER_COMMAND, xTimer->id, 6, xAutoReload != pdFALSE ); }
TaskHandle_t xTimerGetTimerDaemonTaskHandle( void ) { return xTaskGetHandle( "Tmr Svc" ); }

BaseType_t xTimerPendFunctionCall( PendedFunction_t xFunctionToPend, void * pvParameter1, uint32_t ulParameter2, TickType_t xTicksToWait )
{
    ( void ) xFunctionToPend;
    ( void ) pvParameter1;
    ( void ) ulParameter2;
    ( void ) xTicksToWait;
    tcpsim_fault( TCPSIM_FAULT_UNSUPPORTED, "xTimerPendFunctionCall() is not modelled by tcpsim" );
}

BaseType_t xTimerPendFunctionCallFromISR( PendedFunction_t xFunctionToPend, void * pvParameter1, uint32_t ulParameter2,
                                          BaseType_t * pxHigherPriorityTaskWoken )
{
    ( void ) pxHigherPriorityTaskWoken;
    return xTimerPendFunctionCall( xFunctionToPend, pvParameter1, ulParameter2, 0 );
}

void tcpsim_timer_task( void * unused )
{
    ( void ) unused;
#if ( configUSE_DAEMON_TASK_STARTUP_HOOK == 1 )
    vApplicationDaemonTaskStartupHook();
#endif
    for( ;; )
    {
        int64_t id = tcpsim_call0( TCPSIM_OP_TIMER_WAIT );
        struct tmrTimerControl * timer = id > 0 && id < MAX_TIMERS ? timers_by_id[ id ] : NULL;
        if( timer && timer->callback ) timer->callback( timer );
    }
}
