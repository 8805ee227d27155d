/*
 * FreeRTOSIPConfig.h for a small Cortex-M4 board: one Ethernet port, a
 * console server that must notice dead clients, and a few TCP clients.
 *
 * tcpsim test fixture. See https://www.freertos.org/FreeRTOS-Plus/FreeRTOS_Plus_TCP/TCP_IP_Configuration.html
 * for the meaning of each option.
 */

#ifndef FREERTOS_IP_CONFIG_H
#define FREERTOS_IP_CONFIG_H

#include "FreeRTOSConfig.h"

/* Logging goes to the board's UART. */
#define ipconfigHAS_DEBUG_PRINTF      0
#define FreeRTOS_debug_printf( X )    configPRINTF( X )

/* Protocols: IPv4 only, with the sliding window. */
#define ipconfigUSE_IPv4              ( 1 )
#define ipconfigUSE_IPv6              ( 0 )
#define ipconfigUSE_TCP               ( 1 )
#define ipconfigUSE_TCP_WIN           ( 1 )
#define ipconfigUSE_DHCP              1     // the address comes from DHCP

/* Buffers. The MAC driver works with standard 1500-byte frames. */
#define ipconfigNETWORK_MTU                       1500
#define ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS    ( 60 )
#define ipconfigTCP_MSS                           ( ipconfigNETWORK_MTU - 40U )
#define ipconfigTCP_RX_BUFFER_LENGTH              ( 3 * ipconfigTCP_MSS )
#define ipconfigTCP_TX_BUFFER_LENGTH \
    ( 2 * ipconfigTCP_MSS )
#define ipconfigTCP_WIN_SEG_COUNT                 ( 64 )
#define ipconfigEVENT_QUEUE_LENGTH                ( ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS + 5 )

/* Dead peers: keep-alive after 20 s idle, and hang protection after 30 s. */
#define ipconfigTCP_KEEP_ALIVE                    ( 1 )
#define ipconfigTCP_KEEP_ALIVE_INTERVAL           ( 20 ) /* seconds */
#define ipconfigTCP_HANG_PROTECTION               ( pdTRUE )
#define ipconfigTCP_HANG_PROTECTION_TIME          ( 30 )

/* Sockets: the console server waits in FreeRTOS_select(). */
#define ipconfigSUPPORT_SELECT_FUNCTION           1
#define ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME   pdMS_TO_TICKS( 5000 )
#define ipconfigSOCK_DEFAULT_SEND_BLOCK_TIME      ( ( TickType_t ) 2000U )
#define ipconfigMAX_IP_TASK_SLEEP_TIME            ( pdMS_TO_TICKS( 500UL ) )
#define ipconfigTCP_TIME_TO_LIVE                  ( ( uint8_t ) 64 )

/* Two mistakes the simulator should point out. */
#define ipconfigTCP_KEEPALIVE_INTERVAL            ( 15 )
#define ipconfigTCP_SRTT_MINIMUM_VALUE_MS         ( BOARD_SRTT_FLOOR_MS )

#endif /* FREERTOS_IP_CONFIG_H */
