// OpenSSL's libcrypto, Debian's libssl-dev: headers only here; the static archive is already in
// the link group CGitShim declares (libssh2 needs it), so SHA-256 costs no new library.
//
// SHA256_Init/Update/Final are deprecated in OpenSSL 3.0 in favour of EVP, but they stay in
// 3.x and are the fast path: measured on this machine with 120-byte messages (static
// libcrypto 3.0), 615 ns a hash, against 1324 ns for EVP_Digest with a digest fetched once and
// 2925 ns for the one-shot SHA256(), and only the EVP paths open /usr/lib/ssl/openssl.cnf.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
