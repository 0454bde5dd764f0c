/* SPDX-License-Identifier: MIT */
/*
 * WSASetService: validate, send SET_SERVICE, return the daemon's verdict
 * (scope and per-provider semantics are the daemon's, DESIGN.md).
 */
#include "config.h"

#include <string.h>

#include "client.h"
#include "conn.h"
#include "queryset.h"
#include "wire.h"

INT WSASetServiceA(LPWSAQUERYSETA lpqsRegInfo, WSAESETSERVICEOP essOperation,
                   DWORD dwControlFlags)
{
    struct rnr_call call;
    int rc;

    memset(&call, 0, sizeof(call));
    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (lpqsRegInfo == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if (rnr_qs_validate(lpqsRegInfo, 1) != 0 ||
        (unsigned)essOperation > (unsigned)RNRSERVICE_DELETE) {
        rc = WSAEINVAL;
        goto done;
    }
    if ((rc = rnr_call_start(&call, RNR_MSG_SET_SERVICE)) != 0)
        goto done;
    rnr_wire_put_u32(&call.w, (uint32_t)essOperation);
    rnr_wire_put_u32(&call.w, dwControlFlags);
    rnr_wire_put_queryset(&call.w, lpqsRegInfo);
    if ((rc = rnr_call_run(&call)) != 0)
        goto done;
    if (call.len != 0)
        rc = rnr_call_bad_reply(&call);
done:
    rnr_call_cleanup(&call);
    return rnr_result(rc);
}
RNR_ALIAS(WSASetService, WSASetServiceA);
