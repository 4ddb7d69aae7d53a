/* render-json.c - to be written (issue 3). */
#include "config.h"
