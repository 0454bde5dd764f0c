/* placeholder: being written */
typedef int rnr_placeholder_queryset_t;
