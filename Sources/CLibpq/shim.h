// libpq (PostgreSQL's client library), loaded on first use with dlopen("libpq.so.5") rather
// than linked, as libcurl is (Sources/CCurl/shim.h): only a repository configured with
// `[store] url = "postgresql://…"` talks to a database, and linking libpq would map it and the
// libraries it needs (OpenSSL, Kerberos, LDAP) into every autodev process, the post-commit hook's
// included. Only the header is used at build time (Debian libpq-dev), so the signatures below
// are checked against the real ones.
#ifndef AUTODEV_CLIBPQ_SHIM_H
#define AUTODEV_CLIBPQ_SHIM_H

#include <postgresql/libpq-fe.h>
#include <dlfcn.h>
#include <stddef.h>

/// The libpq entry points autodev uses, looked up with dlsym.
typedef struct autodev_pq {
    void *library;
    PGconn *(*connectdbParams)(const char *const *keywords, const char *const *values, int expand_dbname);
    ConnStatusType (*status)(const PGconn *conn);
    char *(*errorMessage)(const PGconn *conn);
    void (*finish)(PGconn *conn);
    PGresult *(*exec)(PGconn *conn, const char *query);
    PGresult *(*execParams)(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                            const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat);
    ExecStatusType (*resultStatus)(const PGresult *res);
    char *(*resultErrorField)(const PGresult *res, int fieldcode);
    char *(*resultErrorMessage)(const PGresult *res);
    int (*ntuples)(const PGresult *res);
    int (*nfields)(const PGresult *res);
    char *(*getvalue)(const PGresult *res, int tup_num, int field_num);
    int (*getisnull)(const PGresult *res, int tup_num, int field_num);
    void (*clear)(PGresult *res);
    PGTransactionStatusType (*transactionStatus)(const PGconn *conn);
} autodev_pq;

/// Opens `soname` and finds every entry point. Returns NULL on success, or what failed (the
/// loader's message, or the name of a missing symbol).
static inline const char *autodev_pq_load(autodev_pq *api, const char *soname) {
    api->library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (api->library == NULL) { return dlerror(); }
#define AUTODEV_PQ_SYM(field, name) \
    if ((*(void **)(&api->field) = dlsym(api->library, name)) == NULL) { return name; }
    AUTODEV_PQ_SYM(connectdbParams, "PQconnectdbParams")
    AUTODEV_PQ_SYM(status, "PQstatus")
    AUTODEV_PQ_SYM(errorMessage, "PQerrorMessage")
    AUTODEV_PQ_SYM(finish, "PQfinish")
    AUTODEV_PQ_SYM(exec, "PQexec")
    AUTODEV_PQ_SYM(execParams, "PQexecParams")
    AUTODEV_PQ_SYM(resultStatus, "PQresultStatus")
    AUTODEV_PQ_SYM(resultErrorField, "PQresultErrorField")
    AUTODEV_PQ_SYM(resultErrorMessage, "PQresultErrorMessage")
    AUTODEV_PQ_SYM(ntuples, "PQntuples")
    AUTODEV_PQ_SYM(nfields, "PQnfields")
    AUTODEV_PQ_SYM(getvalue, "PQgetvalue")
    AUTODEV_PQ_SYM(getisnull, "PQgetisnull")
    AUTODEV_PQ_SYM(clear, "PQclear")
    AUTODEV_PQ_SYM(transactionStatus, "PQtransactionStatus")
#undef AUTODEV_PQ_SYM
    return NULL;
}

/// PG_DIAG_SQLSTATE, a macro of a character Swift imports awkwardly.
static inline int autodev_pq_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }

#endif
