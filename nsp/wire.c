/* placeholder: being written */
typedef int rnr_placeholder_wire_t;
