/* FreeRTOSIPConfig.h with large TCP buffers: 128 KiB streams give windows of 44 segments (64,240 bytes, just
 * under 64 KiB, window scale 0), for bulk throughput. Everything else is the library default. */
#ifndef FREERTOS_IP_CONFIG_H
#define FREERTOS_IP_CONFIG_H
#define ipconfigUSE_TCP                     ( 1 )
#define ipconfigTCP_RX_BUFFER_LENGTH        ( 128 * 1024 )
#define ipconfigTCP_TX_BUFFER_LENGTH        ( 128 * 1024 )
#endif /* FREERTOS_IP_CONFIG_H */
