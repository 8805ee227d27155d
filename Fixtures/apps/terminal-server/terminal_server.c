/* A 5-port TCP-to-UART terminal server on FreeRTOS+TCP, as described in the FreeRTOS forum thread "Forcefully
 * close connected server socket": ports 3301-3305 each serve one client (FREERTOS_SO_REUSE_LISTEN_SOCKET),
 * echoing through a UART that flips the case of letters; HTTP on port 80 takes GET /release?port=N, which calls
 * FreeRTOS_shutdown() on that port's connection. One task serves everything from one socket set, selecting on
 * eSELECT_READ | eSELECT_EXCEPT.
 *
 * After FreeRTOS_shutdown() the application waits, as in the report, until FreeRTOS_recv() returns a negative
 * value before it calls FreeRTOS_closesocket() and creates a new REUSE socket. Build with
 * -DRELEASE_WAIT_MS=4000 for the forum's advice instead: recv() until negative, for at most 4 s. */
#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"
#include "FreeRTOS_IP.h"
#include "FreeRTOS_Sockets.h"

#include "terminal_server.h"

#define FIRST_PORT       3301
#define PORT_COUNT       5
#define CONTROL_PORT     80
#define MAX_HTTP_CLIENTS 4
#define BUFFER_SIZE      1024

typedef struct
{
    uint16_t usPort;
    Socket_t xListener; /* the REUSE socket: listening, then the connection itself */
    Socket_t xClient;   /* the connected socket, or NULL */
    BaseType_t xReleasing;
    TickType_t xReleaseStart;
} Terminal_t;

typedef struct
{
    Socket_t xSocket;
    BaseType_t xClosing;
    size_t uxLength;
    char pcRequest[ 512 ];
} HttpClient_t;

static Terminal_t xTerminals[ PORT_COUNT ];
static HttpClient_t xHttpClients[ MAX_HTTP_CLIENTS ];
static Socket_t xControlSocket;
static SocketSet_t xSocketSet;

static Socket_t prvListen( uint16_t usPort, BaseType_t xReuse, BaseType_t xBacklog )
{
    struct freertos_sockaddr xAddress;
    static const TickType_t xReceiveTimeOut = 0;
    static const TickType_t xSendTimeOut = pdMS_TO_TICKS( 2000 );
    BaseType_t xYes = pdTRUE;
    Socket_t xSocket = FreeRTOS_socket( FREERTOS_AF_INET, FREERTOS_SOCK_STREAM, FREERTOS_IPPROTO_TCP );

    configASSERT( xSocket != FREERTOS_INVALID_SOCKET );
    FreeRTOS_setsockopt( xSocket, 0, FREERTOS_SO_RCVTIMEO, &xReceiveTimeOut, sizeof( xReceiveTimeOut ) );
    FreeRTOS_setsockopt( xSocket, 0, FREERTOS_SO_SNDTIMEO, &xSendTimeOut, sizeof( xSendTimeOut ) );
    if( xReuse )
    {
        FreeRTOS_setsockopt( xSocket, 0, FREERTOS_SO_REUSE_LISTEN_SOCKET, &xYes, sizeof( xYes ) );
    }
    memset( &xAddress, 0, sizeof( xAddress ) );
    xAddress.sin_port = FreeRTOS_htons( usPort );
    FreeRTOS_bind( xSocket, &xAddress, sizeof( xAddress ) );
    FreeRTOS_listen( xSocket, xBacklog );
    FreeRTOS_FD_SET( xSocket, xSocketSet, eSELECT_READ | eSELECT_EXCEPT );
    return xSocket;
}

static void prvFlipCase( char * pcBuffer, BaseType_t xLength )
{
    for( BaseType_t x = 0; x < xLength; x++ )
    {
        char c = pcBuffer[ x ];
        if( ( c >= 'a' ) && ( c <= 'z' ) ) pcBuffer[ x ] = ( char ) ( c - 'a' + 'A' );
        else if( ( c >= 'A' ) && ( c <= 'Z' ) ) pcBuffer[ x ] = ( char ) ( c - 'A' + 'a' );
    }
}

static void prvCloseClient( Terminal_t * pxTerminal, const char * pcReason )
{
    printf( "port %u: closing the connection: %s\n", pxTerminal->usPort, pcReason );
    FreeRTOS_closesocket( pxTerminal->xClient );
    pxTerminal->xClient = NULL;
    pxTerminal->xReleasing = pdFALSE;
    /* A REUSE socket cannot listen again: create a new one. */
    pxTerminal->xListener = prvListen( pxTerminal->usPort, pdTRUE, 1 );
}

/* One pass of the wait after FreeRTOS_shutdown(); pdTRUE when the socket can be closed now. */
static BaseType_t prvReleaseStep( Terminal_t * pxTerminal, EventBits_t xBits )
{
    char pcBuffer[ BUFFER_SIZE ];
    BaseType_t xReturned;

#ifdef RELEASE_WAIT_MS
    ( void ) xBits;
    xReturned = FreeRTOS_recv( pxTerminal->xClient, pcBuffer, sizeof( pcBuffer ), 0 );
    if( xReturned < 0 ) return pdTRUE;
    return ( xTaskGetTickCount() - pxTerminal->xReleaseStart ) >= pdMS_TO_TICKS( RELEASE_WAIT_MS );
#else
    if( xBits == 0 ) return pdFALSE;
    xReturned = FreeRTOS_recv( pxTerminal->xClient, pcBuffer, sizeof( pcBuffer ), 0 );
    return xReturned < 0;
#endif
}

static void prvServiceTerminal( Terminal_t * pxTerminal )
{
    char pcBuffer[ BUFFER_SIZE ];

    if( ( pxTerminal->xClient == NULL ) &&
        ( ( FreeRTOS_FD_ISSET( pxTerminal->xListener, xSocketSet ) & eSELECT_READ ) != 0 ) )
    {
        struct freertos_sockaddr xClientAddress;
        socklen_t xSize = sizeof( xClientAddress );
        Socket_t xClient = FreeRTOS_accept( pxTerminal->xListener, &xClientAddress, &xSize );

        if( ( xClient != NULL ) && ( xClient != FREERTOS_INVALID_SOCKET ) )
        {
            char pcAddress[ 16 ];
            FreeRTOS_inet_ntoa( xClientAddress.sin_addr, pcAddress );
            printf( "port %u: client %s:%u accepted\n", pxTerminal->usPort, pcAddress,
                    FreeRTOS_ntohs( xClientAddress.sin_port ) );
            pxTerminal->xClient = xClient;
        }
    }

    if( pxTerminal->xClient == NULL ) return;

    EventBits_t xBits = FreeRTOS_FD_ISSET( pxTerminal->xClient, xSocketSet );
    if( pxTerminal->xReleasing )
    {
        if( prvReleaseStep( pxTerminal, xBits ) ) prvCloseClient( pxTerminal, "released" );
        return;
    }
    if( xBits == 0 ) return;

    BaseType_t xReturned = FreeRTOS_recv( pxTerminal->xClient, pcBuffer, sizeof( pcBuffer ), 0 );
    if( xReturned > 0 )
    {
        /* The UART echoes what it gets, case flipped. */
        prvFlipCase( pcBuffer, xReturned );
        FreeRTOS_send( pxTerminal->xClient, pcBuffer, ( size_t ) xReturned, 0 );
    }
    else if( xReturned < 0 )
    {
        prvCloseClient( pxTerminal, "the client went away" );
    }
}

static const char * prvRelease( unsigned uPort )
{
    static char pcReleased[ 32 ];

    for( int i = 0; i < PORT_COUNT; i++ )
    {
        Terminal_t * pxTerminal = &xTerminals[ i ];
        if( pxTerminal->usPort != uPort ) continue;
        if( ( pxTerminal->xClient == NULL ) || pxTerminal->xReleasing )
        {
            snprintf( pcReleased, sizeof( pcReleased ), "port %u has no client", uPort );
            return pcReleased;
        }
        printf( "port %u: release requested\n", uPort );
        FreeRTOS_shutdown( pxTerminal->xClient, FREERTOS_SHUT_RDWR );
        pxTerminal->xReleasing = pdTRUE;
        pxTerminal->xReleaseStart = xTaskGetTickCount();
        snprintf( pcReleased, sizeof( pcReleased ), "released %u", uPort );
        return pcReleased;
    }
    snprintf( pcReleased, sizeof( pcReleased ), "no such port %u", uPort );
    return pcReleased;
}

static void prvServiceControl( void )
{
    if( ( FreeRTOS_FD_ISSET( xControlSocket, xSocketSet ) & eSELECT_READ ) != 0 )
    {
        struct freertos_sockaddr xClientAddress;
        socklen_t xSize = sizeof( xClientAddress );
        Socket_t xClient = FreeRTOS_accept( xControlSocket, &xClientAddress, &xSize );

        if( ( xClient != NULL ) && ( xClient != FREERTOS_INVALID_SOCKET ) )
        {
            for( int i = 0; i < MAX_HTTP_CLIENTS; i++ )
            {
                if( xHttpClients[ i ].xSocket == NULL )
                {
                    memset( &xHttpClients[ i ], 0, sizeof( xHttpClients[ i ] ) );
                    xHttpClients[ i ].xSocket = xClient;
                    FreeRTOS_FD_SET( xClient, xSocketSet, eSELECT_READ | eSELECT_EXCEPT );
                    break;
                }
            }
        }
    }

    for( int i = 0; i < MAX_HTTP_CLIENTS; i++ )
    {
        HttpClient_t * pxClient = &xHttpClients[ i ];
        char pcBuffer[ BUFFER_SIZE ];

        if( pxClient->xSocket == NULL ) continue;
        if( FreeRTOS_FD_ISSET( pxClient->xSocket, xSocketSet ) == 0 ) continue;

        BaseType_t xReturned = FreeRTOS_recv( pxClient->xSocket, pcBuffer, sizeof( pcBuffer ), 0 );
        if( xReturned < 0 )
        {
            FreeRTOS_closesocket( pxClient->xSocket );
            pxClient->xSocket = NULL;
            continue;
        }
        if( ( xReturned == 0 ) || pxClient->xClosing ) continue;

        size_t uxRoom = sizeof( pxClient->pcRequest ) - 1 - pxClient->uxLength;
        size_t uxCopy = ( size_t ) xReturned < uxRoom ? ( size_t ) xReturned : uxRoom;
        memcpy( pxClient->pcRequest + pxClient->uxLength, pcBuffer, uxCopy );
        pxClient->uxLength += uxCopy;
        pxClient->pcRequest[ pxClient->uxLength ] = '\0';
        if( ( strstr( pxClient->pcRequest, "\r\n\r\n" ) == NULL ) && ( strstr( pxClient->pcRequest, "\n\n" ) == NULL ) ) continue;

        unsigned uPort = 0;
        const char * pcBody = "unknown request";
        if( sscanf( pxClient->pcRequest, "GET /release?port=%u", &uPort ) == 1 ) pcBody = prvRelease( uPort );
        char pcResponse[ 256 ];
        int lLength = snprintf( pcResponse, sizeof( pcResponse ),
                                "HTTP/1.0 %s\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n%s\r\n",
                                strncmp( pcBody, "released", 8 ) == 0 ? "200 OK" : "404 Not Found", pcBody );
        FreeRTOS_send( pxClient->xSocket, pcResponse, ( size_t ) lLength, 0 );
        FreeRTOS_shutdown( pxClient->xSocket, FREERTOS_SHUT_RDWR );
        pxClient->xClosing = pdTRUE;
    }
}

static void prvTerminalServerTask( void * pvParameters )
{
    ( void ) pvParameters;
    xSocketSet = FreeRTOS_CreateSocketSet();
    configASSERT( xSocketSet != NULL );

    for( int i = 0; i < PORT_COUNT; i++ )
    {
        xTerminals[ i ].usPort = ( uint16_t ) ( FIRST_PORT + i );
        xTerminals[ i ].xListener = prvListen( xTerminals[ i ].usPort, pdTRUE, 1 );
    }
    xControlSocket = prvListen( CONTROL_PORT, pdFALSE, 4 );

    for( ;; )
    {
        FreeRTOS_select( xSocketSet, pdMS_TO_TICKS( 100 ) );
        prvServiceControl();
        for( int i = 0; i < PORT_COUNT; i++ )
        {
            prvServiceTerminal( &xTerminals[ i ] );
        }
    }
}

void vStartTerminalServer( UBaseType_t uxPriority )
{
    xTaskCreate( prvTerminalServerTask, "TermSrv", configMINIMAL_STACK_SIZE * 8, NULL, uxPriority, NULL );
}
