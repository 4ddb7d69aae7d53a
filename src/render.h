/*
 * render.h - renderers: turn results into text, JSON or DOT.  They read,
 * never decide.  (To be completed with issue 3.)
 */
#ifndef VS_RENDER_H
#define VS_RENDER_H

#include "trace.h"

#endif
