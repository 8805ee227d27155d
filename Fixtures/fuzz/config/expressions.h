/* Fuzz seed: values written with the expressions real headers use. */
#define ipconfigTCP_MSS                        ( ipconfigNETWORK_MTU - ( 20 + 20 ) )
#define ipconfigNETWORK_MTU                    1500
#define ipconfigTCP_RX_BUFFER_LENGTH           ( 4 * ipconfigTCP_MSS )
#define ipconfigTCP_TX_BUFFER_LENGTH           ( ( size_t ) ipconfigTCP_MSS * 3U )
#define ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME pdMS_TO_TICKS( 5000 )
#define ipconfigSOCK_DEFAULT_SEND_BLOCK_TIME   portMAX_DELAY
#define ipconfigTCP_KEEP_ALIVE_INTERVAL        ( 20 ) /* seconds */
#if defined( NOT_THIS )
    #define ipconfigTCP_HANG_PROTECTION_TIME   ( 0x10 << 1 )
#endif
#define configTICK_RATE_HZ                     ( ( TickType_t ) 1000 )
