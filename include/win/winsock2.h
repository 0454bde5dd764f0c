/* SPDX-License-Identifier: MIT */
/*
 * <winsock2.h> as Windows code spells it: forwards to <rnr/winsock2.h>, so that a
 * source written for the Windows SDK builds without changing its include
 * lines.  Installed in $(includedir)/rnr/win; `pkg-config --variable=
 * wincflags librnr` gives the -I option that puts it on the path.
 */
#include <rnr/winsock2.h>
