#ifndef FLYWHEEL_CZLIB_SHIM_H
#define FLYWHEEL_CZLIB_SHIM_H
// zlib (Debian's zlib1g-dev): gzip-compressed replay files.
#include <zlib.h>
#endif
