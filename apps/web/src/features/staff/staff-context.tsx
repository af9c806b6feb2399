// Who is signed in and at which location they are working: every /app screen reads it.

import { createContext, useContext } from 'react';
import type { Me, StaffRole } from '../../lib/staff-api.ts';

/** The signed-in staff member and the location chosen (their first, or the one picked in the header). */
export interface StaffContextValue {
  me: Me;
  /** The role held at the current location (its locationId is the `{locationId}` of staff routes). */
  current: StaffRole;
  setLocationId: (locationId: string) => void;
}

/** Provided by the /app layout once GET /me answered; read it with {@link useStaff}. */
export const StaffContext = createContext<StaffContextValue | null>(null);

/** The staff context; only inside the /app layout. */
export function useStaff(): StaffContextValue {
  const v = useContext(StaffContext);
  if (!v) throw new Error('useStaff() outside the /app layout');
  return v;
}

/** True when the current role is one of `roles`. */
export function useHasRole(...roles: StaffRole['role'][]): boolean {
  return roles.includes(useStaff().current.role);
}
