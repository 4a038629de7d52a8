/* store.c: not written yet. */
#include "util.h"
