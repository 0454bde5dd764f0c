/* placeholder: being written */
typedef int rnr_placeholder_class_xml_t;
