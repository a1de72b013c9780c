/* sel4ts C SDK: the generated invocation stubs. */
#pragma once

#include <sel4/sel4_client.h>
