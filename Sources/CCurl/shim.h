// libcurl, loaded on first use with dlopen("libcurl.so.4") rather than linked: linking it pulls
// 32 shared libraries into every autodev process, and commands that never call a model
// (`--help`, `diff-events`, the post-commit hook) would pay for them at start-up (measured
// with hyperfine: `autodev --help` 10.2 ms → 20.3 ms with libcurl loaded; see AutodevLLM's
// CurlLibrary.swift). Only the headers are used at build time (Debian libcurl4-openssl-dev).
//
// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: the typed
// wrappers below make each call with the argument type the option expects.
#ifndef AUTODEV_CCURL_SHIM_H
#define AUTODEV_CCURL_SHIM_H

#include <curl/curl.h>
#include <dlfcn.h>
#include <stddef.h>

/// The libcurl entry points autodev uses, looked up with dlsym.
typedef struct autodev_curl {
    void *library;
    void *global_init, *version;
    void *easy_init, *easy_cleanup, *easy_reset, *easy_setopt, *easy_getinfo, *easy_strerror;
    void *slist_append, *slist_free_all;
    void *multi_init, *multi_cleanup, *multi_add_handle, *multi_remove_handle, *multi_perform, *multi_poll,
         *multi_info_read, *multi_strerror;
} autodev_curl;

/// Opens `soname` and finds every entry point. Returns NULL on success, or what failed (the
/// loader's message, or the name of a missing symbol); the text is valid until the next call.
static inline const char *autodev_curl_load(autodev_curl *api, const char *soname) {
    api->library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (api->library == NULL) { return dlerror(); }
#define AUTODEV_CURL_SYM(field, name) \
    if ((api->field = dlsym(api->library, name)) == NULL) { return name; }
    AUTODEV_CURL_SYM(global_init, "curl_global_init")
    AUTODEV_CURL_SYM(version, "curl_version")
    AUTODEV_CURL_SYM(easy_init, "curl_easy_init")
    AUTODEV_CURL_SYM(easy_cleanup, "curl_easy_cleanup")
    AUTODEV_CURL_SYM(easy_reset, "curl_easy_reset")
    AUTODEV_CURL_SYM(easy_setopt, "curl_easy_setopt")
    AUTODEV_CURL_SYM(easy_getinfo, "curl_easy_getinfo")
    AUTODEV_CURL_SYM(easy_strerror, "curl_easy_strerror")
    AUTODEV_CURL_SYM(slist_append, "curl_slist_append")
    AUTODEV_CURL_SYM(slist_free_all, "curl_slist_free_all")
    AUTODEV_CURL_SYM(multi_init, "curl_multi_init")
    AUTODEV_CURL_SYM(multi_cleanup, "curl_multi_cleanup")
    AUTODEV_CURL_SYM(multi_add_handle, "curl_multi_add_handle")
    AUTODEV_CURL_SYM(multi_remove_handle, "curl_multi_remove_handle")
    AUTODEV_CURL_SYM(multi_perform, "curl_multi_perform")
    AUTODEV_CURL_SYM(multi_poll, "curl_multi_poll")
    AUTODEV_CURL_SYM(multi_info_read, "curl_multi_info_read")
    AUTODEV_CURL_SYM(multi_strerror, "curl_multi_strerror")
#undef AUTODEV_CURL_SYM
    return NULL;
}

static inline CURLcode autodev_curl_global_init(const autodev_curl *api) {
    return ((CURLcode (*)(long))api->global_init)(CURL_GLOBAL_DEFAULT);
}
static inline const char *autodev_curl_version(const autodev_curl *api) {
    return ((char *(*)(void))api->version)();
}

static inline CURL *autodev_curl_easy_init(const autodev_curl *api) {
    return ((CURL *(*)(void))api->easy_init)();
}
static inline void autodev_curl_easy_cleanup(const autodev_curl *api, CURL *easy) {
    ((void (*)(CURL *))api->easy_cleanup)(easy);
}
static inline void autodev_curl_easy_reset(const autodev_curl *api, CURL *easy) {
    ((void (*)(CURL *))api->easy_reset)(easy);
}
static inline const char *autodev_curl_easy_strerror(const autodev_curl *api, CURLcode code) {
    return ((const char *(*)(CURLcode))api->easy_strerror)(code);
}

typedef CURLcode (*autodev_curl_setopt_fn)(CURL *, CURLoption, ...);
static inline CURLcode autodev_curl_setopt_long(const autodev_curl *api, CURL *easy, CURLoption option, long value) {
    return ((autodev_curl_setopt_fn)api->easy_setopt)(easy, option, value);
}
static inline CURLcode autodev_curl_setopt_off(const autodev_curl *api, CURL *easy, CURLoption option, curl_off_t value) {
    return ((autodev_curl_setopt_fn)api->easy_setopt)(easy, option, value);
}
static inline CURLcode autodev_curl_setopt_pointer(const autodev_curl *api, CURL *easy, CURLoption option, const void *value) {
    return ((autodev_curl_setopt_fn)api->easy_setopt)(easy, option, value);
}
static inline CURLcode autodev_curl_setopt_string(const autodev_curl *api, CURL *easy, CURLoption option, const char *value) {
    return ((autodev_curl_setopt_fn)api->easy_setopt)(easy, option, value);
}
static inline CURLcode autodev_curl_setopt_write(const autodev_curl *api, CURL *easy, CURLoption option, curl_write_callback value) {
    return ((autodev_curl_setopt_fn)api->easy_setopt)(easy, option, value);
}
static inline CURLcode autodev_curl_setopt_slist(const autodev_curl *api, CURL *easy, CURLoption option, struct curl_slist *value) {
    return ((autodev_curl_setopt_fn)api->easy_setopt)(easy, option, value);
}

static inline CURLcode autodev_curl_getinfo_long(const autodev_curl *api, CURL *easy, CURLINFO info, long *value) {
    return ((CURLcode (*)(CURL *, CURLINFO, ...))api->easy_getinfo)(easy, info, value);
}

static inline struct curl_slist *autodev_curl_slist_append(const autodev_curl *api, struct curl_slist *list, const char *line) {
    return ((struct curl_slist *(*)(struct curl_slist *, const char *))api->slist_append)(list, line);
}
static inline void autodev_curl_slist_free_all(const autodev_curl *api, struct curl_slist *list) {
    ((void (*)(struct curl_slist *))api->slist_free_all)(list);
}

static inline CURLM *autodev_curl_multi_init(const autodev_curl *api) {
    return ((CURLM *(*)(void))api->multi_init)();
}
static inline CURLMcode autodev_curl_multi_cleanup(const autodev_curl *api, CURLM *multi) {
    return ((CURLMcode (*)(CURLM *))api->multi_cleanup)(multi);
}
static inline CURLMcode autodev_curl_multi_add_handle(const autodev_curl *api, CURLM *multi, CURL *easy) {
    return ((CURLMcode (*)(CURLM *, CURL *))api->multi_add_handle)(multi, easy);
}
static inline CURLMcode autodev_curl_multi_remove_handle(const autodev_curl *api, CURLM *multi, CURL *easy) {
    return ((CURLMcode (*)(CURLM *, CURL *))api->multi_remove_handle)(multi, easy);
}
static inline CURLMcode autodev_curl_multi_perform(const autodev_curl *api, CURLM *multi, int *running) {
    return ((CURLMcode (*)(CURLM *, int *))api->multi_perform)(multi, running);
}
/// Waits for activity on the transfer for at most `timeout_ms`.
static inline CURLMcode autodev_curl_multi_poll(const autodev_curl *api, CURLM *multi, int timeout_ms) {
    return ((CURLMcode (*)(CURLM *, struct curl_waitfd *, unsigned int, int, int *))api->multi_poll)(multi, NULL, 0, timeout_ms, NULL);
}
static inline const char *autodev_curl_multi_strerror(const autodev_curl *api, CURLMcode code) {
    return ((const char *(*)(CURLMcode))api->multi_strerror)(code);
}
/// The result of the finished transfer, if one finished: returns 1 and sets `result`, else 0.
static inline int autodev_curl_multi_done(const autodev_curl *api, CURLM *multi, CURLcode *result) {
    int left = 0;
    CURLMsg *message;
    while ((message = ((CURLMsg *(*)(CURLM *, int *))api->multi_info_read)(multi, &left)) != NULL) {
        if (message->msg == CURLMSG_DONE) {
            *result = message->data.result;
            return 1;
        }
    }
    return 0;
}

#endif
