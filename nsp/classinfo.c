/* placeholder: being written */
typedef int rnr_placeholder_classinfo_t;
