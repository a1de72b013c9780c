// seL4_Error (ABI sheet §7) and lookup failure types as user level sees them (§8).

export const seL4_NoError = 0;
export const seL4_InvalidArgument = 1;
export const seL4_InvalidCapability = 2;
export const seL4_IllegalOperation = 3;
export const seL4_RangeError = 4;
export const seL4_AlignmentError = 5;
export const seL4_FailedLookup = 6;
export const seL4_TruncatedMessage = 7;
export const seL4_DeleteFirst = 8;
export const seL4_RevokeFirst = 9;
export const seL4_NotEnoughMemory = 10;
export const seL4_NumErrors = 11;

export const seL4_NoFailure = 0;
export const seL4_InvalidRoot = 1;
export const seL4_MissingCapability = 2;
export const seL4_DepthMismatch = 3;
export const seL4_GuardMismatch = 4;

export const seL4_ErrorNames: readonly string[] = [
  "seL4_NoError",
  "seL4_InvalidArgument",
  "seL4_InvalidCapability",
  "seL4_IllegalOperation",
  "seL4_RangeError",
  "seL4_AlignmentError",
  "seL4_FailedLookup",
  "seL4_TruncatedMessage",
  "seL4_DeleteFirst",
  "seL4_RevokeFirst",
  "seL4_NotEnoughMemory",
];
