/* The terminal server's start-up, as on the device: bring up the IP stack, start the scheduler, create the
 * server task when the network is up. */
#include "FreeRTOS.h"
#include "task.h"
#include "FreeRTOS_IP.h"
#include "FreeRTOS_Sockets.h"

#include "terminal_server.h"

static const uint8_t ucIPAddress[ 4 ] = { 192, 0, 2, 2 };
static const uint8_t ucNetMask[ 4 ] = { 255, 255, 255, 0 };
static const uint8_t ucGatewayAddress[ 4 ] = { 192, 0, 2, 1 };
static const uint8_t ucDNSServerAddress[ 4 ] = { 192, 0, 2, 1 };
static const uint8_t ucMACAddress[ 6 ] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

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
        vStartTerminalServer( tskIDLE_PRIORITY + 2 );
        xTasksAlreadyCreated = pdTRUE;
    }
}
