/**
 * Staff management: invites by email link, accepting them, the staff list, role changes and
 * deactivation. Every change is one transaction with its audit entry.
 */
import { AppError, INVITE_TTL_MS, validationError, type StaffRole } from '@bookedbarber/core';
import { sqlState, type DbOrTx } from '../db/client.ts';
import { writeAudit } from '../repositories/audit.repository.ts';
import {
  closeOpenTokens,
  consumeAuthToken,
  findOpenAuthToken,
  insertAuthToken,
} from '../repositories/auth-token.repository.ts';
import { enqueueEmail } from '../repositories/outbox.repository.ts';
import { revokeUserSessions } from '../repositories/session.repository.ts';
import {
  activeRoleCount,
  findBarber,
  listStaffAt,
  otherActiveOwners,
  roleAt,
  roleLinkedToBarber,
  updateRole,
  upsertRole,
  type StaffMemberRecord,
} from '../repositories/staff.repository.ts';
import { findUserByEmail, findUserById, insertUser, updateUser } from '../repositories/user.repository.ts';
import { hashPassword, newPasswordProblem, verifyPassword } from '../security/passwords.ts';
import { hashToken, newToken } from '../security/tokens.ts';
import type { StaffAccess } from './access.service.ts';
import { isUuid } from './access.service.ts';
import { inviteEmail } from './auth-messages.ts';
import { assertNotLocked, recordSignInFailure, throttleKey } from './auth.service.ts';
import type { AppContext } from './context.ts';

/** What an invite carries (stored in the token's data). */
interface InviteData {
  organizationId: string;
  locationId: string;
  role: StaffRole;
  barberId: string | null;
  name: string;
  invitedBy: string;
}

/** The invite form. */
export interface InviteInput {
  email: string;
  name: string;
  role: StaffRole;
  barberId?: string | null | undefined;
}

/** An invite as the API shows it (never the token). */
export interface InviteView {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  barberId: string | null;
  expiresAt: Date;
}

const ROLE_NAMES: Record<StaffRole, string> = {
  owner: 'an owner',
  manager: 'a manager',
  front_desk: 'front desk',
  barber: 'a barber',
};

/**
 * Checks the barber link for a role at a location.
 * @param exceptUserId the user already linked may keep the link.
 * @throws AppError VALIDATION_FAILED naming `barberId`.
 */
async function checkBarberLink(
  db: DbOrTx,
  locationId: string,
  role: StaffRole,
  barberId: string | null,
  exceptUserId?: string,
): Promise<void> {
  if (barberId === null) {
    if (role === 'barber')
      throw validationError([
        { field: 'barberId', message: 'Choose the barber profile this account books for' },
      ]);
    return;
  }
  const barber = isUuid(barberId) ? await findBarber(db, barberId) : undefined;
  if (!barber || barber.locationId !== locationId || !barber.active)
    throw validationError([{ field: 'barberId', message: 'No barber with this id at this location' }]);
  const linked = await roleLinkedToBarber(db, barberId);
  if (linked && linked.userId !== exceptUserId)
    throw validationError([
      { field: 'barberId', message: 'This barber is already linked to another account' },
    ]);
}

/**
 * Invites someone to a location by email (owners only; the route checks). The link is single-use
 * and lasts 7 days; a new invite for the same address and location replaces the old one.
 * @throws AppError VALIDATION_FAILED naming `barberId`; INVALID_STATE when the address already
 *   belongs to an active staff member of this location.
 */
export async function inviteStaff(
  ctx: AppContext,
  access: StaffAccess,
  input: InviteInput,
): Promise<InviteView> {
  const db = ctx.database.db;
  const now = ctx.now();
  const email = input.email.trim().toLowerCase();
  const barberId = input.barberId ?? null;
  await checkBarberLink(db, access.location.id, input.role, barberId);
  const existing = await findUserByEmail(db, email);
  if (existing) {
    const role = await roleAt(db, existing.id, access.location.id);
    if (role?.active)
      throw new AppError('INVALID_STATE', 'This person is already on the staff of this location.');
  }
  const token = newToken('link');
  const expiresAt = new Date(now.getTime() + INVITE_TTL_MS);
  const data: InviteData = {
    organizationId: access.location.organizationId,
    locationId: access.location.id,
    role: input.role,
    barberId,
    name: input.name,
    invitedBy: access.principal.userId,
  };
  const id = await db.transaction(async (tx) => {
    await closeOpenTokens(tx, 'invite', email, now, (t) => t.data.locationId === access.location.id);
    const id = await insertAuthToken(tx, {
      kind: 'invite',
      tokenHash: hashToken(token),
      userId: existing?.id ?? null,
      email,
      data: { ...data },
      now,
      expiresAt,
    });
    await enqueueEmail(
      tx,
      inviteEmail(input.email.trim(), {
        name: input.name,
        inviter: access.principal.name,
        place: access.location.name,
        role: ROLE_NAMES[input.role],
        link: `${ctx.config.publicUrl}/app/invite#token=${token}`,
        validDays: INVITE_TTL_MS / 86_400_000,
      }),
      now,
    );
    await writeAudit(tx, [
      {
        organizationId: access.location.organizationId,
        actorUserId: access.principal.userId,
        action: 'staff.invited',
        entity: 'invite',
        entityId: id,
        after: { email, name: input.name, role: input.role, barberId, locationId: access.location.id },
        at: now,
      },
    ]);
    return id;
  });
  ctx.outboxWritten();
  return { id, email, name: input.name, role: input.role, barberId, expiresAt };
}

/** The accept-invite form. For an existing account, `password` is its current password. */
export interface AcceptInviteInput {
  token: string;
  password: string;
  name: string;
}

/**
 * Accepts an invite: creates the account (new address; the password must follow the rules) or
 * links the existing one (its current password proves it is theirs), and gives the role.
 * @returns the account and whether it was created.
 * @throws AppError VALIDATION_FAILED naming `token` (unknown, used, expired) or `password`;
 *   INVALID_STATE when the invited barber profile was linked to someone else meanwhile.
 */
export async function acceptInvite(
  ctx: AppContext,
  input: AcceptInviteInput,
): Promise<{ user: { id: string; email: string; name: string }; created: boolean }> {
  const db = ctx.database.db;
  const now = ctx.now();
  const tokenHash = hashToken(input.token);
  const badToken = () =>
    validationError([{ field: 'token', message: 'This invite link is invalid, already used or expired' }]);
  // Look first (without spending the token) to know whose account it is.
  const open = await findOpenAuthToken(db, 'invite', tokenHash, now);
  if (!open) throw badToken();
  const data = open.data as unknown as InviteData;
  const existing = await findUserByEmail(db, open.email);
  let passwordHash: string | undefined;
  if (existing) {
    // Checking an existing account's password is a sign-in attempt: same lock, same counting.
    await assertNotLocked(ctx, throttleKey(existing.email));
    if (!(await verifyPassword(existing.passwordHash, input.password))) {
      await recordSignInFailure(ctx, throttleKey(existing.email));
      throw validationError([
        {
          field: 'password',
          message: `${existing.email} already has an account: enter its current password to join`,
        },
      ]);
    }
  } else {
    const problem = newPasswordProblem(input.password, open.email);
    if (problem) throw validationError([{ field: 'password', message: problem }]);
    passwordHash = await hashPassword(input.password);
  }
  try {
    return await db.transaction(async (tx) => {
      const t = await consumeAuthToken(tx, 'invite', tokenHash, now);
      if (!t) throw badToken();
      let userId: string;
      let email: string;
      let name: string;
      if (existing) {
        userId = existing.id;
        email = existing.email;
        name = existing.name;
        if (!existing.active) await updateUser(tx, userId, { active: true });
      } else {
        name = input.name;
        email = open.email;
        userId = await insertUser(tx, { email, name, passwordHash: passwordHash!, now });
      }
      const before = await roleAt(tx, userId, data.locationId);
      const role = await upsertRole(tx, {
        userId,
        organizationId: data.organizationId,
        locationId: data.locationId,
        role: data.role,
        barberId: data.barberId,
        now,
      });
      await writeAudit(tx, [
        {
          organizationId: data.organizationId,
          actorUserId: userId,
          action: 'staff.joined',
          entity: 'staff_role',
          entityId: role.id,
          before: before ? { role: before.role, barberId: before.barberId, active: before.active } : null,
          after: { userId, email, role: role.role, barberId: role.barberId, locationId: role.locationId },
          at: now,
        },
      ]);
      return { user: { id: userId, email, name }, created: !existing };
    });
  } catch (err) {
    // The unique index on active barber links: someone else got the barber profile meanwhile.
    if (sqlState(err) === '23505')
      throw new AppError('INVALID_STATE', 'This invite can no longer be accepted; ask for a new one.');
    throw err;
  }
}

/** A staff member as the API shows them. */
export type StaffMemberView = StaffMemberRecord;

/** Everyone who has (or had) a role at the location. */
export async function listStaff(ctx: AppContext, access: StaffAccess): Promise<StaffMemberView[]> {
  return listStaffAt(ctx.database.db, access.location.id);
}

/** The member of this location with this user id, or NOT_FOUND. */
async function memberAt(db: DbOrTx, locationId: string, userId: string): Promise<StaffMemberRecord> {
  const member = isUuid(userId)
    ? (await listStaffAt(db, locationId)).find((m) => m.userId === userId)
    : undefined;
  if (!member) throw new AppError('NOT_FOUND', 'No staff member with this id at this location.');
  return member;
}

/**
 * Changes a member's role and/or barber link at the location (owners only; the route checks).
 * @throws AppError NOT_FOUND (not staff here), VALIDATION_FAILED naming `barberId`,
 *   INVALID_STATE (deactivated member; would leave the organization without an active owner).
 */
export async function changeStaffRole(
  ctx: AppContext,
  access: StaffAccess,
  userId: string,
  patch: { role?: StaffRole | undefined; barberId?: string | null | undefined },
): Promise<StaffMemberView> {
  const db = ctx.database.db;
  const now = ctx.now();
  const member = await memberAt(db, access.location.id, userId);
  if (!member.active)
    throw new AppError('INVALID_STATE', 'This staff member is deactivated; invite them again.');
  const role = patch.role ?? member.role;
  const barberId = patch.barberId === undefined ? member.barberId : patch.barberId;
  if (
    member.role === 'owner' &&
    role !== 'owner' &&
    (await otherActiveOwners(db, member.organizationId, member.id)) === 0
  )
    throw new AppError(
      'INVALID_STATE',
      'An organization needs at least one owner: make someone else owner first.',
    );
  await checkBarberLink(db, access.location.id, role, barberId, userId);
  await db.transaction(async (tx) => {
    await updateRole(tx, member.id, { role, barberId });
    await writeAudit(tx, [
      {
        organizationId: member.organizationId,
        actorUserId: access.principal.userId,
        action: 'staff.role_changed',
        entity: 'staff_role',
        entityId: member.id,
        before: { userId, role: member.role, barberId: member.barberId },
        after: { userId, role, barberId },
        at: now,
      },
    ]);
  });
  return { ...member, role, barberId };
}

/**
 * Deactivates a member at the location (owners only; the route checks): the role is kept as
 * history with active = false, every session of the user ends, and an account left with no
 * active role anywhere can no longer sign in.
 * @throws AppError NOT_FOUND (not staff here), INVALID_STATE (already deactivated, yourself, or
 *   the last owner).
 */
export async function deactivateStaff(
  ctx: AppContext,
  access: StaffAccess,
  userId: string,
): Promise<StaffMemberView> {
  const db = ctx.database.db;
  const now = ctx.now();
  const member = await memberAt(db, access.location.id, userId);
  if (!member.active) throw new AppError('INVALID_STATE', 'This staff member is already deactivated.');
  if (userId === access.principal.userId)
    throw new AppError('INVALID_STATE', 'You cannot deactivate yourself; ask another owner.');
  if (member.role === 'owner' && (await otherActiveOwners(db, member.organizationId, member.id)) === 0)
    throw new AppError('INVALID_STATE', 'An organization needs at least one owner.');
  await db.transaction(async (tx) => {
    await updateRole(tx, member.id, { active: false, deactivatedAt: now });
    if ((await activeRoleCount(tx, userId)) === 0) await updateUser(tx, userId, { active: false });
    const ended = await revokeUserSessions(tx, userId, now, 'deactivated');
    await writeAudit(tx, [
      {
        organizationId: member.organizationId,
        actorUserId: access.principal.userId,
        action: 'staff.deactivated',
        entity: 'staff_role',
        entityId: member.id,
        before: { userId, role: member.role, barberId: member.barberId, active: true },
        after: { userId, role: member.role, barberId: member.barberId, active: false, sessionsEnded: ended },
        at: now,
      },
    ]);
  });
  const user = await findUserById(db, userId);
  return { ...member, active: false, deactivatedAt: now, lastSignInAt: user?.lastSignInAt ?? null };
}
