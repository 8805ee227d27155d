/* tcpsim: FreeRTOS+TCP errno header of the V2/V3 library (the values now live in projdefs.h), written from the public API documentation. */
#ifndef FREERTOS_ERRNO_TCP
#define FREERTOS_ERRNO_TCP

#include <stddef.h>

#include "FreeRTOS.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The pdFREERTOS_ERRNO_* values are defined in projdefs.h (included by FreeRTOS.h). */

/* Writes a readable name for a pdFREERTOS_ERRNO_* value into pcBuffer and returns pcBuffer. */
const char * FreeRTOS_strerror_r( BaseType_t xErrnum,
                                  char * pcBuffer,
                                  size_t uxLength );

#ifdef __cplusplus
}
#endif

#endif /* FREERTOS_ERRNO_TCP */
