/* sel4ts C SDK: after a failed Page_Map, the MR that holds the level where the walk stopped. */
#pragma once

#include <sel4/functions.h>

#define SEL4_MAPPING_LOOKUP_LEVEL 2
#define SEL4_MAPPING_LOOKUP_NO_PT 21

LIBSEL4_INLINE_FUNC seL4_Word seL4_MappingFailedLookupLevel(void)
{
    return seL4_GetMR(SEL4_MAPPING_LOOKUP_LEVEL);
}
