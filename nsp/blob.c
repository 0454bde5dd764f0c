/* placeholder: being written */
typedef int rnr_placeholder_blob_t;
