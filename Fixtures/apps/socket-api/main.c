/* socket-api: exercises the FreeRTOS+TCP socket API against scripted peers and prints every call's return
 * value as `call = value`, negative values with their errno name, so that check.pkt (the peer's segments) and
 * the trace's `app: [SockApi] …` lines show what each call returned at which virtual time.
 *
 * Server side, port 5001 (the script's client is 192.0.2.1:40000):
 *   FreeRTOS_socket(), setsockopt RCVTIMEO/SNDTIMEO, bind; a second socket with REUSE_LISTEN: listen()
 *   unbound and a bind() of the port in use fail; listen(); accept() times out (NULL) with nobody
 *   connecting, then accepts the client; FreeRTOS_GetRemoteAddress(), connstatus, issocketconnected, mss,
 *   rx_size, tx_space; recv() times out with 0; FD_SET/FD_ISSET and select() times out (0), then returns
 *   READ for the client's data; recv() and send(); FreeRTOS_SignalSocket() makes select() return
 *   eSELECT_INTR; FD_CLR; shutdown(); send() after our FIN; recv() after the peer's FIN returns
 *   -pdFREERTOS_ERRNO_ENOTCONN; select() reports EXCEPT; closesocket().
 * Client side: WIN_PROPERTIES, FreeRTOS_connect() to 192.0.2.1:6000 (the script answers the SYN with an
 * MSS of 1000), send() and recv(), the peer closes first: recv() < 0, shutdown() fails, closesocket().
 *
 * Build and check:
 *   tcpsim cc -o /tmp/socket-api Fixtures/apps/socket-api/main.c
 *   tcpsim run Fixtures/apps/socket-api/check.pkt --c-app /tmp/socket-api
 */
#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"
#include "FreeRTOS_IP.h"
#include "FreeRTOS_Sockets.h"

#define SERVER_PORT    5001
#define PEER_PORT      6000

static const uint8_t ucIPAddress[ 4 ] = { 192, 0, 2, 2 };
static const uint8_t ucNetMask[ 4 ] = { 255, 255, 255, 0 };
static const uint8_t ucGatewayAddress[ 4 ] = { 192, 0, 2, 1 };
static const uint8_t ucDNSServerAddress[ 4 ] = { 192, 0, 2, 1 };
static const uint8_t ucMACAddress[ 6 ] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

/* Prints `call = value`, with the errno name of a negative value, and returns the value. */
static BaseType_t prvShow( const char * pcCall, BaseType_t xValue )
{
    char cName[ 24 ];

    if( xValue < 0 )
    {
        printf( "%s = %d (-%s)\n", pcCall, ( int ) xValue, FreeRTOS_strerror_r( xValue, cName, sizeof( cName ) ) );
    }
    else
    {
        printf( "%s = %d\n", pcCall, ( int ) xValue );
    }

    return xValue;
}

static BaseType_t prvSetTimeout( Socket_t xSocket, int32_t lOption, TickType_t xTicks )
{
    return FreeRTOS_setsockopt( xSocket, 0, lOption, &xTicks, sizeof( xTicks ) );
}

static BaseType_t prvBind( Socket_t xSocket, uint16_t usPort )
{
    struct freertos_sockaddr xAddress;

    memset( &xAddress, 0, sizeof( xAddress ) );
    xAddress.sin_family = FREERTOS_AF_INET;
    xAddress.sin_port = FreeRTOS_htons( usPort );
    return FreeRTOS_bind( xSocket, &xAddress, sizeof( xAddress ) );
}

static void prvShowRemote( Socket_t xSocket )
{
    struct freertos_sockaddr xAddress;
    char cAddress[ 16 ];
    BaseType_t xResult = FreeRTOS_GetRemoteAddress( xSocket, &xAddress );

    FreeRTOS_inet_ntoa( xAddress.sin_addr, cAddress );
    printf( "FreeRTOS_GetRemoteAddress = %s: %s:%u\n",
            xResult == ( BaseType_t ) sizeof( xAddress ) ? "sizeof( struct freertos_sockaddr )" : "?", cAddress,
            ( unsigned ) FreeRTOS_ntohs( xAddress.sin_port ) );
}

static void prvShowStatus( Socket_t xSocket )
{
    prvShow( "FreeRTOS_connstatus", FreeRTOS_connstatus( xSocket ) );
    prvShow( "FreeRTOS_issocketconnected", FreeRTOS_issocketconnected( xSocket ) );
    prvShow( "FreeRTOS_mss", FreeRTOS_mss( xSocket ) );
    prvShow( "FreeRTOS_rx_size", FreeRTOS_rx_size( xSocket ) );
    prvShow( "FreeRTOS_tx_space", FreeRTOS_tx_space( xSocket ) );
}

/* Receives into pcBuffer (NUL-terminated), prints the result and the text; returns the result. */
static BaseType_t prvReceive( Socket_t xSocket, char * pcBuffer, size_t uxSize )
{
    BaseType_t xResult = FreeRTOS_recv( xSocket, pcBuffer, uxSize - 1, 0 );
    char cName[ 24 ];

    pcBuffer[ xResult > 0 ? xResult : 0 ] = '\0';

    if( xResult < 0 )
    {
        printf( "FreeRTOS_recv = %d (-%s) at tick %u\n", ( int ) xResult, FreeRTOS_strerror_r( xResult, cName, sizeof( cName ) ),
                ( unsigned ) xTaskGetTickCount() );
    }
    else
    {
        printf( "FreeRTOS_recv = %d%s%s%s at tick %u\n", ( int ) xResult, xResult > 0 ? " \"" : "", pcBuffer,
                xResult > 0 ? "\"" : "", ( unsigned ) xTaskGetTickCount() );
    }

    return xResult;
}

static void prvServerSide( void )
{
    char cBuffer[ 128 ];
    const BaseType_t xYes = pdTRUE;

    Socket_t xListener = FreeRTOS_socket( FREERTOS_AF_INET, FREERTOS_SOCK_STREAM, FREERTOS_IPPROTO_TCP );
    printf( "FreeRTOS_socket = %s\n", xListener != FREERTOS_INVALID_SOCKET ? "a socket" : "FREERTOS_INVALID_SOCKET" );
    prvShow( "FreeRTOS_setsockopt( FREERTOS_SO_RCVTIMEO, 50 )", prvSetTimeout( xListener, FREERTOS_SO_RCVTIMEO, 50 ) );
    prvShow( "FreeRTOS_setsockopt( FREERTOS_SO_SNDTIMEO, 1000 )", prvSetTimeout( xListener, FREERTOS_SO_SNDTIMEO, 1000 ) );
    prvShow( "FreeRTOS_bind( 5001 )", prvBind( xListener, SERVER_PORT ) );

    Socket_t xOther = FreeRTOS_socket( FREERTOS_AF_INET, FREERTOS_SOCK_STREAM, FREERTOS_IPPROTO_TCP );
    prvShow( "FreeRTOS_setsockopt( FREERTOS_SO_REUSE_LISTEN_SOCKET, pdTRUE )",
             FreeRTOS_setsockopt( xOther, 0, FREERTOS_SO_REUSE_LISTEN_SOCKET, &xYes, sizeof( xYes ) ) );
    prvShow( "FreeRTOS_listen( unbound, 1 )", FreeRTOS_listen( xOther, 1 ) );
    prvShow( "FreeRTOS_bind( 5001 ) again", prvBind( xOther, SERVER_PORT ) );
    prvShow( "FreeRTOS_closesocket( the second socket )", FreeRTOS_closesocket( xOther ) );
    prvShow( "FreeRTOS_listen( 2 )", FreeRTOS_listen( xListener, 2 ) );

    Socket_t xClient = FreeRTOS_accept( xListener, NULL, NULL );
    printf( "FreeRTOS_accept = %s at tick %u\n", xClient == NULL ? "NULL" : "a socket", ( unsigned ) xTaskGetTickCount() );
    prvSetTimeout( xListener, FREERTOS_SO_RCVTIMEO, 2000 );
    xClient = FreeRTOS_accept( xListener, NULL, NULL );
    printf( "FreeRTOS_accept = %s at tick %u\n", ( xClient != NULL ) && ( xClient != FREERTOS_INVALID_SOCKET ) ? "a socket" : "none",
            ( unsigned ) xTaskGetTickCount() );
    configASSERT( ( xClient != NULL ) && ( xClient != FREERTOS_INVALID_SOCKET ) );
    prvShowRemote( xClient );
    prvShowStatus( xClient );

    prvSetTimeout( xClient, FREERTOS_SO_RCVTIMEO, 20 );
    prvReceive( xClient, cBuffer, sizeof( cBuffer ) );

    SocketSet_t xSet = FreeRTOS_CreateSocketSet();
    FreeRTOS_FD_SET( xClient, xSet, eSELECT_READ );
    prvShow( "FreeRTOS_FD_ISSET", ( BaseType_t ) FreeRTOS_FD_ISSET( xClient, xSet ) );
    prvShow( "FreeRTOS_select( 30 )", FreeRTOS_select( xSet, 30 ) );
    printf( "(tick %u)\n", ( unsigned ) xTaskGetTickCount() );
    prvShow( "FreeRTOS_select( 1000 )", FreeRTOS_select( xSet, 1000 ) );
    printf( "(tick %u)\n", ( unsigned ) xTaskGetTickCount() );
    prvShow( "FreeRTOS_FD_ISSET", ( BaseType_t ) FreeRTOS_FD_ISSET( xClient, xSet ) );
    prvShow( "FreeRTOS_rx_size", FreeRTOS_rx_size( xClient ) );
    prvReceive( xClient, cBuffer, sizeof( cBuffer ) );
    prvShow( "FreeRTOS_send( \"HELLO\" )", FreeRTOS_send( xClient, "HELLO", 5, 0 ) );
    prvShow( "FreeRTOS_tx_space", FreeRTOS_tx_space( xClient ) );

    /* A select() that times out first: FreeRTOS re-evaluates the set, so no READ from before is left. */
    prvShow( "FreeRTOS_select( 20 )", FreeRTOS_select( xSet, 20 ) );
    prvShow( "FreeRTOS_SignalSocket", FreeRTOS_SignalSocket( xClient ) );
    prvShow( "FreeRTOS_select( portMAX_DELAY )", FreeRTOS_select( xSet, portMAX_DELAY ) );
    printf( "(tick %u)\n", ( unsigned ) xTaskGetTickCount() );
    FreeRTOS_FD_CLR( xClient, xSet, eSELECT_ALL );
    prvShow( "FreeRTOS_FD_ISSET after FD_CLR", ( BaseType_t ) FreeRTOS_FD_ISSET( xClient, xSet ) );

    prvShow( "FreeRTOS_shutdown", FreeRTOS_shutdown( xClient, FREERTOS_SHUT_RDWR ) );
    prvShow( "FreeRTOS_connstatus", FreeRTOS_connstatus( xClient ) );
    vTaskDelay( 10 ); /* the FIN goes out */
    prvShow( "FreeRTOS_connstatus", FreeRTOS_connstatus( xClient ) );
    prvShow( "FreeRTOS_issocketconnected", FreeRTOS_issocketconnected( xClient ) );
    prvShow( "FreeRTOS_send( \"late\" )", FreeRTOS_send( xClient, "late", 4, 0 ) );
    prvReceive( xClient, cBuffer, sizeof( cBuffer ) ); /* the peer's FIN arrives meanwhile */

    FreeRTOS_FD_SET( xClient, xSet, eSELECT_EXCEPT );
    prvShow( "FreeRTOS_select( 0 )", FreeRTOS_select( xSet, 0 ) );
    prvShow( "FreeRTOS_connstatus", FreeRTOS_connstatus( xClient ) );
    prvShow( "FreeRTOS_issocketconnected", FreeRTOS_issocketconnected( xClient ) );
    prvShow( "FreeRTOS_send( \"gone\" )", FreeRTOS_send( xClient, "gone", 4, 0 ) );
    prvShow( "FreeRTOS_shutdown", FreeRTOS_shutdown( xClient, FREERTOS_SHUT_RDWR ) );
    prvShow( "FreeRTOS_closesocket( client )", FreeRTOS_closesocket( xClient ) );
    prvShow( "FreeRTOS_closesocket( listener )", FreeRTOS_closesocket( xListener ) );
    FreeRTOS_DeleteSocketSet( xSet );
}

static void prvClientSide( void )
{
    char cBuffer[ 128 ];
    struct freertos_sockaddr xPeer;
    WinProperties_t xWindows;

    Socket_t xSocket = FreeRTOS_socket( FREERTOS_AF_INET, FREERTOS_SOCK_STREAM, FREERTOS_IPPROTO_TCP );
    printf( "FreeRTOS_socket = %s\n", xSocket != FREERTOS_INVALID_SOCKET ? "a socket" : "FREERTOS_INVALID_SOCKET" );
    memset( &xWindows, 0, sizeof( xWindows ) );
    xWindows.lTxBufSize = 2000; /* rounded up to a multiple of the MSS */
    xWindows.lTxWinSize = 1;
    xWindows.lRxBufSize = 2920;
    xWindows.lRxWinSize = 1;
    prvShow( "FreeRTOS_setsockopt( FREERTOS_SO_WIN_PROPERTIES, { 2000, 1, 2920, 1 } )",
             FreeRTOS_setsockopt( xSocket, 0, FREERTOS_SO_WIN_PROPERTIES, &xWindows, sizeof( xWindows ) ) );
    prvShow( "FreeRTOS_tx_space", FreeRTOS_tx_space( xSocket ) );
    prvShow( "FreeRTOS_setsockopt( FREERTOS_SO_RCVTIMEO, 2000 )", prvSetTimeout( xSocket, FREERTOS_SO_RCVTIMEO, 2000 ) );

    memset( &xPeer, 0, sizeof( xPeer ) );
    xPeer.sin_family = FREERTOS_AF_INET;
    xPeer.sin_port = FreeRTOS_htons( PEER_PORT );
    xPeer.sin_addr = FreeRTOS_inet_addr( "192.0.2.1" );
    prvShow( "FreeRTOS_connect( 192.0.2.1:6000 )", FreeRTOS_connect( xSocket, &xPeer, sizeof( xPeer ) ) );
    printf( "(tick %u)\n", ( unsigned ) xTaskGetTickCount() );
    prvShowRemote( xSocket );
    prvShowStatus( xSocket );

    prvShow( "FreeRTOS_send( \"ping\" )", FreeRTOS_send( xSocket, "ping", 4, 0 ) );
    prvReceive( xSocket, cBuffer, sizeof( cBuffer ) );
    prvReceive( xSocket, cBuffer, sizeof( cBuffer ) ); /* the peer closes first */
    prvShow( "FreeRTOS_connstatus", FreeRTOS_connstatus( xSocket ) );
    prvShow( "FreeRTOS_shutdown", FreeRTOS_shutdown( xSocket, FREERTOS_SHUT_RDWR ) );
    prvShow( "FreeRTOS_closesocket", FreeRTOS_closesocket( xSocket ) );
}

static void prvSocketApiTask( void * pvParameters )
{
    ( void ) pvParameters;
    prvServerSide();
    prvClientSide();
    printf( "socket-api: done\n" );

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
        xTaskCreate( prvSocketApiTask, "SockApi", configMINIMAL_STACK_SIZE * 8, NULL, tskIDLE_PRIORITY + 2, NULL );
        xTasksAlreadyCreated = pdTRUE;
    }
}
