#ifndef JOBKIT_CSQLITE_SHIM_H
#define JOBKIT_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
