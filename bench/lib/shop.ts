/**
 * The benchmark shop: 20 barbers in one location (America/New_York), each offering a few of nine
 * services, five days a week with a break in every shift, two with a few days off; and 30 days of
 * bookings filling about 60% of every barber's working time. Deterministic (seeded PRNG).
 */
import { addDays, weekdayOf, type WeeklyHours } from '@bookedbarber/core';
import { Temporal } from 'temporal-polyfill';
import type { ShopFileInput } from '../../apps/server/src/shops/shop-file.ts';
import type { LocationCatalog } from '../../apps/server/src/services/availability.service.ts';

export const BENCH_SLUG = 'bench-cuts';
export const BENCH_TZ = 'America/New_York';
export const BARBERS = 20;
export const DAYS = 30;
export const TARGET_UTILIZATION = 0.6;
/** What the step probability is solved for: bookings that do not fit before a break and cancellations pull the result below it. */
const AIM = 0.69;

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Win = [string, string];
const SHIFTS: Win[][] = [
  [
    ['08:00', '12:00'],
    ['12:30', '16:30'],
  ],
  [
    ['10:00', '14:00'],
    ['14:45', '19:00'],
  ],
  [
    ['12:00', '16:00'],
    ['16:30', '20:00'],
  ],
];
const SATURDAY: Win[] = [
  ['09:00', '13:00'],
  ['13:30', '17:00'],
];
const SUNDAY: Win[] = [
  ['10:00', '13:00'],
  ['13:30', '16:00'],
];
const DAYS_OFF = [
  ['sun', 'mon'],
  ['mon', 'tue'],
  ['tue', 'wed'],
  ['wed', 'thu'],
  ['thu', 'fri'],
  ['sun', 'wed'],
  ['sat', 'sun'],
];
const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Every barber offers these two; the rest rotate. */
const CORE_SERVICES = ['classic-cut', 'beard-trim'];
const EXTRA_SERVICES = ['skin-fade', 'buzz-cut', 'kids-cut', 'hot-towel-shave', 'beard-sculpt', 'wash-style'];

/** The shop file; `today` is the local date in New York (time off is placed relative to it). */
export function benchShopFile(today: string): ShopFileInput {
  const all = (a: string, b: string): Win[] => [[a, b]];
  return {
    organization: { key: 'bench-org', name: 'Bench Barbers Inc.' },
    locations: [
      {
        slug: BENCH_SLUG,
        name: 'Bench Cuts',
        timezone: BENCH_TZ,
        currency: 'USD',
        phone: '+1 212 555 0142',
        address: '1 Benchmark Ave, New York, NY',
        openingHours: {
          mon: all('08:00', '20:00'),
          tue: all('08:00', '20:00'),
          wed: all('08:00', '20:00'),
          thu: all('08:00', '20:00'),
          fri: all('08:00', '20:00'),
          sat: all('09:00', '17:00'),
          sun: all('10:00', '16:00'),
        },
        policy: { slotIntervalMinutes: 15, leadTimeMinutes: 60, horizonDays: 60, changeWindowHours: 24 },
        services: [
          {
            key: 'classic-cut',
            name: 'Classic cut',
            category: 'Haircuts',
            durationMinutes: 30,
            priceMinor: 3500,
          },
          {
            key: 'skin-fade',
            name: 'Skin fade',
            category: 'Haircuts',
            durationMinutes: 45,
            priceMinor: 4500,
          },
          { key: 'buzz-cut', name: 'Buzz cut', category: 'Haircuts', durationMinutes: 20, priceMinor: 2500 },
          { key: 'kids-cut', name: 'Kids cut', category: 'Haircuts', durationMinutes: 30, priceMinor: 2800 },
          { key: 'beard-trim', name: 'Beard trim', category: 'Beard', durationMinutes: 15, priceMinor: 2000 },
          {
            key: 'hot-towel-shave',
            name: 'Hot towel shave',
            category: 'Beard',
            durationMinutes: 30,
            priceMinor: 4000,
            bufferAfterMinutes: 5,
          },
          {
            key: 'beard-sculpt',
            name: 'Beard sculpt',
            category: 'Beard',
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
            key: 'color',
            name: 'Color',
            category: 'Extras',
            durationMinutes: 60,
            priceMinor: 8000,
            bookableOnline: false,
          },
        ],
        barbers: Array.from({ length: BARBERS }, (_, i) => {
          const off = DAYS_OFF[i % DAYS_OFF.length]!;
          const weeklyHours: Record<string, Win[]> = {};
          for (const d of WEEK) {
            if (off.includes(d)) continue;
            weeklyHours[d] = d === 'sat' ? SATURDAY : d === 'sun' ? SUNDAY : SHIFTS[i % SHIFTS.length]!;
          }
          const extras = EXTRA_SERVICES.filter((_, j) => (i + j) % 3 !== 0).slice(0, 2 + (i % 3));
          return {
            key: `barber-${String(i + 1).padStart(2, '0')}`,
            name: `Barber ${i + 1}`,
            services: [
              ...CORE_SERVICES,
              ...extras.map((k) =>
                k === 'skin-fade' && i % 5 === 0 ? { service: k, durationMinutes: 50, priceMinor: 5000 } : k,
              ),
              ...(i % 4 === 0 ? ['color'] : []),
            ],
            weeklyHours,
            timeOff:
              i === 3
                ? [{ from: addDays(today, 8), to: addDays(today, 10), reason: 'Vacation' }]
                : i === 11
                  ? [{ from: addDays(today, 15), to: addDays(today, 17), reason: 'Training' }]
                  : [],
          };
        }),
      },
    ],
  };
}

/** Service combinations clients book, with weights. */
const COMBOS: Array<{ keys: string[]; weight: number }> = [
  { keys: ['classic-cut'], weight: 30 },
  { keys: ['skin-fade'], weight: 15 },
  { keys: ['classic-cut', 'beard-trim'], weight: 15 },
  { keys: ['buzz-cut'], weight: 8 },
  { keys: ['hot-towel-shave'], weight: 6 },
  { keys: ['skin-fade', 'beard-sculpt'], weight: 6 },
  { keys: ['kids-cut'], weight: 8 },
  { keys: ['beard-trim'], weight: 8 },
  { keys: ['wash-style'], weight: 4 },
];

/** One generated booking (instants in UTC epoch ms). */
export interface GeneratedBooking {
  barberId: string;
  serviceIds: string[];
  lines: Array<{ serviceId: string; name: string; durationMinutes: number; priceMinor: number }>;
  start: number;
  end: number;
  occupiedFrom: number;
  occupiedUntil: number;
  totalMinor: number;
  status: 'confirmed' | 'completed' | 'cancelled';
  source: 'online' | 'phone';
  clientIndex: number;
}

/** Result of {@link generateBookings}. */
export interface GeneratedSchedule {
  bookings: GeneratedBooking[];
  /** Occupied minutes of active bookings ÷ working minutes. */
  utilization: number;
  workingMinutes: number;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * 30 days of bookings from `today` (local date), plus `historyDays` before it (all "completed"
 * or cancelled, as a shop that has run for a while has): each barber's shifts are walked on the 15-minute
 * grid; at each step a booking starts with the probability that makes the expected occupied share
 * about 60%. About 4% are cancelled (they leave their time free); past ones are "completed".
 */
export function generateBookings(
  catalog: LocationCatalog,
  today: string,
  nowMs: number,
  opts: { clients: number; seed?: number; days?: number; historyDays?: number } = { clients: 1500 },
): GeneratedSchedule {
  const rand = prng(opts.seed ?? 20261122);
  const byKey = new Map(catalog.services.map((s) => [s.key, s]));
  const tz = catalog.location.timezone;
  const bookings: GeneratedBooking[] = [];
  let working = 0;
  let occupied = 0;
  const timeOffDays = new Map<string, Set<string>>([
    [catalog.barbers[3]?.id ?? '', new Set([8, 9, 10].map((d) => addDays(today, d)))],
    [catalog.barbers[11]?.id ?? '', new Set([15, 16, 17].map((d) => addDays(today, d)))],
  ]);
  for (const barber of catalog.barbers) {
    const offered = new Map(barber.offers.map((o) => [o.serviceId, o]));
    const combos = COMBOS.map((c) => ({ ...c, services: c.keys.map((k) => byKey.get(k)!) })).filter((c) =>
      c.services.every((s) => offered.has(s.id)),
    );
    const totalWeight = combos.reduce((a, c) => a + c.weight, 0);
    const plans = combos.map((c) => {
      const lines = c.services.map((s) => {
        const o = offered.get(s.id)!;
        return {
          serviceId: s.id,
          name: s.name,
          durationMinutes: o.durationMinutes ?? s.durationMinutes,
          priceMinor: o.priceMinor ?? s.priceMinor,
        };
      });
      const duration = lines.reduce((a, l) => a + l.durationMinutes, 0);
      return {
        weight: c.weight,
        lines,
        duration,
        before: c.services[0]!.bufferBeforeMinutes,
        after: c.services[c.services.length - 1]!.bufferAfterMinutes,
        total: lines.reduce((a, l) => a + l.priceMinor, 0),
      };
    });
    // Expected grid steps a booking takes; p solves p·D / (p·D + (1 − p)) = target.
    const steps =
      plans.reduce((a, p) => a + p.weight * Math.ceil((p.before + p.duration + p.after) / 15), 0) /
      totalWeight;
    const p = AIM / (steps - AIM * steps + AIM);
    const pick = () => {
      let r = rand() * totalWeight;
      for (const plan of plans) if ((r -= plan.weight) < 0) return plan;
      return plans[plans.length - 1]!;
    };
    for (let d = -(opts.historyDays ?? 0); d < (opts.days ?? DAYS); d++) {
      const date = addDays(today, d);
      if (timeOffDays.get(barber.id)?.has(date)) continue;
      const windows = (barber.weeklyHours as WeeklyHours)[weekdayOf(date)] ?? [];
      const midnight = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: tz });
      const at = (min: number) => midnight.add({ minutes: min }).epochMilliseconds;
      for (const [ws, we] of windows) {
        const s = toMinutes(ws);
        const e = toMinutes(we);
        working += e - s;
        let cursor = s;
        while (cursor < e) {
          if (rand() < p) {
            const plan = pick();
            const occEnd = cursor + plan.before + plan.duration + plan.after;
            if (occEnd <= e) {
              const start = at(cursor + plan.before);
              const end = start + plan.duration * 60_000;
              const cancelled = rand() < 0.04;
              if (!cancelled) occupied += occEnd - cursor;
              bookings.push({
                barberId: barber.id,
                serviceIds: plan.lines.map((l) => l.serviceId),
                lines: plan.lines,
                start,
                end,
                occupiedFrom: start - plan.before * 60_000,
                occupiedUntil: end + plan.after * 60_000,
                totalMinor: plan.total,
                status: cancelled ? 'cancelled' : start < nowMs ? 'completed' : 'confirmed',
                source: rand() < 0.7 ? 'online' : 'phone',
                clientIndex: Math.floor(rand() * opts.clients),
              });
              if (!cancelled) {
                cursor += Math.ceil((occEnd - cursor) / 15) * 15;
                continue;
              }
            }
          }
          cursor += 15;
        }
      }
    }
  }
  return { bookings, utilization: working ? occupied / working : 0, workingMinutes: working };
}
