/* <rnr/ws2getxbyy.h>: included by <rnr/winsock2.h>; being written. */
#ifndef RNR_WS2GETXBYY_H
#define RNR_WS2GETXBYY_H
#endif
