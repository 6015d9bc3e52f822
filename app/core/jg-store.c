#include "config.h"
#include "jg-store.h"
