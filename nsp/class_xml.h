/* SPDX-License-Identifier: MIT */
/*
 * Service classes described in XML (etc/rnr-class.rng is the schema):
 *
 *   <serviceClass id="{...}" name="Example Service">
 *     <value name="TcpPort" namespace="12" type="dword">5000</value>
 *     <value name="SapId" namespace="1" type="dword">0x0278</value>
 *     <value name="Note" namespace="0" type="string">text</value>
 *     <value name="Raw" namespace="2" type="binary">00ff10</value>
 *   </serviceClass>
 *
 * namespace may also be a name (NS_DNS, dns, NS_SAP ...); type is one of
 * string (REG_SZ), expand-string, dword (REG_DWORD), binary (hex),
 * multi-string (<item> children), none.  Used by rnrctl (class install)
 * and rnrd (the classes.d directory).
 */
#ifndef RNR_CLASS_XML_H
#define RNR_CLASS_XML_H

#include <stddef.h>
#include <rnr/winsock2.h>

/* Parse and validate against the schema at schema_path (NULL: the
 * built-in copy).  On success *out is a flat class (rnr_free) and 0 is
 * returned; otherwise WSAEINVAL and err holds "FILE:LINE: reason". */
int rnr_class_xml_load(const char *path, const char *schema_path,
                       WSASERVICECLASSINFOA **out, char *err, size_t errlen);

/* Same, from memory (fuzzing, tests); `name` is used in messages. */
int rnr_class_xml_parse(const char *data, size_t len, const char *name,
                        const char *schema_path, WSASERVICECLASSINFOA **out,
                        char *err, size_t errlen);

/* The schema used when schema_path is NULL: the text of etc/rnr-class.rng,
 * compiled in (for `rnrctl class schema` and the unit test that keeps the
 * two identical). */
const char *rnr_class_xml_builtin_schema(void);

/* Name-space number from "12", "NS_DNS" or "dns"; -1 when unknown. */
long rnr_namespace_from_string(const char *s);
/* "NS_DNS" for 12, or NULL. */
const char *rnr_namespace_name(DWORD ns);

#endif
