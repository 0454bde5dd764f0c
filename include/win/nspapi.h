/* SPDX-License-Identifier: MIT */
/*
 * <nspapi.h> as Windows code spells it: forwards to <rnr/nspapi.h>, so that a
 * source written for the Windows SDK builds without changing its include
 * lines.  Installed in $(includedir)/rnr/win; `pkg-config --variable=
 * wincflags librnr` gives the -I option that puts it on the path.
 */
#include <rnr/nspapi.h>
