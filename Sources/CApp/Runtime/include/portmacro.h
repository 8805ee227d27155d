/* tcpsim: port layer (types, yield, critical sections) for the simulated target on a 64-bit host, written from the public API documentation. */
#ifndef PORTMACRO_H
#define PORTMACRO_H

#include <limits.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Basic types, as on the FreeRTOS POSIX port for a 64-bit host, except that the tick is 32 bits wide like on the
 * embedded targets the applications are written for (so tick arithmetic wraps the same way). */
#define portCHAR                 char
#define portFLOAT                float
#define portDOUBLE               double
#define portLONG                 long
#define portSHORT                short
#define portSTACK_TYPE           unsigned long
#define portBASE_TYPE            long
#define portPOINTER_SIZE_TYPE    uintptr_t

typedef portSTACK_TYPE   StackType_t;
typedef long             BaseType_t;
typedef unsigned long    UBaseType_t;
typedef uint32_t         TickType_t;

#define portMAX_DELAY              ( ( TickType_t ) 0xffffffffUL )
#define portTICK_TYPE_IS_ATOMIC    1

/* Architecture. */
#define portSTACK_GROWTH           ( -1 )
#define portTICK_PERIOD_MS         ( ( TickType_t ) 1000 / configTICK_RATE_HZ )
#define portBYTE_ALIGNMENT         8
#define portBYTE_ALIGNMENT_MASK    ( 0x0007 )
#define portCRITICAL_NESTING_IN_TCB    0

#ifndef portINLINE
    #define portINLINE          __inline
#endif
#ifndef portFORCE_INLINE
    #define portFORCE_INLINE    inline __attribute__( ( always_inline ) )
#endif
#ifndef portDONT_DISCARD
    #define portDONT_DISCARD    __attribute__( ( used ) )
#endif
#define portNOP()               do {} while( 0 )
#define portMEMORY_BARRIER()    __asm volatile ( "" ::: "memory" )

/* Scheduling. Only one application task runs at a time and it only gives up the processor inside a kernel or
 * socket call (or here), so a yield is a runtime call and interrupts and critical sections need no masking. */
void vTcpsimYield( void );

#define portYIELD()                                  vTcpsimYield()
#define portYIELD_WITHIN_API()                       vTcpsimYield()
#define portEND_SWITCHING_ISR( xSwitchRequired )     do { if( ( xSwitchRequired ) != pdFALSE ) { vTcpsimYield(); } } while( 0 )
#define portYIELD_FROM_ISR( xSwitchRequired )        portEND_SWITCHING_ISR( xSwitchRequired )

#define portDISABLE_INTERRUPTS()                     do {} while( 0 )
#define portENABLE_INTERRUPTS()                      do {} while( 0 )
#define portENTER_CRITICAL()                         do {} while( 0 )
#define portEXIT_CRITICAL()                          do {} while( 0 )
#define portSET_INTERRUPT_MASK_FROM_ISR()            ( ( UBaseType_t ) 0U )
#define portCLEAR_INTERRUPT_MASK_FROM_ISR( uxMask )  ( ( void ) ( uxMask ) )
#define portENTER_CRITICAL_FROM_ISR()                portSET_INTERRUPT_MASK_FROM_ISR()
#define portEXIT_CRITICAL_FROM_ISR( uxMask )         portCLEAR_INTERRUPT_MASK_FROM_ISR( uxMask )
#define portASSERT_IF_IN_ISR()                       do {} while( 0 )
#define portASSERT_IF_INTERRUPT_PRIORITY_INVALID()   do {} while( 0 )

/* Task function helpers. */
#define portTASK_FUNCTION_PROTO( vFunction, pvParameters )    void vFunction( void * pvParameters )
#define portTASK_FUNCTION( vFunction, pvParameters )          void vFunction( void * pvParameters )

#ifdef __cplusplus
}
#endif

#endif /* PORTMACRO_H */
