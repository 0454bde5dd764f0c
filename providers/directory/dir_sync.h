/* SPDX-License-Identifier: MIT */
/*
 * The directory's fsync worker (dir_sync.c): one thread, one fdatasync
 * at a time, asked for and collected on rnrd's loop.
 */
#ifndef RNR_DIR_SYNC_H
#define RNR_DIR_SYNC_H

struct dir_sync;

/* Starts the thread.  0 or an errno. */
int  dir_sync_start(struct dir_sync **out);
/* Finishes a sync in flight, then joins the thread.  Accepts NULL. */
void dir_sync_stop(struct dir_sync *ds);
/* Readable when a sync is done: watch it on the loop. */
int  dir_sync_event_fd(const struct dir_sync *ds);
/* fdatasync(fd) in the thread; at most one in flight. */
void dir_sync_request(struct dir_sync *ds, int fd);
/* After the event fd was readable: 1 and *err (0 or errno) when the sync
 * asked for is done, else 0. */
int  dir_sync_result(struct dir_sync *ds, int *err);
/* Blocks until the sync in flight, if any, is done; its errno. */
int  dir_sync_wait(struct dir_sync *ds);

#endif
