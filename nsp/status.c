/* placeholder: being written */
typedef int rnr_placeholder_status_t;
