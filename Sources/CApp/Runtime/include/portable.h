/* tcpsim: FreeRTOS portable layer (port macros and heap functions), written from the public API documentation. */
#ifndef PORTABLE_H
#define PORTABLE_H

#include <stddef.h>
#include "portmacro.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Heap statistics, filled by vPortGetHeapStats(). */
typedef struct xHeapStats
{
    size_t xAvailableHeapSpaceInBytes;
    size_t xSizeOfLargestFreeBlockInBytes;
    size_t xSizeOfSmallestFreeBlockInBytes;
    size_t xNumberOfFreeBlocks;
    size_t xMinimumEverFreeBytesRemaining;
    size_t xNumberOfSuccessfulAllocations;
    size_t xNumberOfSuccessfulFrees;
} HeapStats_t;

void * pvPortMalloc( size_t xWantedSize );
void * pvPortCalloc( size_t xNum, size_t xSize );
void vPortFree( void * pv );
void vPortInitialiseBlocks( void );
size_t xPortGetFreeHeapSize( void );
size_t xPortGetMinimumEverFreeHeapSize( void );
void vPortGetHeapStats( HeapStats_t * pxHeapStats );

#ifdef __cplusplus
}
#endif

#endif /* PORTABLE_H */
