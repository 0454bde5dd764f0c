#include <rnr/winsock2.h>
const char *rnr_strerror(int e) { (void)e; return "unknown"; }
