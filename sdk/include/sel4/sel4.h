/*
 * sel4ts C SDK: libsel4 for seL4 MCS on riscv64, written for sel4ts.
 *
 * Names, types, parameter orders and marshalling follow libsel4, so programs
 * written for seL4 compile unchanged. The numbers (sel4/constants.h,
 * sel4/syscall.h, sel4/invocation.h, autoconf.h), the fault accessors
 * (sel4/faults.h) and the object invocation stubs (sel4/sel4_client.h) are
 * generated from the TypeScript kernel's src/abi by scripts/gen-sdk.ts.
 */
#pragma once

#include <sel4/config.h>
#include <sel4/macros.h>
#include <sel4/types.h>
#include <sel4/functions.h>
#include <sel4/syscalls.h>
#include <sel4/sel4_client.h>
#include <sel4/virtual_client.h>
#include <sel4/faults.h>
#include <sel4/bootinfo.h>
#include <sel4/mapping.h>
#include <sel4/assert.h>
