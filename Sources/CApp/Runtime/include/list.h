/* tcpsim: FreeRTOS kernel list types and accessors, written from the public API documentation. */
#ifndef INC_LIST_H
#define INC_LIST_H
#define LIST_H

#ifndef INC_FREERTOS_H
    #error "include FreeRTOS.h before list.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel's doubly linked list, as used by applications that keep their own ordered lists. The list
 * functions at the bottom are provided by the tcpsim runtime. */
struct xLIST;

struct xLIST_ITEM
{
    TickType_t xItemValue;              /* sort key (ascending) */
    struct xLIST_ITEM * pxNext;
    struct xLIST_ITEM * pxPrevious;
    void * pvOwner;                     /* the object that contains the item */
    struct xLIST * pxContainer;         /* the list the item is in, or NULL */
};
typedef struct xLIST_ITEM ListItem_t;

struct xMINI_LIST_ITEM
{
    TickType_t xItemValue;
    struct xLIST_ITEM * pxNext;
    struct xLIST_ITEM * pxPrevious;
};
typedef struct xMINI_LIST_ITEM MiniListItem_t;

typedef struct xLIST
{
    volatile UBaseType_t uxNumberOfItems;
    ListItem_t * pxIndex;               /* walking position for listGET_OWNER_OF_NEXT_ENTRY() */
    MiniListItem_t xListEnd;            /* end marker, value portMAX_DELAY */
} List_t;

#define listSET_LIST_ITEM_OWNER( pxListItem, pxOwner )    ( ( pxListItem )->pvOwner = ( void * ) ( pxOwner ) )
#define listGET_LIST_ITEM_OWNER( pxListItem )             ( ( pxListItem )->pvOwner )
#define listSET_LIST_ITEM_VALUE( pxListItem, xValue )     ( ( pxListItem )->xItemValue = ( xValue ) )
#define listGET_LIST_ITEM_VALUE( pxListItem )             ( ( pxListItem )->xItemValue )
#define listGET_ITEM_VALUE_OF_HEAD_ENTRY( pxList )        ( ( ( pxList )->xListEnd ).pxNext->xItemValue )
#define listGET_HEAD_ENTRY( pxList )                      ( ( ( pxList )->xListEnd ).pxNext )
#define listGET_NEXT( pxListItem )                        ( ( pxListItem )->pxNext )
#define listGET_END_MARKER( pxList )                      ( ( ListItem_t const * ) ( &( ( pxList )->xListEnd ) ) )
#define listLIST_IS_EMPTY( pxList )                       ( ( ( pxList )->uxNumberOfItems == ( UBaseType_t ) 0 ) ? pdTRUE : pdFALSE )
#define listCURRENT_LIST_LENGTH( pxList )                 ( ( pxList )->uxNumberOfItems )
#define listGET_OWNER_OF_HEAD_ENTRY( pxList )             ( ( &( ( pxList )->xListEnd ) )->pxNext->pvOwner )
#define listIS_CONTAINED_WITHIN( pxList, pxListItem )     ( ( ( pxListItem )->pxContainer == ( pxList ) ) ? ( pdTRUE ) : ( pdFALSE ) )
#define listLIST_ITEM_CONTAINER( pxListItem )             ( ( pxListItem )->pxContainer )
#define listLIST_IS_INITIALISED( pxList )                 ( ( pxList )->xListEnd.xItemValue == portMAX_DELAY )

/* Advances the list's walking position (skipping the end marker) and sets pxTCB to the owner found there. */
#define listGET_OWNER_OF_NEXT_ENTRY( pxTCB, pxList )                                          \
    do {                                                                                      \
        List_t * const pxConstList = ( pxList );                                              \
        pxConstList->pxIndex = pxConstList->pxIndex->pxNext;                                  \
        if( ( void * ) pxConstList->pxIndex == ( void * ) &( pxConstList->xListEnd ) )        \
        {                                                                                     \
            pxConstList->pxIndex = pxConstList->xListEnd.pxNext;                              \
        }                                                                                     \
        ( pxTCB ) = pxConstList->pxIndex->pvOwner;                                            \
    } while( 0 )

void vListInitialise( List_t * const pxList );
void vListInitialiseItem( ListItem_t * const pxItem );
void vListInsert( List_t * const pxList,
                  ListItem_t * const pxNewListItem );
void vListInsertEnd( List_t * const pxList,
                     ListItem_t * const pxNewListItem );
UBaseType_t uxListRemove( ListItem_t * const pxItemToRemove );

#ifdef __cplusplus
}
#endif

#endif /* INC_LIST_H */
