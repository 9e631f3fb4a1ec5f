// Pieces both of git's lookup files need: big-endian numbers, mapping a file, and finding an
// object id in a sorted table behind a 256-entry fan-out (pack indexes and the commit-graph
// share that layout).

#ifndef AUTODEV_CGITPACK_SHARED_H
#define AUTODEV_CGITPACK_SHARED_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t autodev_be32(const unsigned char *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint64_t autodev_be64(const unsigned char *p) {
    return ((uint64_t)autodev_be32(p) << 32) | autodev_be32(p + 4);
}

/// Maps a whole file read-only; NULL when it cannot be opened or is empty.
const unsigned char *autodev_map_file(const char *path, size_t *size);

/// Whether the fan-out table (256 big-endian counts) never decreases.
int autodev_fanout_valid(const unsigned char *fanout);

/// Finds `oid` (20 bytes) among the sorted ids the fan-out describes; 0 and its position when found.
static inline int autodev_find_oid(const unsigned char *fanout, const unsigned char *oids, const unsigned char *oid,
                                   uint32_t *position) {
    uint32_t low = oid[0] == 0 ? 0 : autodev_be32(fanout + 4 * (oid[0] - 1));
    uint32_t high = autodev_be32(fanout + 4 * oid[0]);
    while (low < high) {
        uint32_t middle = low + (high - low) / 2;
        int order = memcmp(oids + (size_t)middle * 20, oid, 20);
        if (order == 0) {
            *position = middle;
            return 0;
        }
        if (order < 0) low = middle + 1; else high = middle;
    }
    return -1;
}

#endif
