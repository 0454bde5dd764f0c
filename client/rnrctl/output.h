/* SPDX-License-Identifier: MIT */
/*
 * rnrctl output: a small streaming JSON writer, aligned text tables, and
 * the formatting of the values rnrctl prints (sockaddrs, hex).
 *
 * Everything printed comes from rnrd and its providers, so it is treated
 * as untrusted bytes: JSON strings are always valid JSON and valid UTF-8
 * (control characters escaped, bytes that are not UTF-8 as \u00XX), and
 * text for the terminal has control characters and stray bytes shown as
 * \xNN so a name cannot move the cursor or change the terminal's state.
 */
#ifndef RNRCTL_OUTPUT_H
#define RNRCTL_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

/* Length of the well-formed UTF-8 sequence at p (1..4), or 0 when the
 * bytes there are not one (overlong, surrogate, > U+10FFFF, truncated,
 * stray continuation byte). */
size_t out_utf8_len(const unsigned char *p, size_t n);

/* ------------------------------------------------------------------ */
/* JSON                                                                 */
/* ------------------------------------------------------------------ */
#define OUT_JSON_MAX_DEPTH 32

struct out_json {
    FILE    *f;
    int      pretty;
    unsigned depth;
    int      after_key;                        /* a value completes a member */
    unsigned char count[OUT_JSON_MAX_DEPTH];   /* 0: container still empty */
};

void out_json_init(struct out_json *j, FILE *f, int pretty);
/* Writes a final newline; call when the document is complete. */
void out_json_finish(struct out_json *j);

void out_json_object_begin(struct out_json *j);
void out_json_object_end(struct out_json *j);
void out_json_array_begin(struct out_json *j);
void out_json_array_end(struct out_json *j);
/* Keys are written snake_case: '-' and '.' become '_'. */
void out_json_key(struct out_json *j, const char *key);

/* s == NULL writes null. */
void out_json_string(struct out_json *j, const char *s);
void out_json_string_n(struct out_json *j, const char *s, size_t n);
void out_json_uint(struct out_json *j, unsigned long long v);
void out_json_int(struct out_json *j, long long v);
/* NaN and infinities write null. */
void out_json_double(struct out_json *j, double v);
void out_json_bool(struct out_json *j, int v);
void out_json_null(struct out_json *j);
/* A string holding the bytes in lower-case hex; NULL writes null. */
void out_json_hex(struct out_json *j, const void *p, size_t n);

/* Members: key + value. */
void out_json_kv_string(struct out_json *j, const char *key, const char *s);
void out_json_kv_uint(struct out_json *j, const char *key, unsigned long long v);
void out_json_kv_int(struct out_json *j, const char *key, long long v);
void out_json_kv_double(struct out_json *j, const char *key, double v);
void out_json_kv_bool(struct out_json *j, const char *key, int v);
void out_json_kv_null(struct out_json *j, const char *key);

/* The quoted, escaped JSON string for n bytes of s. */
void out_json_escape(FILE *f, const char *s, size_t n);

/* ------------------------------------------------------------------ */
/* Text                                                                 */
/* ------------------------------------------------------------------ */
/* Writes s for a terminal: valid UTF-8 printable text as is, control
 * characters and invalid bytes as \xNN, backslash as \\.  NULL -> "-". */
void out_text(FILE *f, const char *s);

/* A newly allocated (rnr_malloc) copy of s made safe as out_text does,
 * or NULL on ENOMEM.  NULL s gives "-". */
char *out_text_dup(const char *s);

/* Columns a terminal needs for s: one per UTF-8 character.  (East Asian
 * wide characters count as one; good enough for alignment of names.) */
size_t out_text_width(const char *s);

/* ------------------------------------------------------------------ */
/* Tables                                                               */
/* ------------------------------------------------------------------ */
struct out_table {
    size_t  ncols;
    size_t  nrows;     /* header row included */
    size_t  cap;
    char  **cells;     /* nrows * ncols, each made safe with out_text_dup */
    int     error;     /* WSAENOBUFS after an allocation failure */
};

/* 0 or WSAENOBUFS. */
int  out_table_init(struct out_table *t, size_t ncols, const char *const *headers);
/* Copies the row; NULL cells print as "-".  0 or WSAENOBUFS. */
int  out_table_add(struct out_table *t, const char *const *row);
/* Columns separated by two spaces, the last one not padded. */
void out_table_print(const struct out_table *t, FILE *f);
void out_table_free(struct out_table *t);

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */
#define OUT_ADDR_STRLEN 80

/* "1.2.3.4:80", "[::1]:53", "[fe80::1%2]:80"; with_port 0 leaves the
 * port out (and the brackets).  Other families: "family N".  A NULL or
 * too short sockaddr: "-".  Returns 0, or WSAEINVAL when it wrote "-" or
 * "family N". */
int out_format_sockaddr(const struct sockaddr *sa, int salen, int with_port,
                        char buf[OUT_ADDR_STRLEN]);

/* "tcp", "udp" from iProtocol, else from iSocketType (stream / dgram),
 * else NULL. */
const char *out_protocol_name(int socktype, int protocol);

#endif
