/* kernel-api: what the test files share. */
#ifndef KERNEL_API_H
#define KERNEL_API_H

#include "FreeRTOS.h"
#include "task.h"

/* The runner's priority; helper tasks are created above or below it to show preemption. */
#define RUNNER_PRIORITY    ( tskIDLE_PRIORITY + 2 )
#define HELPER_STACK       ( configMINIMAL_STACK_SIZE * 4 )

/* The tick count as a printable number. */
static inline unsigned uxNow( void )
{
    return ( unsigned ) xTaskGetTickCount();
}

/* main.c: creates a helper task that runs at uxPriority (HELPER_STACK words, no parameter). A helper above
 * the caller's priority runs at once, before this returns, as after xTaskCreate() in FreeRTOS. */
TaskHandle_t xCreateHelper( TaskFunction_t pxTaskCode, const char * pcName, UBaseType_t uxPriority );

/* tests_tasks.c */
void vTestDelay( void );
void vTestDelayUntil( void );
void vTestPreemption( void );
void vTestNotifications( void );
void vTestTaskLifecycle( void );
void vTestStaticCreation( void );

/* tests_sync.c */
void vTestQueues( void );
void vTestCountingSemaphore( void );
void vTestMutex( void );
void vTestRecursiveMutex( void );
void vTestEventGroups( void );
void vTestTimers( void );
void vTestMemoryAndCritical( void );

#endif /* KERNEL_API_H */
