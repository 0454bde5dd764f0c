/* placeholder: being written */
typedef int rnr_placeholder_guid_t;
