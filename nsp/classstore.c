/* placeholder: being written */
typedef int rnr_placeholder_classstore_t;
