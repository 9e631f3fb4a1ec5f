// Reads git's commit-graph file (Documentation/gitformat-commit-graph.txt), to walk first
// parents without inflating commits: `HEAD~1000` is then a thousand array lookups. Only the
// single-file graph (objects/info/commit-graph, one layer) is read; anything else — a split
// chain, another hash, a damaged file — leaves the caller to read commits themselves.

#define _GNU_SOURCE
#include "CGitPack.h"
#include "shared.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PARENT_NONE 0x70000000u
#define PARENT_EXTRA 0x80000000u

struct autodev_commit_graph {
    const unsigned char *data;
    size_t size;
    uint32_t count;
    const unsigned char *fanout;
    const unsigned char *oids;
    const unsigned char *commits;   // 36 bytes each: tree, parent 1, parent 2, generation and time
    const unsigned char *edges;     // extra parents of octopus merges
    size_t edge_count;
};

autodev_commit_graph *autodev_commit_graph_open(const char *path) {
    size_t size = 0;
    const unsigned char *data = autodev_map_file(path, &size);
    if (data == NULL) return NULL;
    autodev_commit_graph *graph = calloc(1, sizeof *graph);
    if (graph == NULL || size < 8 + 12 + 20) goto fail;
    graph->data = data;
    graph->size = size;
    // Header: signature, version 1, hash version 1 (SHA-1), chunk count, no base layers.
    if (memcmp(data, "CGPH", 4) != 0 || data[4] != 1 || data[5] != 1 || data[7] != 0) goto fail;
    unsigned chunks = data[6];
    if ((size_t)(chunks + 1) * 12 + 8 > size - 20) goto fail;
    size_t oidl_size = 0, cdat_size = 0;
    for (unsigned i = 0; i < chunks; i++) {
        const unsigned char *entry = data + 8 + 12 * i;
        uint64_t start = autodev_be64(entry + 4), end = autodev_be64(entry + 12 + 4);
        if (start > end || end > size - 20) goto fail;
        const unsigned char *chunk = data + start;
        size_t length = (size_t)(end - start);
        if (memcmp(entry, "OIDF", 4) == 0) {
            if (length != 256 * 4) goto fail;
            graph->fanout = chunk;
        } else if (memcmp(entry, "OIDL", 4) == 0) {
            graph->oids = chunk;
            oidl_size = length;
        } else if (memcmp(entry, "CDAT", 4) == 0) {
            graph->commits = chunk;
            cdat_size = length;
        } else if (memcmp(entry, "EDGE", 4) == 0) {
            if (length % 4 != 0) goto fail;
            graph->edges = chunk;
            graph->edge_count = length / 4;
        }
    }
    if (graph->fanout == NULL || graph->oids == NULL || graph->commits == NULL) goto fail;
    graph->count = autodev_be32(graph->fanout + 4 * 255);
    if (!autodev_fanout_valid(graph->fanout)) goto fail;
    if (oidl_size != (size_t)graph->count * 20 || cdat_size != (size_t)graph->count * 36) goto fail;
    return graph;
fail:
    free(graph);
    munmap((void *)data, size);
    return NULL;
}

void autodev_commit_graph_close(autodev_commit_graph *graph) {
    if (graph == NULL) return;
    munmap((void *)graph->data, graph->size);
    free(graph);
}

static int copy_parent(const autodev_commit_graph *graph, uint32_t position, unsigned char *out) {
    if (position >= graph->count) return -1;
    memcpy(out, graph->oids + (size_t)position * 20, 20);
    return 0;
}

int autodev_commit_graph_lookup(const autodev_commit_graph *graph, const unsigned char *oid, unsigned char *tree,
                                unsigned char *parents, size_t capacity, size_t *count) {
    uint32_t position;
    if (graph == NULL || autodev_find_oid(graph->fanout, graph->oids, oid, &position) != 0) return 1;
    const unsigned char *entry = graph->commits + (size_t)position * 36;
    memcpy(tree, entry, 20);
    uint32_t first = autodev_be32(entry + 20), second = autodev_be32(entry + 24);
    size_t found = 0;
    if (first != PARENT_NONE) {
        if (found == capacity || copy_parent(graph, first, parents + 20 * found) != 0) return -1;
        found++;
    }
    if (second != PARENT_NONE) {
        if (second & PARENT_EXTRA) {
            // An octopus merge: parents 2.. are listed in EDGE, the last one flagged.
            size_t edge = second & ~PARENT_EXTRA;
            for (;;) {
                if (edge >= graph->edge_count) return -1;
                uint32_t value = autodev_be32(graph->edges + 4 * edge);
                if (found == capacity || copy_parent(graph, value & ~PARENT_EXTRA, parents + 20 * found) != 0) return -1;
                found++;
                if (value & PARENT_EXTRA) break;
                edge++;
            }
        } else {
            if (found == capacity || copy_parent(graph, second, parents + 20 * found) != 0) return -1;
            found++;
        }
    }
    *count = found;
    return 0;
}
