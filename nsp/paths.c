/* placeholder: being written */
typedef int rnr_placeholder_paths_t;
