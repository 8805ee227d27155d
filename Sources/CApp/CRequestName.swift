import CAppShim

/// The FreeRTOS function behind a request, for reports.
enum CRequestName {
    static func name(of op: Int32) -> String {
        switch tcpsim_op(rawValue: UInt32(bitPattern: op)) {
        case TCPSIM_OP_TASK_CREATE: "xTaskCreate"
        case TCPSIM_OP_TASK_DELETE: "vTaskDelete"
        case TCPSIM_OP_DELAY: "vTaskDelay"
        case TCPSIM_OP_DELAY_UNTIL: "xTaskDelayUntil"
        case TCPSIM_OP_TICK_COUNT: "xTaskGetTickCount"
        case TCPSIM_OP_YIELD: "taskYIELD"
        case TCPSIM_OP_NOTIFY: "xTaskNotify"
        case TCPSIM_OP_NOTIFY_TAKE: "ulTaskNotifyTake"
        case TCPSIM_OP_NOTIFY_WAIT: "xTaskNotifyWait"
        case TCPSIM_OP_QUEUE_SEND: "xQueueSend/xSemaphoreGive"
        case TCPSIM_OP_QUEUE_RECEIVE: "xQueueReceive/xSemaphoreTake"
        case TCPSIM_OP_EVENT_SET: "xEventGroupSetBits"
        case TCPSIM_OP_EVENT_WAIT: "xEventGroupWaitBits"
        case TCPSIM_OP_SOCKET: "FreeRTOS_socket"
        case TCPSIM_OP_BIND: "FreeRTOS_bind"
        case TCPSIM_OP_LISTEN: "FreeRTOS_listen"
        case TCPSIM_OP_ACCEPT: "FreeRTOS_accept"
        case TCPSIM_OP_CONNECT: "FreeRTOS_connect"
        case TCPSIM_OP_SEND: "FreeRTOS_send"
        case TCPSIM_OP_RECV: "FreeRTOS_recv"
        case TCPSIM_OP_SHUTDOWN: "FreeRTOS_shutdown"
        case TCPSIM_OP_CLOSE: "FreeRTOS_closesocket"
        case TCPSIM_OP_SETSOCKOPT: "FreeRTOS_setsockopt"
        case TCPSIM_OP_SELECT: "FreeRTOS_select"
        case TCPSIM_OP_FD_ISSET: "FreeRTOS_FD_ISSET"
        case TCPSIM_OP_SOCKET_QUERY: "a FreeRTOS socket query"
        default: "request \(op)"
        }
    }
}
