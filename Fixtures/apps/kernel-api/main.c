/* kernel-api: exercises the FreeRTOS kernel API and prints what each call returned, with the tick count, so
 * that a test can compare the trace's `app: [Task] line` lines and their virtual times with what FreeRTOS
 * does (1 ms tick). expected.txt holds the lines FreeRTOS would print, at their ticks.
 *
 * One task, "Runner" (priority 2), runs the tests one after the other; helper tasks are created above or
 * below its priority where a test needs another task:
 *   delay            vTaskDelay( 100 ) and xTaskGetTickCount() before and after
 *   delay-until      a vTaskDelayUntil() loop with a period of 50 ticks (3 iterations), then a late call
 *   preempt          a priority-4 task blocked on a binary semaphore runs as soon as the runner gives it
 *   queue            items of a struct type, send to back and front, a full queue, peek, a receive that
 *                    times out, a higher-priority consumer woken by each send
 *   counting         a counting semaphore (max 5, initially 2): takes and gives at the limits
 *   mutex            take/give, the holder, a higher-priority task timing out on it, priority inheritance
 *   recursive        a recursive mutex taken three times, refused to another task, given back three times
 *   event            wait for all of two bits (set from another task), a wait that times out
 *   timer            a one-shot and an auto-reload software timer; the callbacks print the tick
 *   notify           xTaskNotifyGive()/ulTaskNotifyTake(), xTaskNotify( eSetBits )/xTaskNotifyWait()
 *   tasks            uxTaskGetNumberOfTasks(), pcTaskGetName(), eTaskGetState(), vTaskDelete() of another
 *                    task and of itself
 *   static           xTaskCreateStatic(), xSemaphoreCreateBinaryStatic(), xQueueCreateStatic()
 *   memory/critical  pvPortMalloc()/vPortFree(), taskENTER_CRITICAL()/taskEXIT_CRITICAL()
 * The last line is `kernel-api: done`; the runner then blocks for ever.
 *
 * Build and run (from Fixtures/apps/kernel-api):
 *   tcpsim cc -o /tmp/kernel-api main.c tests_tasks.c tests_sync.c
 *   tcpsim run check.pkt --c-app /tmp/kernel-api --trace /tmp/kernel-api.trace
 * -DDIRECT_HIGHER_PRIORITY_CREATE creates the helpers that preempt the runner directly at their priority (see
 * xCreateHelper()).
 */
#include <stdio.h>

#include "FreeRTOS.h"
#include "task.h"
#include "FreeRTOS_IP.h"

#include "kernel_api.h"

static const uint8_t ucIPAddress[ 4 ] = { 192, 0, 2, 2 };
static const uint8_t ucNetMask[ 4 ] = { 255, 255, 255, 0 };
static const uint8_t ucGatewayAddress[ 4 ] = { 192, 0, 2, 1 };
static const uint8_t ucDNSServerAddress[ 4 ] = { 192, 0, 2, 1 };
static const uint8_t ucMACAddress[ 6 ] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

TaskHandle_t xCreateHelper( TaskFunction_t pxTaskCode, const char * pcName, UBaseType_t uxPriority )
{
    TaskHandle_t xHandle = NULL;

#ifdef DIRECT_HIGHER_PRIORITY_CREATE
    xTaskCreate( pxTaskCode, pcName, HELPER_STACK, NULL, uxPriority, &xHandle );
#else
    /* tcpsim: xTaskCreate() of a task above the creator's priority stops the run ("tcpsim resumed unknown task
     * N": tcpsim switches to the new task before the runtime has registered it). Until that is fixed the helper
     * is created at the caller's priority and raised: FreeRTOS switches to it at the same point, with the same
     * output. */
    UBaseType_t uxOwn = uxTaskPriorityGet( NULL );

    xTaskCreate( pxTaskCode, pcName, HELPER_STACK, NULL, uxPriority > uxOwn ? uxOwn : uxPriority, &xHandle );

    if( ( xHandle != NULL ) && ( uxPriority > uxOwn ) )
    {
        vTaskPrioritySet( xHandle, uxPriority );
    }
#endif
    return xHandle;
}

static void prvRunnerTask( void * pvParameters )
{
    ( void ) pvParameters;

    printf( "kernel-api: start at tick %u, %u tasks, running \"%s\" at priority %u\n", uxNow(),
            ( unsigned ) uxTaskGetNumberOfTasks(), pcTaskGetName( NULL ), ( unsigned ) uxTaskPriorityGet( NULL ) );

    vTestDelay();
    vTestDelayUntil();
    vTestPreemption();
    vTestQueues();
    vTestCountingSemaphore();
    vTestMutex();
    vTestRecursiveMutex();
    vTestEventGroups();
    vTestTimers();
    vTestNotifications();
    vTestTaskLifecycle();
    vTestStaticCreation();
    vTestMemoryAndCritical();

    printf( "kernel-api: done\n" );

    for( ;; )
    {
        vTaskDelay( portMAX_DELAY );
    }
}

int main( void )
{
    FreeRTOS_IPInit( ucIPAddress, ucNetMask, ucGatewayAddress, ucDNSServerAddress, ucMACAddress );
    vTaskStartScheduler();

    /* Only reached when the scheduler could not start. */
    for( ;; )
    {
    }
}

void vApplicationIPNetworkEventHook( eIPCallbackEvent_t eNetworkEvent )
{
    static BaseType_t xTasksAlreadyCreated = pdFALSE;

    if( ( eNetworkEvent == eNetworkUp ) && ( xTasksAlreadyCreated == pdFALSE ) )
    {
        xTaskCreate( prvRunnerTask, "Runner", HELPER_STACK, NULL, RUNNER_PRIORITY, NULL );
        xTasksAlreadyCreated = pdTRUE;
    }
}
