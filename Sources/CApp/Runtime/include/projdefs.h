/* tcpsim: FreeRTOS project-wide definitions (pd* constants, errno values), written from the public API documentation. */
#ifndef PROJDEFS_H
#define PROJDEFS_H

/* Included by FreeRTOS.h after portmacro.h; the macros below refer to TickType_t and BaseType_t lazily. */

/* The prototype every task function has. */
typedef void ( * TaskFunction_t )( void * pvParameters );

/* Milliseconds <-> ticks. The product is formed in 64 bits so large millisecond values do not overflow. */
#ifndef pdMS_TO_TICKS
    #define pdMS_TO_TICKS( xTimeInMs ) \
    ( ( TickType_t ) ( ( ( uint64_t ) ( xTimeInMs ) * ( uint64_t ) configTICK_RATE_HZ ) / ( uint64_t ) 1000U ) )
#endif
#ifndef pdTICKS_TO_MS
    #define pdTICKS_TO_MS( xTimeInTicks ) \
    ( ( TickType_t ) ( ( ( uint64_t ) ( xTimeInTicks ) * ( uint64_t ) 1000U ) / ( uint64_t ) configTICK_RATE_HZ ) )
#endif

#define pdFALSE                                  ( ( BaseType_t ) 0 )
#define pdTRUE                                   ( ( BaseType_t ) 1 )
#define pdFALSE_SIGNED                           ( ( BaseType_t ) 0 )
#define pdTRUE_SIGNED                            ( ( BaseType_t ) 1 )
#define pdFALSE_UNSIGNED                         ( ( UBaseType_t ) 0 )
#define pdTRUE_UNSIGNED                          ( ( UBaseType_t ) 1 )
#define pdPASS                                   ( pdTRUE )
#define pdFAIL                                   ( pdFALSE )

#define errQUEUE_EMPTY                           ( ( BaseType_t ) 0 )
#define errQUEUE_FULL                            ( ( BaseType_t ) 0 )
#define errCOULD_NOT_ALLOCATE_REQUIRED_MEMORY    ( -1 )
#define errQUEUE_BLOCKED                         ( -4 )
#define errQUEUE_YIELD                           ( -5 )

/* errno values used by FreeRTOS+ libraries (FreeRTOS+TCP returns them negated). */
#define pdFREERTOS_ERRNO_NONE             0
#define pdFREERTOS_ERRNO_ENOENT           2
#define pdFREERTOS_ERRNO_EINTR            4
#define pdFREERTOS_ERRNO_EIO              5
#define pdFREERTOS_ERRNO_ENXIO            6
#define pdFREERTOS_ERRNO_EBADF            9
#define pdFREERTOS_ERRNO_EAGAIN           11
#define pdFREERTOS_ERRNO_EWOULDBLOCK      11
#define pdFREERTOS_ERRNO_ENOMEM           12
#define pdFREERTOS_ERRNO_EACCES           13
#define pdFREERTOS_ERRNO_EFAULT           14
#define pdFREERTOS_ERRNO_EBUSY            16
#define pdFREERTOS_ERRNO_EEXIST           17
#define pdFREERTOS_ERRNO_EXDEV            18
#define pdFREERTOS_ERRNO_ENODEV           19
#define pdFREERTOS_ERRNO_ENOTDIR          20
#define pdFREERTOS_ERRNO_EISDIR           21
#define pdFREERTOS_ERRNO_EINVAL           22
#define pdFREERTOS_ERRNO_ENOSPC           28
#define pdFREERTOS_ERRNO_ESPIPE           29
#define pdFREERTOS_ERRNO_EROFS            30
#define pdFREERTOS_ERRNO_EUNATCH          42
#define pdFREERTOS_ERRNO_EBADE            50
#define pdFREERTOS_ERRNO_EFTYPE           79
#define pdFREERTOS_ERRNO_ENMFILE          89
#define pdFREERTOS_ERRNO_ENOTEMPTY        90
#define pdFREERTOS_ERRNO_ENAMETOOLONG     91
#define pdFREERTOS_ERRNO_EOPNOTSUPP       95
#define pdFREERTOS_ERRNO_EAFNOSUPPORT     97
#define pdFREERTOS_ERRNO_ENOBUFS          105
#define pdFREERTOS_ERRNO_ENOPROTOOPT      109
#define pdFREERTOS_ERRNO_EADDRINUSE       112
#define pdFREERTOS_ERRNO_ETIMEDOUT        116
#define pdFREERTOS_ERRNO_EINPROGRESS      119
#define pdFREERTOS_ERRNO_EALREADY         120
#define pdFREERTOS_ERRNO_EADDRNOTAVAIL    125
#define pdFREERTOS_ERRNO_EISCONN          127
#define pdFREERTOS_ERRNO_ENOTCONN         128
#define pdFREERTOS_ERRNO_ENOMEDIUM        135
#define pdFREERTOS_ERRNO_EILSEQ           138
#define pdFREERTOS_ERRNO_ECANCELED        140

/* Byte orders, for ipconfigBYTE_ORDER. */
#define pdFREERTOS_LITTLE_ENDIAN          0
#define pdFREERTOS_BIG_ENDIAN             1
#define pdLITTLE_ENDIAN                   pdFREERTOS_LITTLE_ENDIAN
#define pdBIG_ENDIAN                      pdFREERTOS_BIG_ENDIAN

#endif /* PROJDEFS_H */
