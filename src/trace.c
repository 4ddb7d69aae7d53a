/* trace.c - to be written (issue 3). */
#include "config.h"
