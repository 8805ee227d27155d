/* kernel-api: queues, semaphores, mutexes, event groups, software timers, memory and critical sections. */
#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"
#include "queue.h"
#include "semphr.h"
#include "event_groups.h"
#include "timers.h"

#include "kernel_api.h"

/* ---- queue ------------------------------------------------------------------------------------------- */

typedef struct
{
    uint32_t ulId;
    char cName[ 12 ];
    int16_t sValue;
} Item_t;

static QueueHandle_t xItemQueue;

static void prvPrintItem( const char * pcWho, const Item_t * pxItem, BaseType_t xResult )
{
    printf( "queue: %s returned %d: id=%u name=%s value=%d at tick %u\n", pcWho, ( int ) xResult, ( unsigned ) pxItem->ulId,
            pxItem->cName, ( int ) pxItem->sValue, uxNow() );
}

static Item_t prvItem( uint32_t ulId, const char * pcName, int16_t sValue )
{
    Item_t xItem;

    memset( &xItem, 0, sizeof( xItem ) );
    xItem.ulId = ulId;
    snprintf( xItem.cName, sizeof( xItem.cName ), "%s", pcName );
    xItem.sValue = sValue;
    return xItem;
}

static void prvConsumerTask( void * pvParameters )
{
    Item_t xItem;

    ( void ) pvParameters;

    for( int i = 0; i < 2; i++ )
    {
        BaseType_t xResult = xQueueReceive( xItemQueue, &xItem, portMAX_DELAY );
        prvPrintItem( "consumer's receive", &xItem, xResult );
    }

    vTaskDelete( NULL );
}

void vTestQueues( void )
{
    Item_t xItem;

    xItemQueue = xQueueCreate( 3, sizeof( Item_t ) );
    configASSERT( xItemQueue != NULL );
    xItem = prvItem( 1, "first", -1 );
    BaseType_t x1 = xQueueSendToBack( xItemQueue, &xItem, 0 );
    xItem = prvItem( 2, "second", -2 );
    BaseType_t x2 = xQueueSendToBack( xItemQueue, &xItem, 0 );
    xItem = prvItem( 3, "third", -3 );
    BaseType_t x3 = xQueueSendToFront( xItemQueue, &xItem, 0 );
    xItem = prvItem( 4, "fourth", -4 );
    BaseType_t x4 = xQueueSend( xItemQueue, &xItem, 0 );
    printf( "queue: sends returned %d %d %d, to the full queue %d (errQUEUE_FULL is %d); waiting %u, spaces %u\n", ( int ) x1,
            ( int ) x2, ( int ) x3, ( int ) x4, ( int ) errQUEUE_FULL, ( unsigned ) uxQueueMessagesWaiting( xItemQueue ),
            ( unsigned ) uxQueueSpacesAvailable( xItemQueue ) );

    prvPrintItem( "peek", &xItem, xQueuePeek( xItemQueue, &xItem, 0 ) );

    for( int i = 0; i < 3; i++ )
    {
        prvPrintItem( "receive", &xItem, xQueueReceive( xItemQueue, &xItem, 0 ) );
    }

    TickType_t xStart = xTaskGetTickCount();
    BaseType_t xResult = xQueueReceive( xItemQueue, &xItem, 25 );
    printf( "queue: receive from the empty queue returned %d (pdFAIL is %d) after %u ticks, at tick %u\n", ( int ) xResult,
            ( int ) pdFAIL, ( unsigned ) ( xTaskGetTickCount() - xStart ), uxNow() );

    /* A consumer of higher priority waits; each send wakes it at once. */
    xCreateHelper( prvConsumerTask, "Consumer", RUNNER_PRIORITY + 1 );
    vTaskDelay( 5 );
    xItem = prvItem( 10, "ten", 10 );
    x1 = xQueueSend( xItemQueue, &xItem, 0 );
    xItem = prvItem( 11, "eleven", 11 );
    x2 = xQueueSend( xItemQueue, &xItem, 0 );
    printf( "queue: the runner's sends returned %d %d at tick %u\n", ( int ) x1, ( int ) x2, uxNow() );
    vQueueDelete( xItemQueue );
}

/* ---- counting ---------------------------------------------------------------------------------------- */

void vTestCountingSemaphore( void )
{
    SemaphoreHandle_t xCounting = xSemaphoreCreateCounting( 5, 2 );
    char cTakes[ 16 ] = "", cGives[ 32 ] = "";

    configASSERT( xCounting != NULL );
    unsigned uInitial = ( unsigned ) uxSemaphoreGetCount( xCounting );

    for( int i = 0; i < 3; i++ )
    {
        snprintf( cTakes + strlen( cTakes ), sizeof( cTakes ) - strlen( cTakes ), "%s%d", i ? " " : "",
                  ( int ) xSemaphoreTake( xCounting, 0 ) );
    }

    unsigned uAfterTakes = ( unsigned ) uxSemaphoreGetCount( xCounting );

    for( int i = 0; i < 6; i++ )
    {
        snprintf( cGives + strlen( cGives ), sizeof( cGives ) - strlen( cGives ), "%s%d", i ? " " : "",
                  ( int ) xSemaphoreGive( xCounting ) );
    }

    printf( "counting: initial count %u; takes returned %s (count %u); gives returned %s (count %u)\n", uInitial, cTakes,
            uAfterTakes, cGives, ( unsigned ) uxSemaphoreGetCount( xCounting ) );
    vSemaphoreDelete( xCounting );
}

/* ---- mutex, recursive -------------------------------------------------------------------------------- */

static SemaphoreHandle_t xMutex;

static const char * prvHolderName( SemaphoreHandle_t xSemaphore )
{
    TaskHandle_t xHolder = xSemaphoreGetMutexHolder( xSemaphore );

    return xHolder != NULL ? pcTaskGetName( xHolder ) : "none";
}

static void prvMutexWaiterTask( void * pvParameters )
{
    ( void ) pvParameters;
    printf( "mutex: waiter (priority %u) tries to take the mutex held by \"%s\" at tick %u\n",
            ( unsigned ) uxTaskPriorityGet( NULL ), prvHolderName( xMutex ), uxNow() );
    BaseType_t xTaken = xSemaphoreTake( xMutex, 10 );
    printf( "mutex: waiter's take returned %d at tick %u\n", ( int ) xTaken, uxNow() );
    vTaskDelete( NULL );
}

void vTestMutex( void )
{
    xMutex = xSemaphoreCreateMutex();
    configASSERT( xMutex != NULL );
    printf( "mutex: holder before the take: %s\n", prvHolderName( xMutex ) );
    BaseType_t xTaken = xSemaphoreTake( xMutex, 0 );
    printf( "mutex: take returned %d, holder \"%s\"\n", ( int ) xTaken, prvHolderName( xMutex ) );
    xCreateHelper( prvMutexWaiterTask, "MutexWaiter", RUNNER_PRIORITY + 1 );
    printf( "mutex: runner's priority while the waiter blocks: %u\n", ( unsigned ) uxTaskPriorityGet( NULL ) );
    vTaskDelay( 20 );
    printf( "mutex: runner's priority at tick %u, after the waiter gave up: %u\n", uxNow(), ( unsigned ) uxTaskPriorityGet( NULL ) );
    BaseType_t xGiven = xSemaphoreGive( xMutex );
    printf( "mutex: give returned %d, holder %s\n", ( int ) xGiven, prvHolderName( xMutex ) );
    vSemaphoreDelete( xMutex );
}

static void prvRecursiveWaiterTask( void * pvParameters )
{
    ( void ) pvParameters;
    printf( "recursive: another task's take returned %d\n", ( int ) xSemaphoreTakeRecursive( xMutex, 0 ) );
    vTaskDelete( NULL );
}

void vTestRecursiveMutex( void )
{
    xMutex = xSemaphoreCreateRecursiveMutex();
    configASSERT( xMutex != NULL );
    BaseType_t x1 = xSemaphoreTakeRecursive( xMutex, 0 );
    BaseType_t x2 = xSemaphoreTakeRecursive( xMutex, 0 );
    BaseType_t x3 = xSemaphoreTakeRecursive( xMutex, 0 );
    printf( "recursive: three takes returned %d %d %d, holder \"%s\"\n", ( int ) x1, ( int ) x2, ( int ) x3, prvHolderName( xMutex ) );
    xCreateHelper( prvRecursiveWaiterTask, "RecWaiter", RUNNER_PRIORITY + 1 );
    x1 = xSemaphoreGiveRecursive( xMutex );
    x2 = xSemaphoreGiveRecursive( xMutex );
    printf( "recursive: two gives returned %d %d, holder still \"%s\"\n", ( int ) x1, ( int ) x2, prvHolderName( xMutex ) );
    x3 = xSemaphoreGiveRecursive( xMutex );
    BaseType_t x4 = xSemaphoreGiveRecursive( xMutex );
    printf( "recursive: third give returned %d, a fourth %d, holder %s\n", ( int ) x3, ( int ) x4, prvHolderName( xMutex ) );
    vSemaphoreDelete( xMutex );
}

/* ---- event ------------------------------------------------------------------------------------------- */

#define BIT_0    ( 1U << 0 )
#define BIT_1    ( 1U << 1 )
#define BIT_2    ( 1U << 2 )
#define BIT_3    ( 1U << 3 )

static EventGroupHandle_t xEvents;

static void prvEventWaiterTask( void * pvParameters )
{
    ( void ) pvParameters;
    printf( "event: waiter waits for BIT_0 | BIT_1 (all, clear on exit, 100 ticks) at tick %u\n", uxNow() );
    EventBits_t xBits = xEventGroupWaitBits( xEvents, BIT_0 | BIT_1, pdTRUE, pdTRUE, 100 );
    printf( "event: waiter's wait returned 0x%x at tick %u; bits now 0x%x\n", ( unsigned ) xBits, uxNow(),
            ( unsigned ) xEventGroupGetBits( xEvents ) );
    vTaskDelete( NULL );
}

void vTestEventGroups( void )
{
    xEvents = xEventGroupCreate();
    configASSERT( xEvents != NULL );
    xCreateHelper( prvEventWaiterTask, "EventWaiter", RUNNER_PRIORITY + 1 );
    vTaskDelay( 10 );
    printf( "event: set BIT_0 returned 0x%x at tick %u\n", ( unsigned ) xEventGroupSetBits( xEvents, BIT_0 ), uxNow() );
    vTaskDelay( 10 );
    printf( "event: setting BIT_1 at tick %u\n", uxNow() );
    printf( "event: set BIT_1 returned 0x%x\n", ( unsigned ) xEventGroupSetBits( xEvents, BIT_1 ) );

    xEventGroupSetBits( xEvents, BIT_3 );
    EventBits_t xBits = xEventGroupWaitBits( xEvents, BIT_2, pdFALSE, pdTRUE, 30 );
    printf( "event: wait for BIT_2 returned 0x%x (timed out) at tick %u\n", ( unsigned ) xBits, uxNow() );
    vEventGroupDelete( xEvents );
}

/* ---- timer ------------------------------------------------------------------------------------------- */

static void prvTimerCallback( TimerHandle_t xTimer )
{
    uintptr_t uxCount = ( uintptr_t ) pvTimerGetTimerID( xTimer ) + 1;

    vTimerSetTimerID( xTimer, ( void * ) uxCount );
    printf( "timer: \"%s\" fired (%u) at tick %u\n", pcTimerGetName( xTimer ), ( unsigned ) uxCount, uxNow() );

    if( ( xTimerGetReloadMode( xTimer ) != pdFALSE ) && ( uxCount == 3 ) )
    {
        printf( "timer: \"%s\" stopped, returned %d\n", pcTimerGetName( xTimer ), ( int ) xTimerStop( xTimer, 0 ) );
    }
}

void vTestTimers( void )
{
    TimerHandle_t xOneShot = xTimerCreate( "OneShot", 30, pdFALSE, NULL, prvTimerCallback );
    TimerHandle_t xReload = xTimerCreate( "Reload", 20, pdTRUE, NULL, prvTimerCallback );

    configASSERT( ( xOneShot != NULL ) && ( xReload != NULL ) );
    BaseType_t x1 = xTimerStart( xOneShot, 0 );
    BaseType_t x2 = xTimerStart( xReload, 0 );
    printf( "timer: starts returned %d %d at tick %u\n", ( int ) x1, ( int ) x2, uxNow() );
    vTaskDelay( 100 );
    printf( "timer: at tick %u one-shot active %d, auto-reload active %d\n", uxNow(), ( int ) xTimerIsTimerActive( xOneShot ),
            ( int ) xTimerIsTimerActive( xReload ) );
    xTimerDelete( xOneShot, 0 );
    xTimerDelete( xReload, 0 );
}

/* ---- memory, critical -------------------------------------------------------------------------------- */

void vTestMemoryAndCritical( void )
{
    static volatile uint32_t ulShared;
    uint8_t * pucBlock = pvPortMalloc( 100 );

    if( pucBlock != NULL )
    {
        memset( pucBlock, 0xA5, 100 );
    }

    printf( "memory: pvPortMalloc( 100 ) %s, first byte 0x%x\n", pucBlock != NULL ? "succeeded" : "returned NULL",
            pucBlock != NULL ? ( unsigned ) pucBlock[ 0 ] : 0U );
    vPortFree( pucBlock );

    taskENTER_CRITICAL();
    ulShared++;
    taskENTER_CRITICAL(); /* nests */
    ulShared++;
    taskEXIT_CRITICAL();
    taskEXIT_CRITICAL();
    printf( "critical: entered and left twice, counter %u, at tick %u\n", ( unsigned ) ulShared, uxNow() );
}
