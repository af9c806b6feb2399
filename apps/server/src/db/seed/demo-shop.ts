/**
 * The demo shop "Fade & Co" (Brooklyn, America/New_York): four barbers with their own hours and a
 * day off each, eight services in three categories, and appointments over the coming weeks.
 * Seeded when the database has no organization (SEED_DEMO=false to skip) or by `cli seed`, with
 * five staff accounts (DEMO_ACCOUNTS) whose passwords are public: a demo, not a shop.
 */
import type { ClientFieldCipher } from '../../security/client-fields.ts';
import crypto from 'node:crypto';
import { addDays, computeSlots, localDateOf, type Interval, type StaffRole } from '@bookedbarber/core';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client.ts';
import { locations, organizations, staffRoles, users } from '../schema.ts';
import { parseShopFile, type ShopFileInput } from '../../shops/shop-file.ts';
import { importShop } from '../../services/shop-import.service.ts';
import { loadCatalog } from '../../services/catalog.service.ts';
import { planFor } from '../../services/availability.service.ts';
import { loadBusy } from '../../repositories/schedule.repository.ts';
import { addHistory, insertAppointment } from '../../repositories/appointment.repository.ts';
import { upsertClient } from '../../repositories/client.repository.ts';
import { upsertRole } from '../../repositories/staff.repository.ts';
import { findUserByEmail, insertUser } from '../../repositories/user.repository.ts';
import { hashPassword } from '../../security/passwords.ts';

export const DEMO_SLUG = 'fade-and-co';
const TZ = 'America/New_York';
const MINUTE = 60_000;
const DAY_MS = 86_400_000;

/** The demo shop file; time off is placed relative to `today` (a local date in New York). */
export function demoShopFile(today: string): ShopFileInput {
  const split = (a: string, b: string, c: string, d: string): Array<[string, string]> => [
    [a, b],
    [c, d],
  ];
  return {
    organization: { key: 'fade-and-co', name: 'Fade & Co' },
    locations: [
      {
        slug: DEMO_SLUG,
        name: 'Fade & Co',
        timezone: TZ,
        currency: 'USD',
        phone: '+1 (718) 555-0134',
        address: '218 Bedford Ave, Brooklyn, NY 11249',
        openingHours: {
          mon: [['09:00', '20:00']],
          tue: [['09:00', '20:00']],
          wed: [['09:00', '20:00']],
          thu: [['09:00', '21:00']],
          fri: [['09:00', '21:00']],
          sat: [['08:00', '18:00']],
          sun: [['10:00', '16:00']],
        },
        policy: { slotIntervalMinutes: 15, leadTimeMinutes: 60, horizonDays: 60, changeWindowHours: 24 },
        services: [
          {
            key: 'classic-cut',
            name: 'Classic cut',
            category: 'Haircuts',
            description: 'Scissor or clipper cut, styled.',
            durationMinutes: 30,
            priceMinor: 3500,
          },
          {
            key: 'skin-fade',
            name: 'Skin fade',
            category: 'Haircuts',
            description: 'Fade down to the skin, sharp line-up.',
            durationMinutes: 45,
            priceMinor: 4500,
          },
          { key: 'buzz-cut', name: 'Buzz cut', category: 'Haircuts', durationMinutes: 20, priceMinor: 2500 },
          {
            key: 'kids-cut',
            name: 'Kids cut (under 12)',
            category: 'Haircuts',
            durationMinutes: 30,
            priceMinor: 2800,
          },
          {
            key: 'beard-trim',
            name: 'Beard trim',
            category: 'Beard & shave',
            durationMinutes: 15,
            priceMinor: 2000,
          },
          {
            key: 'hot-towel-shave',
            name: 'Hot towel shave',
            category: 'Beard & shave',
            description: 'Straight razor, hot towels, balm.',
            durationMinutes: 30,
            priceMinor: 4000,
            bufferAfterMinutes: 5,
          },
          {
            key: 'beard-sculpt',
            name: 'Beard sculpt & line-up',
            category: 'Beard & shave',
            durationMinutes: 20,
            priceMinor: 2500,
          },
          {
            key: 'wash-style',
            name: 'Wash & style',
            category: 'Extras',
            durationMinutes: 15,
            priceMinor: 1500,
          },
          {
            key: 'cut-hot-towel-shave',
            name: 'Cut & hot towel shave',
            category: 'Beard & shave',
            description:
              'Classic cut and a hot towel straight-razor shave. A 50% deposit is taken online when booking.',
            durationMinutes: 45,
            priceMinor: 7000,
            payments: { mode: 'deposit', deposit: { percent: 50 } },
          },
        ],
        barbers: [
          {
            key: 'marcus',
            name: 'Marcus Reed',
            bio: 'Owner. Fades and classic cuts for 15 years.',
            services: [
              'classic-cut',
              { service: 'skin-fade', durationMinutes: 50, priceMinor: 5000 },
              'buzz-cut',
              'beard-trim',
              'hot-towel-shave',
              'beard-sculpt',
              'wash-style',
              'cut-hot-towel-shave',
            ],
            weeklyHours: {
              tue: split('09:00', '13:00', '14:00', '18:00'),
              wed: split('09:00', '13:00', '14:00', '18:00'),
              thu: split('11:00', '15:00', '16:00', '21:00'),
              fri: split('11:00', '15:00', '16:00', '21:00'),
              sat: [['08:00', '16:00']],
            },
          },
          {
            key: 'sofia',
            name: 'Sofia Alvarez',
            bio: 'Textured hair, kids and scissor work.',
            services: ['classic-cut', 'skin-fade', 'kids-cut', 'wash-style', 'beard-trim'],
            weeklyHours: {
              mon: split('10:00', '14:00', '14:30', '19:00'),
              tue: split('10:00', '14:00', '14:30', '19:00'),
              thu: split('10:00', '14:00', '14:30', '19:00'),
              fri: split('10:00', '14:00', '14:30', '19:00'),
              sat: [['09:00', '17:00']],
            },
            timeOff: [{ from: addDays(today, 9), to: addDays(today, 10), reason: 'Family event' }],
          },
          {
            key: 'jamal',
            name: 'Jamal Carter',
            bio: 'Beards, hot towel shaves and designs.',
            services: [
              'classic-cut',
              'skin-fade',
              'buzz-cut',
              'beard-trim',
              'hot-towel-shave',
              'beard-sculpt',
              'cut-hot-towel-shave',
            ],
            weeklyHours: {
              mon: [['12:00', '20:00']],
              tue: [['12:00', '20:00']],
              thu: split('12:00', '16:00', '16:30', '21:00'),
              fri: split('12:00', '16:00', '16:30', '21:00'),
              sun: [['10:00', '16:00']],
            },
          },
          {
            key: 'lena',
            name: 'Lena Kowalski',
            bio: 'Precision cuts; early bird.',
            services: [
              'classic-cut',
              'buzz-cut',
              'kids-cut',
              { service: 'beard-trim', priceMinor: 1800 },
              'wash-style',
            ],
            weeklyHours: {
              mon: [['09:00', '15:00']],
              wed: [['09:00', '15:00']],
              fri: [['09:00', '15:00']],
              sat: [['08:00', '14:00']],
              sun: [['10:00', '16:00']],
            },
          },
        ],
      },
    ],
  };
}

const DEMO_CLIENTS = [
  ['Andre Thompson', 'andre.t@example.com', '+1 718 555 0101'],
  ['Miguel Santos', 'miguel.santos@example.com', '+1 718 555 0102'],
  ['Chris Walker', 'chris.w@example.com', '+1 718 555 0103'],
  ['Devon Brooks', 'devon.brooks@example.com', '+1 718 555 0104'],
  ['Priya Natarajan', 'priya.n@example.com', '+1 718 555 0105'],
  ['Tom Becker', 'tom.becker@example.com', '+1 718 555 0106'],
  ['Luis Ortega', 'luis.ortega@example.com', '+1 718 555 0107'],
  ['Sam Okafor', 'sam.okafor@example.com', '+1 718 555 0108'],
  ['Noah Kim', 'noah.kim@example.com', '+1 718 555 0109'],
  ['Ethan Rossi', 'ethan.rossi@example.com', '+1 718 555 0110'],
] as const;

/** A demo staff account: sign-in email and (public) password, role, and the barber it books for. */
export interface DemoAccount {
  email: string;
  password: string;
  name: string;
  role: StaffRole;
  /** Key of the demo barber the account is linked to. */
  barberKey?: string;
}

/**
 * The demo shop's staff. Owners and managers must enrol two-factor: their first sign-in gives a
 * session that can only do that. The passwords are not in the common-password list.
 */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    email: 'owner@fadeandco.example',
    password: 'fade-owner-demo',
    name: 'Marcus Reed',
    role: 'owner',
    barberKey: 'marcus',
  },
  {
    email: 'manager@fadeandco.example',
    password: 'fade-manager-demo',
    name: 'Dana Whitfield',
    role: 'manager',
  },
  { email: 'desk@fadeandco.example', password: 'fade-desk-demo', name: 'Riley Chen', role: 'front_desk' },
  {
    email: 'sofia@fadeandco.example',
    password: 'fade-sofia-demo',
    name: 'Sofia Alvarez',
    role: 'barber',
    barberKey: 'sofia',
  },
  {
    email: 'jamal@fadeandco.example',
    password: 'fade-jamal-demo',
    name: 'Jamal Carter',
    role: 'barber',
    barberKey: 'jamal',
  },
];

/**
 * Creates the demo accounts (or keeps those that exist) with their roles at the demo location.
 * @param hashes the argon2id hash of each account's password, by email (hashed before the transaction).
 */
async function seedDemoAccounts(
  tx: DbOrTx,
  location: { id: string; organizationId: string },
  barberIds: Map<string, string>,
  hashes: Map<string, string>,
  now: Date,
): Promise<void> {
  for (const a of DEMO_ACCOUNTS) {
    const existing = await findUserByEmail(tx, a.email);
    const userId =
      existing?.id ??
      (await insertUser(tx, { email: a.email, name: a.name, passwordHash: hashes.get(a.email)!, now }));
    await upsertRole(tx, {
      userId,
      organizationId: location.organizationId,
      locationId: location.id,
      role: a.role,
      barberId: a.barberKey ? (barberIds.get(a.barberKey) ?? null) : null,
      now,
    });
  }
}

/**
 * How to sign in to the demo, for the start banner: one line per demo account, or nothing when
 * the database has no demo accounts (not seeded, or SEED_DEMO=false on an empty database).
 */
export async function demoSignInLines(db: DbOrTx): Promise<string[]> {
  const rows = await db
    .select({ email: users.email })
    .from(users)
    .innerJoin(staffRoles, and(eq(staffRoles.userId, users.id), eq(staffRoles.active, true)))
    .innerJoin(locations, and(eq(locations.id, staffRoles.locationId), eq(locations.slug, DEMO_SLUG)));
  const present = new Set(rows.map((r) => r.email));
  const accounts = DEMO_ACCOUNTS.filter((a) => present.has(a.email));
  if (accounts.length === 0) return [];
  const label: Record<StaffRole, string> = {
    owner: 'owner',
    manager: 'manager',
    front_desk: 'front desk',
    barber: 'barber',
  };
  const width = Math.max(...accounts.map((a) => a.email.length));
  const pwWidth = Math.max(...accounts.map((a) => a.password.length));
  return [
    '  Staff sign-in (demo accounts; POST /api/v1/auth/login):',
    ...accounts.map(
      (a) =>
        `    ${label[a.role].padEnd(10)}  ${a.email.padEnd(width)}  ` +
        (a.role === 'owner' || a.role === 'manager'
          ? `${a.password.padEnd(pwWidth)}  (enrols two-factor on first sign-in)`
          : a.password),
    ),
  ];
}

/** Deterministic PRNG (mulberry32) so the demo looks the same on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Imports the demo shop and books appointments (clients' details sealed with `cipher`) over the next `days` days (about a third of each
 * barber's time), skipping the seed when an organization exists unless `force`.
 * @returns true when it seeded.
 */
export async function seedDemo(
  db: Db,
  cipher: ClientFieldCipher,
  now: Date,
  opts: { force?: boolean; days?: number } = {},
): Promise<boolean> {
  if (!opts.force) {
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(organizations);
    if ((row?.n ?? 0) > 0) return false;
  }
  const today = localDateOf(now.getTime(), TZ);
  await importShop(db, parseShopFile(demoShopFile(today)));
  const catalog = await loadCatalog(db, DEMO_SLUG);
  const { location } = catalog;
  const rand = prng(20261122);
  const combos = [
    ['classic-cut'],
    ['skin-fade'],
    ['classic-cut', 'beard-trim'],
    ['buzz-cut'],
    ['hot-towel-shave'],
    ['skin-fade', 'beard-sculpt'],
    ['kids-cut'],
  ];
  const byKey = new Map(catalog.services.map((s) => [s.key, s]));
  const days = opts.days ?? 21;
  const lastDay = addDays(today, days - 1);
  const busy = await loadBusy(
    db,
    catalog.barbers.map((b) => b.id),
    new Date(now.getTime() - 2 * DAY_MS),
    new Date(now.getTime() + (days + 2) * DAY_MS),
  );
  // Pick times in memory with the core engine, one barber at a time, then write them in one transaction.
  const picked: Array<{ barberId: string; start: number; plan: NonNullable<ReturnType<typeof planFor>> }> =
    [];
  for (const barber of catalog.barbers) {
    const taken: Interval[] = [...(busy.get(barber.id)?.busy ?? [])];
    for (let d = 0; d < days; d++) {
      const day = addDays(today, d);
      for (let k = 0; k < 8; k++) {
        const combo = combos[Math.floor(rand() * combos.length)]!.map((key) => byKey.get(key)!);
        const plan = planFor(barber, combo);
        if (!plan || rand() < 0.3) continue;
        const slots = computeSlots({
          timeZone: location.timezone,
          policy: location.policy,
          openingHours: location.openingHours,
          locationOverrides: location.dateOverrides,
          barbers: [
            {
              id: barber.id,
              weeklyHours: barber.weeklyHours,
              dateOverrides: barber.dateOverrides,
              timeOff: busy.get(barber.id)?.timeOff ?? [],
              busy: taken,
              services: Object.fromEntries(
                combo.map((s) => [
                  s.id,
                  {
                    durationMinutes:
                      barber.offers.find((o) => o.serviceId === s.id)!.durationMinutes ?? s.durationMinutes,
                    bufferBeforeMinutes: s.bufferBeforeMinutes,
                    bufferAfterMinutes: s.bufferAfterMinutes,
                  },
                ]),
              ),
            },
          ],
          serviceIds: combo.map((s) => s.id),
          from: day,
          to: day <= lastDay ? day : lastDay,
          now: now.getTime(),
        });
        if (slots.length === 0) continue;
        const start = slots[Math.floor(rand() * slots.length)]!.start;
        taken.push({
          start: start - plan.bufferBeforeMinutes * MINUTE,
          end: start + (plan.durationMinutes + plan.bufferAfterMinutes) * MINUTE,
        });
        picked.push({ barberId: barber.id, start, plan });
      }
    }
  }
  const hashes = new Map<string, string>();
  for (const a of DEMO_ACCOUNTS) hashes.set(a.email, await hashPassword(a.password));
  const barberIds = new Map(catalog.barbers.map((b) => [b.key, b.id]));
  await db.transaction(async (tx) => {
    await seedDemoAccounts(tx, location, barberIds, hashes, now);
    const clientIds = [];
    for (const [name, email, phone] of DEMO_CLIENTS)
      clientIds.push(await upsertClient(tx, cipher, location.organizationId, { name, email, phone }));
    for (const { barberId, start, plan } of picked) {
      const end = start + plan.durationMinutes * MINUTE;
      const id = await insertAppointment(tx, {
        locationId: location.id,
        barberId,
        clientId: clientIds[Math.floor(rand() * clientIds.length)]!,
        source: rand() < 0.7 ? 'online' : 'phone',
        status: 'confirmed',
        startsAt: new Date(start),
        endsAt: new Date(end),
        occupiedFrom: new Date(start - plan.bufferBeforeMinutes * MINUTE),
        occupiedUntil: new Date(end + plan.bufferAfterMinutes * MINUTE),
        totalMinor: plan.totalMinor,
        currency: location.currency,
        notes: null,
        // Seeded appointments have no client link: a random hash that no token produces.
        manageTokenHash: crypto.createHash('sha256').update(crypto.randomBytes(32)).digest('hex'),
        lines: plan.lines,
      });
      await addHistory(tx, {
        appointmentId: id,
        actor: 'system',
        action: 'created',
        toStatus: 'confirmed',
        details: { source: 'seed' },
      });
    }
  });
  return true;
}
