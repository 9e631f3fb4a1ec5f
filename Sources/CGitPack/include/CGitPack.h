#ifndef AUTODEV_CGITPACK_H
#define AUTODEV_CGITPACK_H

#include <stddef.h>
#include <stdint.h>

/// A read-only view of a repository's pack files (objects/pack/pack-*.idx and .pack, index
/// version 2, SHA-1), for reading trees and blobs from several threads without locks.
///
/// Why this exists: libgit2 1.5 takes a process-wide mutex for every pack window it touches,
/// so threads reading objects through it mostly take turns, and its per-object overhead made a
/// 100-commit tree diff slower than git's. This reader does what git does — binary search in
/// the memory-mapped index, inflate, apply deltas, keep recent delta bases — and nothing else.
/// Anything it cannot answer (loose objects, alternates, index version 1, a REF_DELTA base
/// outside the packs, damaged data) is reported as "not here", and the caller asks libgit2,
/// which also produces the proper error for damaged data.

typedef struct autodev_packs autodev_packs;
typedef struct autodev_pack_reader autodev_pack_reader;

/// Maps every usable pack in `pack_directory` (e.g. ".git/objects/pack"). Returns NULL only when
/// memory runs out; a folder without packs gives an empty set. Shared by any number of readers,
/// immutable once open.
autodev_packs *autodev_packs_open(const char *pack_directory);
void autodev_packs_close(autodev_packs *packs);
/// How many packs were mapped.
size_t autodev_packs_count(const autodev_packs *packs);

/// A reader for one thread at a time: it owns a zlib stream and a cache of delta bases.
autodev_pack_reader *autodev_pack_reader_new(const autodev_packs *packs);
void autodev_pack_reader_free(autodev_pack_reader *reader);

/// Object types as in git's pack format.
enum {
    AUTODEV_OBJ_COMMIT = 1,
    AUTODEV_OBJ_TREE = 2,
    AUTODEV_OBJ_BLOB = 3,
    AUTODEV_OBJ_TAG = 4,
};

/// Reads the object `oid` (20 bytes). On success returns 0 and sets `*type`, `*data` (malloc'd,
/// the caller frees it; NULL for an empty object) and `*size`. Returns 1 when the packs do not
/// hold the object or it cannot be read here (ask libgit2), -1 when memory runs out.
int autodev_pack_read(autodev_pack_reader *reader, const unsigned char *oid, int *type,
                      unsigned char **data, size_t *size);

/// git's commit-graph file, for walking parents without reading commits (see commit_graph.c).
typedef struct autodev_commit_graph autodev_commit_graph;

/// Maps `path` (objects/info/commit-graph); NULL when it is absent or not a single-layer SHA-1
/// graph this reader understands. Immutable once open: any number of threads may look up.
autodev_commit_graph *autodev_commit_graph_open(const char *path);
void autodev_commit_graph_close(autodev_commit_graph *graph);

/// Looks a commit up: 0 with its tree id (20 bytes) in `tree` and its parents' ids (20 bytes
/// each, in order, at most `capacity`) in `parents`, their number in `*count`; 1 when the graph
/// does not hold the commit; -1 when the graph is damaged or there are more than `capacity`.
int autodev_commit_graph_lookup(const autodev_commit_graph *graph, const unsigned char *oid, unsigned char *tree,
                                unsigned char *parents, size_t capacity, size_t *count);

#endif
