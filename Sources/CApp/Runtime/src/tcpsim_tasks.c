/* tcpsim: the FreeRTOS kernel API of the application, as requests to tcpsim, where tasks, queues, semaphores,
 * event groups and timers live and wait on the simulation's clock. Memory stays in the application. */
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

#define TASK(handle) ( ( struct tcpsim_task * ) ( handle ) )
#define HANDLE(task) ( ( TaskHandle_t ) ( task ) )

static int64_t task_argument( TaskHandle_t xTask )
{
    return xTask == NULL ? -1 : tcpsim_task_id( TASK( xTask ) );
}

/* ---- Memory ---------------------------------------------------------------------------------------- */

void * pvPortMalloc( size_t xWantedSize )
{
    void * pv = malloc( xWantedSize ? xWantedSize : 1 );
#if ( configUSE_MALLOC_FAILED_HOOK == 1 )
    if( pv == NULL ) vApplicationMallocFailedHook();
#endif
    return pv;
}

void vPortFree( void * pv ) { free( pv ); }
size_t xPortGetFreeHeapSize( void ) { return configTOTAL_HEAP_SIZE; }
size_t xPortGetMinimumEverFreeHeapSize( void ) { return configTOTAL_HEAP_SIZE; }
void vPortInitialiseBlocks( void ) {}

/* ---- Tasks ----------------------------------------------------------------------------------------- */

static long clamp_priority( UBaseType_t uxPriority )
{
    return uxPriority >= ( UBaseType_t ) configMAX_PRIORITIES ? configMAX_PRIORITIES - 1 : ( long ) uxPriority;
}

BaseType_t xTaskCreate( TaskFunction_t pxTaskCode, const char * const pcName, const configSTACK_DEPTH_TYPE uxStackDepth,
                        void * const pvParameters, UBaseType_t uxPriority, TaskHandle_t * const pxCreatedTask )
{
    struct tcpsim_task * task = tcpsim_task_create( pxTaskCode, pvParameters, pcName,
                                                    ( size_t ) uxStackDepth * sizeof( StackType_t ),
                                                    clamp_priority( uxPriority ), TCPSIM_TASK_APP );
    if( pxCreatedTask ) *pxCreatedTask = HANDLE( task );
    return task ? pdPASS : errCOULD_NOT_ALLOCATE_REQUIRED_MEMORY;
}

/* The buffers of the static tasks that exist. tcpsim runs each task on a stack of its own, so a task created on the
 * StaticTask_t or stack of a task that still exists runs here, while on a device the two would overwrite each other:
 * that is reported in the trace. */
struct static_task
{
    const void * tcb;
    const void * stack;
    struct tcpsim_task * task;
};
static struct static_task * static_tasks;
static size_t static_task_count, static_task_capacity;

static void static_task_check( const char * name, const void * tcb, const void * stack )
{
    for( size_t i = 0; i < static_task_count; i++ )
    {
        const struct static_task * other = &static_tasks[ i ];
        if( !( tcb && other->tcb == tcb ) && !( stack && other->stack == stack ) ) continue;
        fprintf( stderr, "tcpsim: xTaskCreateStatic( \"%s\" ) is given the %s of task \"%s\", which still exists: on a device "
                         "the two tasks would corrupt each other (tcpsim gives each its own)\n",
                 name ? name : "", tcb && other->tcb == tcb ? ( stack && other->stack == stack ? "StaticTask_t and stack" : "StaticTask_t" ) : "stack",
                 tcpsim_task_name( other->task ) );
        return;
    }
}

static void static_task_add( struct tcpsim_task * task, const void * tcb, const void * stack )
{
    if( static_task_count == static_task_capacity )
    {
        size_t capacity = static_task_capacity ? 2 * static_task_capacity : 16;
        struct static_task * grown = realloc( static_tasks, capacity * sizeof( *grown ) );
        if( !grown ) return;
        static_tasks = grown;
        static_task_capacity = capacity;
    }
    static_tasks[ static_task_count++ ] = ( struct static_task ) { tcb, stack, task };
}

static void static_task_remove( const struct tcpsim_task * task )
{
    for( size_t i = 0; i < static_task_count; i++ )
        if( static_tasks[ i ].task == task ) static_tasks[ i-- ] = static_tasks[ --static_task_count ];
}

TaskHandle_t xTaskCreateStatic( TaskFunction_t pxTaskCode, const char * const pcName, const configSTACK_DEPTH_TYPE uxStackDepth,
                                void * const pvParameters, UBaseType_t uxPriority, StackType_t * const puxStackBuffer,
                                StaticTask_t * const pxTaskBuffer )
{
    /* The task runs on a stack of tcpsim's (with a guard page): a 64-bit host needs more than the device. */
    static_task_check( pcName, pxTaskBuffer, puxStackBuffer );
    struct tcpsim_task * task = tcpsim_task_create( pxTaskCode, pvParameters, pcName, ( size_t ) uxStackDepth * sizeof( StackType_t ),
                                                    clamp_priority( uxPriority ), TCPSIM_TASK_APP );
    if( task ) static_task_add( task, pxTaskBuffer, puxStackBuffer );
    return HANDLE( task );
}

void vTaskDelete( TaskHandle_t xTaskToDelete )
{
    struct tcpsim_task * task = xTaskToDelete ? TASK( xTaskToDelete ) : tcpsim_current_task();
    static_task_remove( task );
    if( task == tcpsim_current_task() )
    {
        tcpsim_task_forget( task ); /* freed by the next task to run */
        tcpsim_call1( TCPSIM_OP_TASK_DELETE, -1 );
        tcpsim_fault( TCPSIM_FAULT_UNSUPPORTED, "a deleted task ran again" );
    }
    tcpsim_call1( TCPSIM_OP_TASK_DELETE, tcpsim_task_id( task ) );
    tcpsim_task_forget( task );
}

void vTaskDelay( const TickType_t xTicksToDelay ) { tcpsim_call1( TCPSIM_OP_DELAY, xTicksToDelay ); }

BaseType_t xTaskDelayUntil( TickType_t * const pxPreviousWakeTime, const TickType_t xTimeIncrement )
{
    int64_t waited = 0;
    int64_t wake = tcpsim_call( TCPSIM_OP_DELAY_UNTIL, *pxPreviousWakeTime, xTimeIncrement, 0, 0, 0, NULL, 0, &waited );
    *pxPreviousWakeTime = ( TickType_t ) wake;
    return waited ? pdTRUE : pdFALSE;
}

BaseType_t xTaskAbortDelay( TaskHandle_t xTask )
{
    ( void ) xTask;
    tcpsim_fault( TCPSIM_FAULT_UNSUPPORTED, "xTaskAbortDelay() is not modelled by tcpsim" );
}

UBaseType_t uxTaskPriorityGet( const TaskHandle_t xTask ) { return ( UBaseType_t ) tcpsim_call1( TCPSIM_OP_PRIORITY_GET, task_argument( xTask ) ); }
UBaseType_t uxTaskPriorityGetFromISR( const TaskHandle_t xTask ) { return uxTaskPriorityGet( xTask ); }
void vTaskPrioritySet( TaskHandle_t xTask, UBaseType_t uxNewPriority ) { tcpsim_call2( TCPSIM_OP_PRIORITY_SET, task_argument( xTask ), clamp_priority( uxNewPriority ) ); }
eTaskState eTaskGetState( TaskHandle_t xTask ) { return ( eTaskState ) tcpsim_call1( TCPSIM_OP_TASK_STATE, task_argument( xTask ) ); }
void vTaskSuspend( TaskHandle_t xTaskToSuspend ) { tcpsim_call1( TCPSIM_OP_SUSPEND, task_argument( xTaskToSuspend ) ); }
void vTaskResume( TaskHandle_t xTaskToResume ) { if( xTaskToResume ) tcpsim_call1( TCPSIM_OP_RESUME, task_argument( xTaskToResume ) ); }
BaseType_t xTaskResumeFromISR( TaskHandle_t xTaskToResume ) { vTaskResume( xTaskToResume ); return pdFALSE; }

void vTaskGetInfo( TaskHandle_t xTask, TaskStatus_t * pxTaskStatus, BaseType_t xGetFreeStackSpace, eTaskState eState )
{
    ( void ) xGetFreeStackSpace;
    struct tcpsim_task * task = xTask ? TASK( xTask ) : tcpsim_current_task();
    memset( pxTaskStatus, 0, sizeof( *pxTaskStatus ) );
    pxTaskStatus->xHandle = HANDLE( task );
    pxTaskStatus->pcTaskName = tcpsim_task_name( task );
    pxTaskStatus->xTaskNumber = ( UBaseType_t ) tcpsim_task_id( task );
    pxTaskStatus->eCurrentState = eState == eInvalid ? eTaskGetState( HANDLE( task ) ) : eState;
    pxTaskStatus->uxCurrentPriority = uxTaskPriorityGet( HANDLE( task ) );
    pxTaskStatus->uxBasePriority = pxTaskStatus->uxCurrentPriority;
}

static void start_internal_tasks( void )
{
    tcpsim_task_create( tcpsim_ip_task, NULL, "IP-task", 64 * 1024, clamp_priority( ipconfigIP_TASK_PRIORITY ), TCPSIM_TASK_IP );
#if ( configUSE_TIMERS == 1 )
    tcpsim_task_create( tcpsim_timer_task, NULL, "Tmr Svc", 64 * 1024, clamp_priority( configTIMER_TASK_PRIORITY ), TCPSIM_TASK_TIMER );
#endif
}

void vTaskStartScheduler( void )
{
    start_internal_tasks();
    tcpsim_call0( TCPSIM_OP_START_SCHEDULER );
    /* tcpsim never resumes main() once the scheduler runs. */
    tcpsim_fault( TCPSIM_FAULT_UNSUPPORTED, "main() resumed after vTaskStartScheduler()" );
}

void vTaskEndScheduler( void )
{
    tcpsim_call0( TCPSIM_OP_END_SCHEDULER );
    tcpsim_fault( TCPSIM_FAULT_UNSUPPORTED, "a task ran after vTaskEndScheduler()" );
}

/* One task runs at a time and only tcpsim switches: suspending the scheduler has nothing to hold back. */
void vTaskSuspendAll( void ) {}
BaseType_t xTaskResumeAll( void ) { return pdFALSE; }
BaseType_t xTaskGetSchedulerState( void ) { return tcpsim_current_task() == tcpsim_task_by_id( 0 ) ? taskSCHEDULER_NOT_STARTED : taskSCHEDULER_RUNNING; }

TickType_t xTaskGetTickCount( void ) { return ( TickType_t ) tcpsim_call0( TCPSIM_OP_TICK_COUNT ); }
TickType_t xTaskGetTickCountFromISR( void ) { return xTaskGetTickCount(); }
UBaseType_t uxTaskGetNumberOfTasks( void ) { return ( UBaseType_t ) tcpsim_call0( TCPSIM_OP_TASK_COUNT ); }
char * pcTaskGetName( TaskHandle_t xTaskToQuery ) { return ( char * ) tcpsim_task_name( xTaskToQuery ? TASK( xTaskToQuery ) : tcpsim_current_task() ); }
TaskHandle_t xTaskGetCurrentTaskHandle( void ) { return HANDLE( tcpsim_current_task() ); }
TaskHandle_t xTaskGetIdleTaskHandle( void ) { return NULL; }
UBaseType_t uxTaskGetStackHighWaterMark( TaskHandle_t xTask ) { ( void ) xTask; return configMINIMAL_STACK_SIZE; }
configSTACK_DEPTH_TYPE uxTaskGetStackHighWaterMark2( TaskHandle_t xTask ) { ( void ) xTask; return configMINIMAL_STACK_SIZE; }

TaskHandle_t xTaskGetHandle( const char * pcNameToQuery )
{
    for( int32_t id = 1; id < 4096; id++ )
    {
        struct tcpsim_task * task = tcpsim_task_by_id( id );
        if( task && strcmp( tcpsim_task_name( task ), pcNameToQuery ) == 0 ) return HANDLE( task );
    }
    return NULL;
}

UBaseType_t uxTaskGetSystemState( TaskStatus_t * const pxTaskStatusArray, const UBaseType_t uxArraySize,
                                  configRUN_TIME_COUNTER_TYPE * const pulTotalRunTime )
{
    UBaseType_t count = 0;
    for( int32_t id = 1; id < 4096 && count < uxArraySize; id++ )
    {
        struct tcpsim_task * task = tcpsim_task_by_id( id );
        if( task ) vTaskGetInfo( HANDLE( task ), &pxTaskStatusArray[ count++ ], pdFALSE, eInvalid );
    }
    if( pulTotalRunTime ) *pulTotalRunTime = 0;
    return count;
}

void vTaskListTasks( char * pcWriteBuffer, size_t uxBufferLength )
{
    size_t used = 0;
    if( uxBufferLength ) pcWriteBuffer[ 0 ] = '\0';
    for( int32_t id = 1; id < 4096; id++ )
    {
        struct tcpsim_task * task = tcpsim_task_by_id( id );
        if( !task || used >= uxBufferLength ) continue;
        int n = snprintf( pcWriteBuffer + used, uxBufferLength - used, "%-16s %d\t%lu\n", tcpsim_task_name( task ),
                          ( int ) eTaskGetState( HANDLE( task ) ), ( unsigned long ) uxTaskPriorityGet( HANDLE( task ) ) );
        if( n > 0 ) used += ( size_t ) n;
    }
}

void vTcpsimYield( void ) { tcpsim_call0( TCPSIM_OP_YIELD ); }

void vTaskSetTimeOutState( TimeOut_t * const pxTimeOut )
{
    memset( pxTimeOut, 0, sizeof( *pxTimeOut ) );
    pxTimeOut->xTimeOnEntering = xTaskGetTickCount();
}

BaseType_t xTaskCheckForTimeOut( TimeOut_t * const pxTimeOut, TickType_t * const pxTicksToWait )
{
    if( *pxTicksToWait == portMAX_DELAY ) return pdFALSE;
    TickType_t now = xTaskGetTickCount();
    TickType_t elapsed = now - pxTimeOut->xTimeOnEntering;
    if( elapsed < *pxTicksToWait )
    {
        *pxTicksToWait -= elapsed;
        vTaskSetTimeOutState( pxTimeOut );
        return pdFALSE;
    }
    *pxTicksToWait = 0;
    return pdTRUE;
}

/* ---- Task notifications (index 0) ---------------------------------------------------------------- */

BaseType_t xTaskGenericNotify( TaskHandle_t xTaskToNotify, UBaseType_t uxIndexToNotify, uint32_t ulValue,
                               eNotifyAction eAction, uint32_t * pulPreviousNotificationValue )
{
    int64_t previous = 0;
    int64_t result = tcpsim_call( TCPSIM_OP_NOTIFY, task_argument( xTaskToNotify ), ulValue, eAction,
                                  ( int64_t ) uxIndexToNotify, 0, NULL, 0, &previous );
    if( pulPreviousNotificationValue ) *pulPreviousNotificationValue = ( uint32_t ) previous;
    return ( BaseType_t ) result;
}

BaseType_t xTaskGenericNotifyFromISR( TaskHandle_t xTaskToNotify, UBaseType_t uxIndexToNotify, uint32_t ulValue,
                                      eNotifyAction eAction, uint32_t * pulPreviousNotificationValue,
                                      BaseType_t * pxHigherPriorityTaskWoken )
{
    if( pxHigherPriorityTaskWoken ) *pxHigherPriorityTaskWoken = pdFALSE;
    return xTaskGenericNotify( xTaskToNotify, uxIndexToNotify, ulValue, eAction, pulPreviousNotificationValue );
}

BaseType_t xTaskGenericNotifyWait( UBaseType_t uxIndexToWaitOn, uint32_t ulBitsToClearOnEntry, uint32_t ulBitsToClearOnExit,
                                   uint32_t * pulNotificationValue, TickType_t xTicksToWait )
{
    int64_t value = 0;
    int64_t result = tcpsim_call( TCPSIM_OP_NOTIFY_WAIT, ulBitsToClearOnEntry, ulBitsToClearOnExit, xTicksToWait,
                                  ( int64_t ) uxIndexToWaitOn, 0, NULL, 0, &value );
    if( pulNotificationValue ) *pulNotificationValue = ( uint32_t ) value;
    return ( BaseType_t ) result;
}

void vTaskGenericNotifyGiveFromISR( TaskHandle_t xTaskToNotify, UBaseType_t uxIndexToNotify, BaseType_t * pxHigherPriorityTaskWoken )
{
    if( pxHigherPriorityTaskWoken ) *pxHigherPriorityTaskWoken = pdFALSE;
    xTaskGenericNotify( xTaskToNotify, uxIndexToNotify, 0, eIncrement, NULL );
}

uint32_t ulTaskGenericNotifyTake( UBaseType_t uxIndexToWaitOn, BaseType_t xClearCountOnExit, TickType_t xTicksToWait )
{
    return ( uint32_t ) tcpsim_call3( TCPSIM_OP_NOTIFY_TAKE, xClearCountOnExit, xTicksToWait, ( int64_t ) uxIndexToWaitOn );
}

BaseType_t xTaskGenericNotifyStateClear( TaskHandle_t xTask, UBaseType_t uxIndexToClear )
{
    ( void ) xTask;
    ( void ) uxIndexToClear;
    tcpsim_fault( TCPSIM_FAULT_UNSUPPORTED, "xTaskNotifyStateClear() is not modelled by tcpsim" );
}

uint32_t ulTaskGenericNotifyValueClear( TaskHandle_t xTask, UBaseType_t uxIndexToClear, uint32_t ulBitsToClear )
{
    ( void ) xTask;
    ( void ) uxIndexToClear;
    ( void ) ulBitsToClear;
    tcpsim_fault( TCPSIM_FAULT_UNSUPPORTED, "ulTaskNotifyValueClear() is not modelled by tcpsim" );
}
