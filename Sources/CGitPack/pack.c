// A lock-free reader for git pack files; see include/CGitPack.h for why it exists.
//
// Formats (git's Documentation/gitformat-pack.txt):
//   .idx version 2: "\377tOc", version 2, fan-out table (256 big-endian uint32), the sorted
//   object ids (20 bytes each), their CRC32s, their 31-bit offsets (high bit set: index into
//   the table of 64-bit offsets that follows), then two SHA-1 checksums.
//   .pack: "PACK", version 2 or 3, object count; each object a type-and-size header, for
//   OFS_DELTA a relative base offset, for REF_DELTA a base id, then zlib data.
// Every read is bounds-checked; anything unexpected answers "not here" (1), never crashes.

#define _GNU_SOURCE
#include "CGitPack.h"
#include "shared.h"

#include <dirent.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>

enum { OBJ_OFS_DELTA = 6, OBJ_REF_DELTA = 7 };
enum { NOT_HERE = 1, NO_MEMORY = -1 };

struct pack {
    const unsigned char *idx;
    size_t idx_size;
    const unsigned char *data;
    size_t data_size;
    uint32_t count;
    const unsigned char *fanout;
    const unsigned char *oids;
    const unsigned char *offsets;
    const unsigned char *large_offsets;
    size_t large_count;
};

struct autodev_packs {
    struct pack *packs;
    size_t count;
};

// Recently resolved objects, to serve as delta bases: direct-mapped by (pack, offset).
#define CACHE_SLOTS 1024
#define CACHE_LIMIT ((size_t)96 << 20)
#define CACHE_ENTRY_LIMIT ((size_t)16 << 20)
#define MAX_CHAIN 10000

struct cache_entry {
    size_t pack;
    size_t offset;
    unsigned char *data;
    size_t size;
    int type;
};

struct autodev_pack_reader {
    const autodev_packs *packs;
    // libdeflate rather than zlib: pack objects are small and their inflated size is known, and
    // its one-shot decompression was about twice as fast as zlib's streaming inflate here.
    struct libdeflate_decompressor *inflater;
    size_t last_pack;           // the pack that held the last object found
    struct cache_entry cache[CACHE_SLOTS];
    size_t cached_bytes;
    struct link { size_t pack, offset, data_offset, size; } *chain;
    size_t chain_capacity;
};

// Maps one pack and its index; 0 on success.
static int open_pack(struct pack *pack, const char *idx_path, const char *pack_path) {
    memset(pack, 0, sizeof *pack);
    pack->idx = autodev_map_file(idx_path, &pack->idx_size);
    if (pack->idx == NULL) return -1;
    const size_t header = 8 + 256 * 4;
    if (pack->idx_size < header + 40 || memcmp(pack->idx, "\377tOc", 4) != 0 || autodev_be32(pack->idx + 4) != 2) goto fail;
    pack->fanout = pack->idx + 8;
    if (!autodev_fanout_valid(pack->fanout)) goto fail;
    pack->count = autodev_be32(pack->fanout + 4 * 255);
    size_t tables = (size_t)pack->count * (20 + 4 + 4);
    if (pack->idx_size - header - 40 < tables) goto fail;
    size_t rest = pack->idx_size - header - 40 - tables;
    if (rest % 8 != 0) goto fail;
    pack->oids = pack->idx + header;
    pack->offsets = pack->oids + (size_t)pack->count * 24;
    pack->large_offsets = pack->offsets + (size_t)pack->count * 4;
    pack->large_count = rest / 8;

    pack->data = autodev_map_file(pack_path, &pack->data_size);
    if (pack->data == NULL) goto fail;
    if (pack->data_size < 12 + 20 || memcmp(pack->data, "PACK", 4) != 0) goto fail;
    uint32_t version = autodev_be32(pack->data + 4);
    if ((version != 2 && version != 3) || autodev_be32(pack->data + 8) != pack->count) goto fail;
    return 0;
fail:
    if (pack->data != NULL) munmap((void *)pack->data, pack->data_size);
    munmap((void *)pack->idx, pack->idx_size);
    memset(pack, 0, sizeof *pack);
    return -1;
}

autodev_packs *autodev_packs_open(const char *pack_directory) {
    autodev_packs *packs = calloc(1, sizeof *packs);
    if (packs == NULL) return NULL;
    DIR *dir = opendir(pack_directory);
    if (dir == NULL) return packs;
    size_t capacity = 0;
    size_t directory_length = strlen(pack_directory);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        size_t length = strlen(entry->d_name);
        if (length < 10 || strncmp(entry->d_name, "pack-", 5) != 0 || strcmp(entry->d_name + length - 4, ".idx") != 0) continue;
        char *idx_path = malloc(directory_length + length + 3);
        char *pack_path = malloc(directory_length + length + 4);
        if (idx_path == NULL || pack_path == NULL) {
            free(idx_path);
            free(pack_path);
            break;
        }
        sprintf(idx_path, "%s/%s", pack_directory, entry->d_name);
        sprintf(pack_path, "%s/%.*s.pack", pack_directory, (int)(length - 4), entry->d_name);
        if (packs->count == capacity) {
            size_t grown = capacity ? capacity * 2 : 4;
            struct pack *larger = realloc(packs->packs, grown * sizeof *larger);
            if (larger == NULL) {
                free(idx_path);
                free(pack_path);
                break;
            }
            packs->packs = larger;
            capacity = grown;
        }
        if (open_pack(&packs->packs[packs->count], idx_path, pack_path) == 0) packs->count++;
        free(idx_path);
        free(pack_path);
    }
    closedir(dir);
    return packs;
}

void autodev_packs_close(autodev_packs *packs) {
    if (packs == NULL) return;
    for (size_t i = 0; i < packs->count; i++) {
        munmap((void *)packs->packs[i].idx, packs->packs[i].idx_size);
        munmap((void *)packs->packs[i].data, packs->packs[i].data_size);
    }
    free(packs->packs);
    free(packs);
}

size_t autodev_packs_count(const autodev_packs *packs) {
    return packs == NULL ? 0 : packs->count;
}

autodev_pack_reader *autodev_pack_reader_new(const autodev_packs *packs) {
    autodev_pack_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) return NULL;
    reader->packs = packs;
    reader->inflater = libdeflate_alloc_decompressor();
    if (reader->inflater == NULL) {
        free(reader);
        return NULL;
    }
    return reader;
}

void autodev_pack_reader_free(autodev_pack_reader *reader) {
    if (reader == NULL) return;
    for (size_t i = 0; i < CACHE_SLOTS; i++) free(reader->cache[i].data);
    libdeflate_free_decompressor(reader->inflater);
    free(reader->chain);
    free(reader);
}

// Finds `oid` in one pack: its offset. 0 when found, 1 when not there, -1 when damaged.
static int locate_in(const struct pack *pack, const unsigned char *oid, size_t *offset) {
    uint32_t position;
    if (autodev_find_oid(pack->fanout, pack->oids, oid, &position) != 0) return 1;
    uint32_t small = autodev_be32(pack->offsets + (size_t)position * 4);
    uint64_t at = small;
    if (small & 0x80000000u) {
        size_t index = small & 0x7fffffffu;
        if (index >= pack->large_count) return -1;
        at = autodev_be64(pack->large_offsets + index * 8);
    }
    if (at < 12 || at >= pack->data_size - 20) return -1;
    *offset = (size_t)at;
    return 0;
}

// Finds `oid` in the packs: its pack and offset. 0 when found. `hint`, when given, is the pack
// that answered last and is asked first (a repository that is never repacked can have hundreds
// of packs; objects read together tend to live together); it is updated.
static int locate(const autodev_packs *packs, const unsigned char *oid, size_t *hint, size_t *which, size_t *offset) {
    if (hint != NULL && *hint < packs->count) {
        int found = locate_in(&packs->packs[*hint], oid, offset);
        if (found <= 0) {
            *which = *hint;
            return found;
        }
    }
    for (size_t p = 0; p < packs->count; p++) {
        if (hint != NULL && p == *hint) continue;
        int found = locate_in(&packs->packs[p], oid, offset);
        if (found == 1) continue;
        if (found == 0) {
            *which = p;
            if (hint != NULL) *hint = p;
        }
        return found;
    }
    return -1;
}

// Reads the header of the object at `offset`: its type, (inflated) size, where its zlib data
// starts, and for deltas where the base is.
static int read_header(const autodev_packs *packs, size_t which, size_t offset, int *type, size_t *size,
                       size_t *data_offset, size_t *base_pack, size_t *base_offset) {
    const struct pack *pack = &packs->packs[which];
    const size_t end = pack->data_size - 20;
    size_t at = offset;
    if (at >= end) return -1;
    unsigned char byte = pack->data[at++];
    *type = (byte >> 4) & 7;
    size_t value = byte & 15;
    unsigned shift = 4;
    while (byte & 0x80) {
        if (at >= end || shift > 57) return -1;
        byte = pack->data[at++];
        value |= (size_t)(byte & 0x7f) << shift;
        shift += 7;
    }
    *size = value;
    if (*type == OBJ_OFS_DELTA) {
        if (at >= end) return -1;
        byte = pack->data[at++];
        size_t distance = byte & 0x7f;
        while (byte & 0x80) {
            if (at >= end || distance > (SIZE_MAX >> 8)) return -1;
            byte = pack->data[at++];
            distance = ((distance + 1) << 7) | (byte & 0x7f);
        }
        if (distance == 0 || distance > offset) return -1;
        *base_pack = which;
        *base_offset = offset - distance;
    } else if (*type == OBJ_REF_DELTA) {
        if (end - at < 20) return -1;
        if (locate(packs, pack->data + at, NULL, base_pack, base_offset) != 0) return NOT_HERE;
        at += 20;
    } else if (*type < 1 || *type > 4) {
        return -1;
    }
    *data_offset = at;
    return 0;
}

// Inflates exactly `size` bytes from the zlib data at `data_offset` (the stream's checksum
// checked; whatever follows the stream in the pack is left alone).
static int inflate_at(autodev_pack_reader *reader, size_t which, size_t data_offset, size_t size, unsigned char **out) {
    const struct pack *pack = &reader->packs->packs[which];
    unsigned char *buffer = malloc(size + 1);
    if (buffer == NULL) return NO_MEMORY;
    size_t available = pack->data_size - 20 - data_offset;
    size_t used = 0, produced = 0;
    enum libdeflate_result result = libdeflate_zlib_decompress_ex(
        reader->inflater, pack->data + data_offset, available, buffer, size, &used, &produced);
    if (result != LIBDEFLATE_SUCCESS || produced != size) {
        free(buffer);
        return -1;
    }
    *out = buffer;
    return 0;
}

static int read_varint(const unsigned char **cursor, const unsigned char *end, size_t *value) {
    size_t result = 0;
    unsigned shift = 0;
    unsigned char byte;
    do {
        if (*cursor >= end || shift > 57) return -1;
        byte = *(*cursor)++;
        result |= (size_t)(byte & 0x7f) << shift;
        shift += 7;
    } while (byte & 0x80);
    *value = result;
    return 0;
}

// Applies a git delta to `base`.
static int apply_delta(const unsigned char *base, size_t base_size, const unsigned char *delta, size_t delta_size,
                       unsigned char **out, size_t *out_size) {
    const unsigned char *cursor = delta, *end = delta + delta_size;
    size_t source_size, target_size;
    if (read_varint(&cursor, end, &source_size) != 0 || source_size != base_size) return -1;
    if (read_varint(&cursor, end, &target_size) != 0) return -1;
    unsigned char *target = malloc(target_size + 1);
    if (target == NULL) return NO_MEMORY;
    size_t written = 0;
    while (cursor < end) {
        unsigned char command = *cursor++;
        if (command & 0x80) {
            size_t copy_offset = 0, copy_size = 0;
            for (int i = 0; i < 4; i++) {
                if (command & (1 << i)) {
                    if (cursor >= end) goto fail;
                    copy_offset |= (size_t)*cursor++ << (8 * i);
                }
            }
            for (int i = 0; i < 3; i++) {
                if (command & (0x10 << i)) {
                    if (cursor >= end) goto fail;
                    copy_size |= (size_t)*cursor++ << (8 * i);
                }
            }
            if (copy_size == 0) copy_size = 0x10000;
            if (copy_offset > base_size || copy_size > base_size - copy_offset || copy_size > target_size - written) goto fail;
            memcpy(target + written, base + copy_offset, copy_size);
            written += copy_size;
        } else if (command != 0) {
            size_t length = command;
            if (length > (size_t)(end - cursor) || length > target_size - written) goto fail;
            memcpy(target + written, cursor, length);
            cursor += length;
            written += length;
        } else {
            goto fail;
        }
    }
    if (written != target_size) goto fail;
    *out = target;
    *out_size = target_size;
    return 0;
fail:
    free(target);
    return -1;
}

static struct cache_entry *cache_slot(autodev_pack_reader *reader, size_t which, size_t offset) {
    size_t hash = (offset ^ (offset >> 12) ^ (which * 0x9e3779b9u)) % CACHE_SLOTS;
    return &reader->cache[hash];
}

// Keeps a copy of an object as a possible delta base (when it fits); `data` stays the caller's.
static void cache_put(autodev_pack_reader *reader, size_t which, size_t offset, int type, const unsigned char *data, size_t size) {
    if (size > CACHE_ENTRY_LIMIT) return;
    struct cache_entry *slot = cache_slot(reader, which, offset);
    if (slot->data != NULL) {
        reader->cached_bytes -= slot->size;
        free(slot->data);
        slot->data = NULL;
    }
    if (reader->cached_bytes + size > CACHE_LIMIT) return;
    unsigned char *copy = malloc(size + 1);
    if (copy == NULL) return;
    memcpy(copy, data, size);
    slot->pack = which;
    slot->offset = offset;
    slot->data = copy;
    slot->size = size;
    slot->type = type;
    reader->cached_bytes += size;
}

static const struct cache_entry *cache_get(autodev_pack_reader *reader, size_t which, size_t offset) {
    struct cache_entry *slot = cache_slot(reader, which, offset);
    return slot->data != NULL && slot->pack == which && slot->offset == offset ? slot : NULL;
}

int autodev_pack_read(autodev_pack_reader *reader, const unsigned char *oid, int *type, unsigned char **data, size_t *size) {
    const autodev_packs *packs = reader->packs;
    size_t which, offset;
    if (packs == NULL || locate(packs, oid, &reader->last_pack, &which, &offset) != 0) return NOT_HERE;
    const size_t start_pack = which, start_offset = offset;

    // Walk down the delta chain to an object we have: a cached one or a whole one.
    size_t links = 0;
    unsigned char *current = NULL;
    size_t current_size = 0;
    int current_type = 0;
    for (;;) {
        const struct cache_entry *hit = cache_get(reader, which, offset);
        if (hit != NULL) {
            current = malloc(hit->size + 1);
            if (current == NULL) return NO_MEMORY;
            memcpy(current, hit->data, hit->size);
            current_size = hit->size;
            current_type = hit->type;
            break;
        }
        int kind;
        size_t object_size, data_offset, base_pack = 0, base_offset = 0;
        int header = read_header(packs, which, offset, &kind, &object_size, &data_offset, &base_pack, &base_offset);
        if (header != 0) return NOT_HERE;
        if (kind != OBJ_OFS_DELTA && kind != OBJ_REF_DELTA) {
            int inflated = inflate_at(reader, which, data_offset, object_size, &current);
            if (inflated != 0) return inflated == NO_MEMORY ? NO_MEMORY : NOT_HERE;
            current_size = object_size;
            current_type = kind;
            if (links > 0) cache_put(reader, which, offset, kind, current, current_size);
            break;
        }
        if (links == MAX_CHAIN) return NOT_HERE;
        if (links == reader->chain_capacity) {
            size_t grown = reader->chain_capacity ? reader->chain_capacity * 2 : 64;
            struct link *larger = realloc(reader->chain, grown * sizeof *larger);
            if (larger == NULL) return NO_MEMORY;
            reader->chain = larger;
            reader->chain_capacity = grown;
        }
        reader->chain[links++] = (struct link){which, offset, data_offset, object_size};
        which = base_pack;
        offset = base_offset;
    }

    // Apply the deltas back up the chain, keeping each result as a base for others.
    while (links > 0) {
        struct link link = reader->chain[--links];
        unsigned char *delta = NULL;
        int inflated = inflate_at(reader, link.pack, link.data_offset, link.size, &delta);
        if (inflated != 0) {
            free(current);
            return inflated == NO_MEMORY ? NO_MEMORY : NOT_HERE;
        }
        unsigned char *result = NULL;
        size_t result_size = 0;
        int applied = apply_delta(current, current_size, delta, link.size, &result, &result_size);
        free(delta);
        free(current);
        if (applied != 0) return applied == NO_MEMORY ? NO_MEMORY : NOT_HERE;
        current = result;
        current_size = result_size;
        if (links > 0) cache_put(reader, link.pack, link.offset, current_type, current, current_size);
    }
    // Trees of neighbouring commits are deltas of each other, and a diff reads both: keep trees.
    if (current_type == AUTODEV_OBJ_TREE && cache_get(reader, start_pack, start_offset) == NULL) {
        cache_put(reader, start_pack, start_offset, current_type, current, current_size);
    }
    *type = current_type;
    *size = current_size;
    if (current_size == 0) {
        free(current);
        current = NULL;
    }
    *data = current;
    return 0;
}

// --- shared.h -----------------------------------------------------------------------------------

const unsigned char *autodev_map_file(const char *path, size_t *size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat info;
    if (fstat(fd, &info) != 0 || info.st_size <= 0) {
        close(fd);
        return NULL;
    }
    void *map = mmap(NULL, (size_t)info.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) return NULL;
    *size = (size_t)info.st_size;
    return map;
}

int autodev_fanout_valid(const unsigned char *fanout) {
    for (int i = 1; i < 256; i++) {
        if (autodev_be32(fanout + 4 * i) < autodev_be32(fanout + 4 * (i - 1))) return 0;
    }
    return 1;
}
