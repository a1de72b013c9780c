/* sel4ts C SDK: invocations libsel4 provides on top of the generated stubs. */
#pragma once

#include <sel4/sel4_client.h>

/* SchedControl_ConfigureFlags without flags. */
LIBSEL4_INLINE seL4_Error seL4_SchedControl_Configure(seL4_SchedControl _service, seL4_SchedContext schedcontext,
                                                      seL4_Time budget, seL4_Time period, seL4_Word extra_refills,
                                                      seL4_Word badge)
{
    return seL4_SchedControl_ConfigureFlags(_service, schedcontext, budget, period, extra_refills, badge,
                                            seL4_SchedContext_NoFlag);
}
