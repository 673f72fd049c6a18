// Symbol visibility for the shared dmascope_ui library.
#pragma once

#include <QtCore/qglobal.h>

#if defined(DMASCOPE_UI_LIBRARY)
#define DMASCOPE_UI_EXPORT Q_DECL_EXPORT
#else
#define DMASCOPE_UI_EXPORT Q_DECL_IMPORT
#endif
