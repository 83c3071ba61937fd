#ifndef TALLY_CARGON2_SHIM_H
#define TALLY_CARGON2_SHIM_H
#include <argon2.h>
#endif
