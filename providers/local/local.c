/* placeholder: being written */
#include <rnr/nsp.h>
const struct rnr_nsp_ops *rnr_nsp_entry(unsigned abi_version);
const struct rnr_nsp_ops *rnr_nsp_entry(unsigned abi_version) { (void)abi_version; return NULL; }
