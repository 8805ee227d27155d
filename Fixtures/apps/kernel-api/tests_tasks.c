/* kernel-api: tasks, delays, preemption, task notifications, deletion and static creation. */
#include <stdio.h>

#include "FreeRTOS.h"
#include "task.h"
#include "queue.h"
#include "semphr.h"

#include "kernel_api.h"

/* ---- delay, delay-until ------------------------------------------------------------------------------ */

void vTestDelay( void )
{
    TickType_t xBefore = xTaskGetTickCount();

    vTaskDelay( 100 );
    printf( "delay: before=%u after=%u\n", ( unsigned ) xBefore, uxNow() );
}

void vTestDelayUntil( void )
{
    TickType_t xLastWake = xTaskGetTickCount();
    BaseType_t xDelayed;

    for( int i = 1; i <= 3; i++ )
    {
        xDelayed = xTaskDelayUntil( &xLastWake, 50 );
        printf( "delay-until: iteration %d woke at tick %u (returned %d)\n", i, uxNow(), ( int ) xDelayed );
        vTaskDelay( 10 ); /* some work: the period stays 50 ticks all the same */
    }

    /* A call made after its wake time has passed returns at once, with pdFALSE. */
    vTaskDelay( 50 );
    xDelayed = xTaskDelayUntil( &xLastWake, 50 );
    printf( "delay-until: late call at tick %u returned %d, previous wake time now %u\n", uxNow(), ( int ) xDelayed,
            ( unsigned ) xLastWake );
}

/* ---- preempt ----------------------------------------------------------------------------------------- */

static SemaphoreHandle_t xPreemptSemaphore;

static void prvHighTask( void * pvParameters )
{
    ( void ) pvParameters;
    printf( "preempt: high (priority %u) waits for the semaphore at tick %u\n", ( unsigned ) uxTaskPriorityGet( NULL ), uxNow() );
    BaseType_t xTaken = xSemaphoreTake( xPreemptSemaphore, portMAX_DELAY );
    printf( "preempt: high took the semaphore (returned %d) at tick %u\n", ( int ) xTaken, uxNow() );
    vTaskDelete( NULL );
}

void vTestPreemption( void )
{
    xPreemptSemaphore = xSemaphoreCreateBinary();
    configASSERT( xPreemptSemaphore != NULL );
    printf( "preempt: low (priority %u) creates high (priority 4)\n", ( unsigned ) uxTaskPriorityGet( NULL ) );
    xCreateHelper( prvHighTask, "High", RUNNER_PRIORITY + 2 );
    printf( "preempt: low gives the semaphore\n" );
    BaseType_t xGiven = xSemaphoreGive( xPreemptSemaphore );
    printf( "preempt: low continues after the give (returned %d) at tick %u\n", ( int ) xGiven, uxNow() );
    vSemaphoreDelete( xPreemptSemaphore );
}

/* ---- notify ------------------------------------------------------------------------------------------ */

static void prvNotifiedTask( void * pvParameters )
{
    uint32_t ulValue = 0;
    BaseType_t xResult;

    ( void ) pvParameters;
    vTaskDelay( 10 ); /* the runner notifies three times meanwhile */
    ulValue = ulTaskNotifyTake( pdTRUE, portMAX_DELAY );
    printf( "notify: ulTaskNotifyTake returned %u at tick %u\n", ( unsigned ) ulValue, uxNow() );
    ulValue = ulTaskNotifyTake( pdTRUE, 20 );
    printf( "notify: ulTaskNotifyTake with nothing pending returned %u at tick %u\n", ( unsigned ) ulValue, uxNow() );

    vTaskDelay( 20 ); /* the runner sets bits 0x1 and 0x4 meanwhile */
    xResult = xTaskNotifyWait( 0, 0xFFFFFFFFUL, &ulValue, 100 );
    printf( "notify: xTaskNotifyWait returned %d with value 0x%x at tick %u\n", ( int ) xResult, ( unsigned ) ulValue, uxNow() );
    xResult = xTaskNotifyWait( 0, 0, &ulValue, 10 );
    printf( "notify: xTaskNotifyWait with nothing pending returned %d with value 0x%x at tick %u\n", ( int ) xResult,
            ( unsigned ) ulValue, uxNow() );
    vTaskDelete( NULL );
}

void vTestNotifications( void )
{
    TaskHandle_t xNotified = NULL;

    xNotified = xCreateHelper( prvNotifiedTask, "Notified", RUNNER_PRIORITY + 1 );
    BaseType_t x1 = xTaskNotifyGive( xNotified );
    BaseType_t x2 = xTaskNotifyGive( xNotified );
    BaseType_t x3 = xTaskNotifyGive( xNotified );
    printf( "notify: three xTaskNotifyGive returned %d %d %d at tick %u\n", ( int ) x1, ( int ) x2, ( int ) x3, uxNow() );

    vTaskDelay( 40 );
    x1 = xTaskNotify( xNotified, 0x1, eSetBits );
    x2 = xTaskNotify( xNotified, 0x4, eSetBits );
    printf( "notify: xTaskNotify( eSetBits ) 0x1 and 0x4 returned %d %d at tick %u\n", ( int ) x1, ( int ) x2, uxNow() );
    vTaskDelay( 30 ); /* the notified task ends meanwhile */
}

/* ---- tasks ------------------------------------------------------------------------------------------- */

static void prvVictimTask( void * pvParameters )
{
    ( void ) pvParameters;
    printf( "tasks: \"%s\" runs at tick %u\n", pcTaskGetName( NULL ), uxNow() );

    for( ;; )
    {
        vTaskDelay( 1000 );
    }
}

static void prvSelfDeletingTask( void * pvParameters )
{
    ( void ) pvParameters;
    printf( "tasks: \"%s\" deletes itself at tick %u\n", pcTaskGetName( NULL ), uxNow() );
    vTaskDelete( NULL );
}

void vTestTaskLifecycle( void )
{
    TaskHandle_t xVictim = NULL;

    printf( "tasks: %u tasks at tick %u\n", ( unsigned ) uxTaskGetNumberOfTasks(), uxNow() );
    xTaskCreate( prvVictimTask, "Victim", HELPER_STACK, NULL, RUNNER_PRIORITY - 1, &xVictim );
    printf( "tasks: created \"%s\" (priority %u): %u tasks, its state %d\n", pcTaskGetName( xVictim ),
            ( unsigned ) uxTaskPriorityGet( xVictim ), ( unsigned ) uxTaskGetNumberOfTasks(), ( int ) eTaskGetState( xVictim ) );
    vTaskDelay( 5 );
    printf( "tasks: at tick %u the victim's state is %d\n", uxNow(), ( int ) eTaskGetState( xVictim ) );
    vTaskDelete( xVictim );
    printf( "tasks: deleted the victim: %u tasks\n", ( unsigned ) uxTaskGetNumberOfTasks() );

    xCreateHelper( prvSelfDeletingTask, "SelfDelete", RUNNER_PRIORITY + 1 );
    printf( "tasks: right after the self-deletion: %u tasks\n", ( unsigned ) uxTaskGetNumberOfTasks() );
    vTaskDelay( 1 ); /* the idle task runs and frees the deleted task */
    printf( "tasks: at tick %u, after the idle task ran: %u tasks\n", uxNow(), ( unsigned ) uxTaskGetNumberOfTasks() );
}

/* ---- static ------------------------------------------------------------------------------------------ */

#define STATIC_STACK_WORDS    ( configMINIMAL_STACK_SIZE * 4 )

static StackType_t uxStaticStack[ STATIC_STACK_WORDS ];
static StaticTask_t xStaticTaskBuffer;
static StaticSemaphore_t xStaticSemaphoreBuffer;
static StaticQueue_t xStaticQueueBuffer;
static uint8_t ucStaticQueueStorage[ 2 * sizeof( uint32_t ) ];
static SemaphoreHandle_t xStaticSemaphore;
static QueueHandle_t xStaticQueue;

static void prvStaticTask( void * pvParameters )
{
    uint32_t ulItem = 0;

    ( void ) pvParameters;
    printf( "static: \"%s\" waits for the static semaphore at tick %u\n", pcTaskGetName( NULL ), uxNow() );
    xSemaphoreTake( xStaticSemaphore, portMAX_DELAY );
    BaseType_t xReceived = xQueueReceive( xStaticQueue, &ulItem, 0 );
    printf( "static: \"%s\" received %u (returned %d) from the static queue at tick %u\n", pcTaskGetName( NULL ),
            ( unsigned ) ulItem, ( int ) xReceived, uxNow() );
    vTaskDelete( NULL );
}

void vTestStaticCreation( void )
{
    const uint32_t ulItem = 42;

    xStaticSemaphore = xSemaphoreCreateBinaryStatic( &xStaticSemaphoreBuffer );
    xStaticQueue = xQueueCreateStatic( 2, sizeof( uint32_t ), ucStaticQueueStorage, &xStaticQueueBuffer );
    printf( "static: semaphore %s, queue %s\n", xStaticSemaphore != NULL ? "created" : "NULL",
            xStaticQueue != NULL ? "created" : "NULL" );
#ifdef DIRECT_HIGHER_PRIORITY_CREATE
    TaskHandle_t xTask = xTaskCreateStatic( prvStaticTask, "Static", STATIC_STACK_WORDS, NULL, RUNNER_PRIORITY + 1,
                                            uxStaticStack, &xStaticTaskBuffer );
#else
    /* The tcpsim workaround of xCreateHelper(): created at the runner's priority, then raised. */
    TaskHandle_t xTask = xTaskCreateStatic( prvStaticTask, "Static", STATIC_STACK_WORDS, NULL, RUNNER_PRIORITY,
                                            uxStaticStack, &xStaticTaskBuffer );
    if( xTask != NULL )
    {
        vTaskPrioritySet( xTask, RUNNER_PRIORITY + 1 );
    }
#endif
    printf( "static: xTaskCreateStatic returned %s\n", xTask != NULL ? "a handle" : "NULL" );
    BaseType_t xSent = xQueueSend( xStaticQueue, &ulItem, 0 );
    BaseType_t xGiven = xSemaphoreGive( xStaticSemaphore );
    printf( "static: send returned %d, give returned %d at tick %u\n", ( int ) xSent, ( int ) xGiven, uxNow() );
}
