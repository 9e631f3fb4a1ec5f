// PCRE2's 8-bit library (apt libpcre2-dev). Not linked here: CGitShim links Debian's static
// libpcre2-8.a already (libgit2 needs it), and every target that imports this depends on it.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
