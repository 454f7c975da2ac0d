export const SEAT_TYPES = ['standard', 'premium'] as const;
export type SeatType = (typeof SEAT_TYPES)[number];

export const ROLES = ['primary_owner', 'owner', 'admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

export const PROVISIONING_MODES = ['manual', 'jit', 'scim'] as const;
export type ProvisioningMode = (typeof PROVISIONING_MODES)[number];
