/* The declaration in include/cfuzzdriver.h is the whole module; this file only makes it a C target. */
#include "cfuzzdriver.h"
