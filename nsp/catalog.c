/* placeholder: being written */
typedef int rnr_placeholder_catalog_t;
