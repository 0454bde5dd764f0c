/* placeholder: being written */
typedef int rnr_placeholder_router_t;
