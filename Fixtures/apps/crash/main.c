/* crash: an application that fails in the way chosen at build time, to see how tcpsim reports it.
 *
 *   -DCRASH_NULL    the task "Listener" accepts with a 10 ms timeout, gets NULL (nobody connects) and writes
 *                   through the NULL record it looks up for that client: SIGSEGV
 *   -DCRASH_ASSERT  configASSERT( 0 ) in the task "Checker" (FreeRTOSConfig.h has no configASSERT(), so
 *                   tcpsim's default reports it)
 *   -DCRASH_STACK   unbounded recursion in the task "Recurse": its stack overflows
 *   -DCRASH_BUSY    the task "Spinner" spins for ever without a FreeRTOS call after a 10 ms delay
 *   -DCRASH_POLL    the task "Poller" polls FreeRTOS_recv( ..., FREERTOS_MSG_DONTWAIT ) on a socket with no
 *                   data, for ever: it never blocks, so virtual time cannot advance
 *   -DCRASH_RETURN  the task function of "Returner" returns
 * Without any of them the task "Quiet" only prints a line and waits: check.pkt passes.
 *
 * Build and run (one variant at a time):
 *   tcpsim cc -o /tmp/crash-null -DCRASH_NULL Fixtures/apps/crash/main.c
 *   tcpsim run Fixtures/apps/crash/check.pkt --c-app /tmp/crash-null
 */
#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"
#include "FreeRTOS_IP.h"
#include "FreeRTOS_Sockets.h"

#define LISTEN_PORT    7

static const uint8_t ucIPAddress[ 4 ] = { 192, 0, 2, 2 };
static const uint8_t ucNetMask[ 4 ] = { 255, 255, 255, 0 };
static const uint8_t ucGatewayAddress[ 4 ] = { 192, 0, 2, 1 };
static const uint8_t ucDNSServerAddress[ 4 ] = { 192, 0, 2, 1 };
static const uint8_t ucMACAddress[ 6 ] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

#if defined( CRASH_NULL ) || defined( CRASH_POLL )

/* A listening socket on LISTEN_PORT whose accept() waits xTimeout ticks. */
static Socket_t prvListen( TickType_t xTimeout )
{
    struct freertos_sockaddr xAddress;
    Socket_t xSocket = FreeRTOS_socket( FREERTOS_AF_INET, FREERTOS_SOCK_STREAM, FREERTOS_IPPROTO_TCP );

    FreeRTOS_setsockopt( xSocket, 0, FREERTOS_SO_RCVTIMEO, &xTimeout, sizeof( xTimeout ) );
    memset( &xAddress, 0, sizeof( xAddress ) );
    xAddress.sin_family = FREERTOS_AF_INET;
    xAddress.sin_port = FreeRTOS_htons( LISTEN_PORT );
    FreeRTOS_bind( xSocket, &xAddress, sizeof( xAddress ) );
    FreeRTOS_listen( xSocket, 1 );
    return xSocket;
}

#endif

#if defined( CRASH_NULL )

typedef struct
{
    Socket_t xSocket;
    unsigned long ulBytes;
} Client_t;

static Client_t xClients[ 2 ];

/* The record of xSocket, or NULL when there is none (as for a NULL socket). */
static Client_t * prvFindClient( Socket_t xSocket )
{
    for( size_t i = 0; i < sizeof( xClients ) / sizeof( xClients[ 0 ] ); i++ )
    {
        if( ( xSocket != NULL ) && ( xClients[ i ].xSocket == xSocket ) )
        {
            return &xClients[ i ];
        }
    }

    return NULL;
}

static void prvTask( void * pvParameters )
{
    ( void ) pvParameters;
    Socket_t xListener = prvListen( pdMS_TO_TICKS( 10 ) );
    Socket_t xClient = FreeRTOS_accept( xListener, NULL, NULL ); /* nobody connects: NULL after 10 ms */
    volatile Client_t * pxClient = prvFindClient( xClient );

    printf( "accept returned %s; counting the client's bytes\n", xClient == NULL ? "NULL" : "a socket" );
    pxClient->ulBytes = 0; /* the bug: pxClient is NULL */
    printf( "not reached\n" );
    vTaskDelete( NULL );
}
    #define TASK_NAME    "Listener"

#elif defined( CRASH_ASSERT )

static void prvTask( void * pvParameters )
{
    ( void ) pvParameters;
    vTaskDelay( pdMS_TO_TICKS( 10 ) );
    printf( "checking an invariant that does not hold\n" );
    configASSERT( 0 );
    printf( "not reached\n" );
    vTaskDelete( NULL );
}
    #define TASK_NAME    "Checker"

#elif defined( CRASH_STACK )

/* No stack holds this many levels: the recursion is unbounded in practice. */
static volatile unsigned long ulDepthLimit = ~0UL;

/* Each level keeps a small frame alive across the call, so the compiler cannot turn it into a loop. */
static unsigned long prvRecurse( unsigned long ulDepth )
{
    volatile char cFrame[ 64 ];

    if( ulDepth == ulDepthLimit )
    {
        return 0;
    }

    cFrame[ ulDepth % sizeof( cFrame ) ] = ( char ) ulDepth;
    return prvRecurse( ulDepth + 1 ) + ( unsigned long ) cFrame[ ulDepth % sizeof( cFrame ) ];
}

static void prvTask( void * pvParameters )
{
    ( void ) pvParameters;
    vTaskDelay( pdMS_TO_TICKS( 10 ) );
    printf( "recursing without end\n" );
    printf( "not reached: %lu\n", prvRecurse( 0 ) );
    vTaskDelete( NULL );
}
    #define TASK_NAME    "Recurse"

#elif defined( CRASH_BUSY )

static void prvTask( void * pvParameters )
{
    volatile unsigned long ulSpins = 0;

    ( void ) pvParameters;
    vTaskDelay( pdMS_TO_TICKS( 10 ) );
    printf( "spinning without FreeRTOS calls\n" );

    for( ;; )
    {
        ulSpins++;
    }
}
    #define TASK_NAME    "Spinner"

#elif defined( CRASH_POLL )

static void prvTask( void * pvParameters )
{
    char cBuffer[ 64 ];
    unsigned long ulPolls = 0;

    ( void ) pvParameters;
    Socket_t xSocket = prvListen( portMAX_DELAY );
    printf( "polling for data with FREERTOS_MSG_DONTWAIT\n" );

    for( ;; )
    {
        if( FreeRTOS_recv( xSocket, cBuffer, sizeof( cBuffer ), FREERTOS_MSG_DONTWAIT ) > 0 )
        {
            printf( "data after %lu polls\n", ulPolls );
        }

        ulPolls++;
    }
}
    #define TASK_NAME    "Poller"

#elif defined( CRASH_RETURN )

static void prvTask( void * pvParameters )
{
    ( void ) pvParameters;
    vTaskDelay( pdMS_TO_TICKS( 10 ) );
    printf( "returning from the task function\n" );
}
    #define TASK_NAME    "Returner"

#else /* no crash */

static void prvTask( void * pvParameters )
{
    ( void ) pvParameters;
    printf( "no crash selected: build with -DCRASH_NULL, CRASH_ASSERT, CRASH_STACK, CRASH_BUSY, CRASH_POLL or CRASH_RETURN\n" );

    for( ;; )
    {
        vTaskDelay( portMAX_DELAY );
    }
}
    #define TASK_NAME    "Quiet"

#endif /* if defined( CRASH_NULL ) */

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
        xTaskCreate( prvTask, TASK_NAME, configMINIMAL_STACK_SIZE * 4, NULL, tskIDLE_PRIORITY + 2, NULL );
        xTasksAlreadyCreated = pdTRUE;
    }
}
