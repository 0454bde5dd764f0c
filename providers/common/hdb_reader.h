/* SPDX-License-Identifier: MIT */
/*
 * A bounded line reader for configuration-style files: lines longer than
 * a limit are reported as such and skipped without being buffered, NUL
 * bytes are reported, and only regular files are read (a FIFO or a
 * device named as the hosts file must not block or flood the daemon).
 */
#ifndef RNR_HDB_READER_H
#define RNR_HDB_READER_H

#include <stddef.h>

struct hdb_reader;

/* Line flags from hdb_reader_next. */
#define HDB_LINE_OVERLONG 0x1u   /* longer than max_line; text not given */
#define HDB_LINE_NUL      0x2u   /* contains a NUL byte */

/* Opens path for reading.  Returns 0; -1 with errno set (ENOENT when
 * missing, EINVAL when not a regular file, ENOMEM). */
int  hdb_reader_open(const char *path, size_t max_line, struct hdb_reader **out);
void hdb_reader_close(struct hdb_reader *r);

/* The next line, NUL-terminated without its newline.  Returns 1 with
 * *line, *flags and *lineno set; 0 at end of file; -1 on a read error or
 * when the file exceeds max_bytes (errno EFBIG). */
int  hdb_reader_next(struct hdb_reader *r, char **line, unsigned *flags,
                     unsigned *lineno);

#endif
