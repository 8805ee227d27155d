/* echo: a plain TCP echo server (RFC 862) on port 7, one task per client, for live tests with real Linux
 * clients (`tcpsim device --c-app`) and for benchmarks.
 *
 * The listener task accepts connections and starts a task for each one. A connection task receives into a
 * buffer of ECHO_BUFFER_SIZE bytes and sends every byte back, until FreeRTOS_recv() returns a negative value
 * (the client closed or the connection died) or FreeRTOS_send() refuses more; then it closes the FreeRTOS
 * way (FreeRTOS_shutdown(), FreeRTOS_recv() until it fails for at most SHUTDOWN_WAIT_MS,
 * FreeRTOS_closesocket()) and deletes itself. Each connection prints one line when it starts and one when it
 * ends, so a benchmark's output stays small.
 *
 * Build and check:
 *   tcpsim cc -o /tmp/echo Fixtures/apps/echo/main.c
 *   tcpsim run Fixtures/apps/echo/check.pkt --c-app /tmp/echo
 *   sudo tcpsim device --netns lab --c-app /tmp/echo      (then: ip netns exec lab nc 192.0.2.2 7)
 */
#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"
#include "FreeRTOS_IP.h"
#include "FreeRTOS_Sockets.h"

#define ECHO_PORT             7
#define ECHO_BACKLOG          8
#define ECHO_BUFFER_SIZE      ( ipconfigTCP_MSS * 4 )
#define RECEIVE_TIMEOUT_MS    5000
#define SEND_TIMEOUT_MS       5000
#define SHUTDOWN_WAIT_MS      5000
#define LISTENER_PRIORITY     ( tskIDLE_PRIORITY + 2 )
#define CONNECTION_PRIORITY   ( tskIDLE_PRIORITY + 1 )
#define CONNECTION_STACK      ( configMINIMAL_STACK_SIZE * 4 )

static const uint8_t ucIPAddress[ 4 ] = { 192, 0, 2, 2 };
static const uint8_t ucNetMask[ 4 ] = { 255, 255, 255, 0 };
static const uint8_t ucGatewayAddress[ 4 ] = { 192, 0, 2, 1 };
static const uint8_t ucDNSServerAddress[ 4 ] = { 192, 0, 2, 1 };
static const uint8_t ucMACAddress[ 6 ] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

/* Shuts the connection down and waits (bounded) until the stack reports it closed, then frees it. */
static void prvCloseConnection( Socket_t xSocket, uint8_t * pucBuffer )
{
    TickType_t xStart = xTaskGetTickCount();

    FreeRTOS_shutdown( xSocket, FREERTOS_SHUT_RDWR );

    while( ( xTaskGetTickCount() - xStart ) < pdMS_TO_TICKS( SHUTDOWN_WAIT_MS ) )
    {
        if( FreeRTOS_recv( xSocket, pucBuffer, ECHO_BUFFER_SIZE, 0 ) < 0 )
        {
            break;
        }
    }

    FreeRTOS_closesocket( xSocket );
}

/* Sends the xLength bytes at pucData; the bytes the connection took. */
static BaseType_t prvSendAll( Socket_t xSocket, const uint8_t * pucData, BaseType_t xLength )
{
    BaseType_t xSent = 0;

    while( xSent < xLength )
    {
        BaseType_t xResult = FreeRTOS_send( xSocket, pucData + xSent, ( size_t ) ( xLength - xSent ), 0 );

        if( xResult <= 0 )
        {
            break;
        }

        xSent += xResult;
    }

    return xSent;
}

static void prvConnectionTask( void * pvParameters )
{
    Socket_t xSocket = ( Socket_t ) pvParameters;
    static const TickType_t xReceiveTimeOut = pdMS_TO_TICKS( RECEIVE_TIMEOUT_MS );
    static const TickType_t xSendTimeOut = pdMS_TO_TICKS( SEND_TIMEOUT_MS );
    uint8_t * pucBuffer = pvPortMalloc( ECHO_BUFFER_SIZE );
    unsigned long ulEchoed = 0;
    const char * pcReason = "the client closed";

    if( pucBuffer == NULL )
    {
        printf( "no memory for a buffer: closing the connection\n" );
        FreeRTOS_closesocket( xSocket );
        vTaskDelete( NULL );
    }

    FreeRTOS_setsockopt( xSocket, 0, FREERTOS_SO_RCVTIMEO, &xReceiveTimeOut, sizeof( xReceiveTimeOut ) );
    FreeRTOS_setsockopt( xSocket, 0, FREERTOS_SO_SNDTIMEO, &xSendTimeOut, sizeof( xSendTimeOut ) );

    for( ;; )
    {
        BaseType_t xReceived = FreeRTOS_recv( xSocket, pucBuffer, ECHO_BUFFER_SIZE, 0 );

        if( xReceived < 0 )
        {
            break;
        }

        if( xReceived == 0 )
        {
            continue; /* an idle client: keep waiting */
        }

        BaseType_t xSent = prvSendAll( xSocket, pucBuffer, xReceived );
        ulEchoed += ( unsigned long ) xSent;

        if( xSent < xReceived )
        {
            pcReason = "send() failed";
            break;
        }
    }

    printf( "connection done (%s): %lu bytes echoed\n", pcReason, ulEchoed );
    prvCloseConnection( xSocket, pucBuffer );
    vPortFree( pucBuffer );
    vTaskDelete( NULL );
}

static void prvListenerTask( void * pvParameters )
{
    struct freertos_sockaddr xBindAddress;
    Socket_t xListener;
    BaseType_t xResult;

    ( void ) pvParameters;

    xListener = FreeRTOS_socket( FREERTOS_AF_INET, FREERTOS_SOCK_STREAM, FREERTOS_IPPROTO_TCP );
    configASSERT( xListener != FREERTOS_INVALID_SOCKET );

    memset( &xBindAddress, 0, sizeof( xBindAddress ) );
    xBindAddress.sin_family = FREERTOS_AF_INET;
    xBindAddress.sin_port = FreeRTOS_htons( ECHO_PORT );
    xResult = FreeRTOS_bind( xListener, &xBindAddress, sizeof( xBindAddress ) );
    configASSERT( xResult == 0 );
    xResult = FreeRTOS_listen( xListener, ECHO_BACKLOG );
    configASSERT( xResult == 0 );
    printf( "echo server on port %u\n", ECHO_PORT );

    for( ;; )
    {
        struct freertos_sockaddr xClientAddress;
        socklen_t xSize = sizeof( xClientAddress );
        Socket_t xClient = FreeRTOS_accept( xListener, &xClientAddress, &xSize );
        char pcAddress[ 16 ];

        if( ( xClient == NULL ) || ( xClient == FREERTOS_INVALID_SOCKET ) )
        {
            continue;
        }

        FreeRTOS_inet_ntoa( xClientAddress.sin_addr, pcAddress );
        printf( "connection from %s:%u\n", pcAddress, ( unsigned ) FreeRTOS_ntohs( xClientAddress.sin_port ) );

        if( xTaskCreate( prvConnectionTask, "EchoConn", CONNECTION_STACK, xClient, CONNECTION_PRIORITY, NULL ) != pdPASS )
        {
            printf( "no memory for a connection task: closing the connection\n" );
            FreeRTOS_closesocket( xClient );
        }
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
        xTaskCreate( prvListenerTask, "EchoListen", configMINIMAL_STACK_SIZE * 4, NULL, LISTENER_PRIORITY, NULL );
        xTasksAlreadyCreated = pdTRUE;
    }
}
