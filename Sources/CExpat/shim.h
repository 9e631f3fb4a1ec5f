// Expat, Debian's libexpat1-dev: headers only here; AutodevCore links the static archive.
// Debian builds expat with DTD support, which declares the billion-laughs limits.
#define XML_DTD 1
#include <expat.h>
