/* caseflip-echo: the concurrent case-flipping echo server of "The Socket API, Part 3: Concurrent Servers",
 * on FreeRTOS+TCP.
 *
 * The article's server listens on port 1205 (backlog 5), prints "Server waiting" before each accept(), and
 * fork()s a child per client that reads bytes, flips the case of letters (XOR of bit 5) and writes them back
 * until the client closes. A FreeRTOS device has no processes, so the listener task creates one task per
 * connection instead (xTaskCreate() in place of fork()). Each client task echoes until FreeRTOS_recv()
 * returns a negative value (the peer closed, or the connection died), then closes the FreeRTOS way:
 * FreeRTOS_shutdown(), FreeRTOS_recv() until it fails (for at most SHUTDOWN_WAIT_MS), FreeRTOS_closesocket(),
 * and the task deletes itself with vTaskDelete( NULL ).
 *
 * Build and check:
 *   tcpsim cc -o /tmp/caseflip-echo Fixtures/apps/caseflip-echo/main.c
 *   tcpsim run Fixtures/apps/caseflip-echo/check.pkt --c-app /tmp/caseflip-echo
 */
#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"
#include "FreeRTOS_IP.h"
#include "FreeRTOS_Sockets.h"

#define SERVER_PORT         1205
#define SERVER_BACKLOG      5
#define BUFFER_SIZE         512
#define SHUTDOWN_WAIT_MS    5000
#define LISTENER_PRIORITY   ( tskIDLE_PRIORITY + 2 )
#define CLIENT_PRIORITY     ( tskIDLE_PRIORITY + 1 )
#define CLIENT_STACK_WORDS  ( configMINIMAL_STACK_SIZE * 4 )

static const uint8_t ucIPAddress[ 4 ] = { 192, 0, 2, 2 };
static const uint8_t ucNetMask[ 4 ] = { 255, 255, 255, 0 };
static const uint8_t ucGatewayAddress[ 4 ] = { 192, 0, 2, 1 };
static const uint8_t ucDNSServerAddress[ 4 ] = { 192, 0, 2, 1 };
static const uint8_t ucMACAddress[ 6 ] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

/* Letters change case; everything else is sent back as it came. */
static void prvFlipCase( char * pcBuffer, BaseType_t xLength )
{
    for( BaseType_t x = 0; x < xLength; x++ )
    {
        char c = pcBuffer[ x ];

        if( ( ( c >= 'a' ) && ( c <= 'z' ) ) || ( ( c >= 'A' ) && ( c <= 'Z' ) ) )
        {
            pcBuffer[ x ] = ( char ) ( c ^ 0x20 );
        }
    }
}

/* Sends all of pcBuffer; pdFALSE when the connection refuses more. */
static BaseType_t prvSendAll( Socket_t xSocket, const char * pcBuffer, BaseType_t xLength )
{
    BaseType_t xSent = 0;

    while( xSent < xLength )
    {
        BaseType_t xResult = FreeRTOS_send( xSocket, pcBuffer + xSent, ( size_t ) ( xLength - xSent ), 0 );

        if( xResult <= 0 )
        {
            return pdFALSE;
        }

        xSent += xResult;
    }

    return pdTRUE;
}

/* The graceful close: ask for the FIN, drain until FreeRTOS_recv() fails (the connection is closed), close. */
static void prvCloseGracefully( Socket_t xSocket )
{
    char pcBuffer[ 64 ];
    TickType_t xStart = xTaskGetTickCount();

    FreeRTOS_shutdown( xSocket, FREERTOS_SHUT_RDWR );

    while( ( xTaskGetTickCount() - xStart ) < pdMS_TO_TICKS( SHUTDOWN_WAIT_MS ) )
    {
        if( FreeRTOS_recv( xSocket, pcBuffer, sizeof( pcBuffer ), 0 ) < 0 )
        {
            break;
        }
    }

    FreeRTOS_closesocket( xSocket );
}

/* One connection: the child server of the article. */
static void prvClientTask( void * pvParameters )
{
    Socket_t xSocket = ( Socket_t ) pvParameters;
    static const TickType_t xReceiveTimeOut = pdMS_TO_TICKS( 1000 );
    char pcBuffer[ BUFFER_SIZE ];
    unsigned long ulEchoed = 0;

    FreeRTOS_setsockopt( xSocket, 0, FREERTOS_SO_RCVTIMEO, &xReceiveTimeOut, sizeof( xReceiveTimeOut ) );

    for( ;; )
    {
        BaseType_t xReceived = FreeRTOS_recv( xSocket, pcBuffer, sizeof( pcBuffer ), 0 );

        if( xReceived < 0 )
        {
            break; /* the client closed (or the connection died) */
        }

        if( xReceived == 0 )
        {
            continue; /* nothing within the receive timeout */
        }

        prvFlipCase( pcBuffer, xReceived );

        if( prvSendAll( xSocket, pcBuffer, xReceived ) == pdFALSE )
        {
            break;
        }

        ulEchoed += ( unsigned long ) xReceived;
    }

    printf( "client done: %lu bytes echoed\n", ulEchoed );
    prvCloseGracefully( xSocket );
    vTaskDelete( NULL );
}

/* The parent server: accept, then hand the connection to a task of its own. */
static void prvListenerTask( void * pvParameters )
{
    struct freertos_sockaddr xBindAddress;
    Socket_t xListener;
    BaseType_t xResult;
    unsigned uClients = 0;

    ( void ) pvParameters;

    xListener = FreeRTOS_socket( FREERTOS_AF_INET, FREERTOS_SOCK_STREAM, FREERTOS_IPPROTO_TCP );
    configASSERT( xListener != FREERTOS_INVALID_SOCKET );

    memset( &xBindAddress, 0, sizeof( xBindAddress ) );
    xBindAddress.sin_family = FREERTOS_AF_INET;
    xBindAddress.sin_port = FreeRTOS_htons( SERVER_PORT );
    xResult = FreeRTOS_bind( xListener, &xBindAddress, sizeof( xBindAddress ) );
    configASSERT( xResult == 0 );
    xResult = FreeRTOS_listen( xListener, SERVER_BACKLOG );
    configASSERT( xResult == 0 );

    for( ;; )
    {
        struct freertos_sockaddr xClientAddress;
        socklen_t xSize = sizeof( xClientAddress );
        Socket_t xClient;
        char pcAddress[ 16 ];
        char pcName[ configMAX_TASK_NAME_LEN ];

        printf( "Server waiting\n" );
        xClient = FreeRTOS_accept( xListener, &xClientAddress, &xSize );

        if( ( xClient == NULL ) || ( xClient == FREERTOS_INVALID_SOCKET ) )
        {
            continue;
        }

        FreeRTOS_inet_ntoa( xClientAddress.sin_addr, pcAddress );
        printf( "Child Server Created Handling connection with %s:%u\n", pcAddress,
                ( unsigned ) FreeRTOS_ntohs( xClientAddress.sin_port ) );

        uClients++;
        snprintf( pcName, sizeof( pcName ), "Client%u", uClients );

        if( xTaskCreate( prvClientTask, pcName, CLIENT_STACK_WORDS, xClient, CLIENT_PRIORITY, NULL ) != pdPASS )
        {
            printf( "no memory for a client task: closing the connection\n" );
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
        xTaskCreate( prvListenerTask, "Listener", configMINIMAL_STACK_SIZE * 4, NULL, LISTENER_PRIORITY, NULL );
        xTasksAlreadyCreated = pdTRUE;
    }
}
