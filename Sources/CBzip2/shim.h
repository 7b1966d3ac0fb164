#ifndef FLOE_CBZIP2_SHIM_H
#define FLOE_CBZIP2_SHIM_H
#include <bzlib.h>
#endif
