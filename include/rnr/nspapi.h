/* <rnr/nspapi.h>: the legacy name-service API; being written. */
#ifndef RNR_NSPAPI_H
#define RNR_NSPAPI_H
#include <rnr/winsock2.h>
#endif
