/* SPDX-License-Identifier: MIT */
/*
 * <ws2tcpip.h> as Windows code spells it: forwards to <rnr/ws2tcpip.h>, so that a
 * source written for the Windows SDK builds without changing its include
 * lines.  Installed in $(includedir)/rnr/win; `pkg-config --variable=
 * wincflags librnr` gives the -I option that puts it on the path.
 */
#include <rnr/ws2tcpip.h>
