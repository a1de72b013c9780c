/* sel4ts C SDK: the kernel configuration (generated autoconf.h). */
#pragma once

#include <autoconf.h>
