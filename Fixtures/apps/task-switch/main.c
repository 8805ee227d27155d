/* Task-switch benchmark: two tasks of equal priority hand a turn back and forth with two binary semaphores,
 * SWITCH_ROUNDS times (each round is two task switches), then print "switches: N" and block for ever. */
#include <stdio.h>

#include "FreeRTOS.h"
#include "task.h"
#include "semphr.h"

#ifndef SWITCH_ROUNDS
    #define SWITCH_ROUNDS 50000
#endif

static SemaphoreHandle_t xPing, xPong;

static void prvPing( void * pvParameters )
{
    ( void ) pvParameters;
    for( long lRound = 0; lRound < SWITCH_ROUNDS; lRound++ )
    {
        xSemaphoreGive( xPong );
        xSemaphoreTake( xPing, portMAX_DELAY );
    }
    printf( "switches: %ld\n", 2L * SWITCH_ROUNDS );
    for( ;; )
    {
        vTaskDelay( portMAX_DELAY );
    }
}

static void prvPong( void * pvParameters )
{
    ( void ) pvParameters;
    for( ;; )
    {
        xSemaphoreTake( xPong, portMAX_DELAY );
        xSemaphoreGive( xPing );
    }
}

int main( void )
{
    xPing = xSemaphoreCreateBinary();
    xPong = xSemaphoreCreateBinary();
    xTaskCreate( prvPing, "Ping", configMINIMAL_STACK_SIZE, NULL, tskIDLE_PRIORITY + 1, NULL );
    xTaskCreate( prvPong, "Pong", configMINIMAL_STACK_SIZE, NULL, tskIDLE_PRIORITY + 1, NULL );
    vTaskStartScheduler();
    for( ;; )
    {
    }
}
