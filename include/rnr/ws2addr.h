/* <rnr/ws2addr.h>: included by <rnr/winsock2.h>; being written. */
#ifndef RNR_WS2ADDR_H
#define RNR_WS2ADDR_H
#endif
