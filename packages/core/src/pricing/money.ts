/**
 * Money: integer minor units plus an ISO 4217 currency (DOMAIN.md: "keep integer minor units").
 */
export interface Money {
  amountMinor: number;
  currency: string;
}

/** A service as offered by one barber: the location's price/duration with that barber's overrides applied. */
export interface OfferedService {
  serviceId: string;
  name: string;
  /** Location default duration, minutes. */
  durationMinutes: number;
  /** Location default price, minor units. */
  priceMinor: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  /** This barber's override, minutes (null = use the default). */
  overrideDurationMinutes?: number | null;
  /** This barber's override, minor units (null = use the default). */
  overridePriceMinor?: number | null;
}

/** One line of an appointment, performed back to back in `position` order. */
export interface ServiceLine {
  serviceId: string;
  name: string;
  durationMinutes: number;
  priceMinor: number;
}

/** The priced, timed plan for one booking with one barber. */
export interface BookingPlan {
  lines: ServiceLine[];
  /** Sum of the lines' durations, minutes. */
  durationMinutes: number;
  /** Sum of the lines' prices, minor units. */
  totalMinor: number;
  /** Buffer before the first line, minutes. */
  bufferBeforeMinutes: number;
  /** Buffer after the last line, minutes. */
  bufferAfterMinutes: number;
}

/**
 * Builds the plan for services performed back to back by one barber (DOMAIN.md, "service":
 * duration and price are sums). Overrides win over location defaults; the first line's buffer
 * before and the last line's buffer after frame the whole booking.
 * @param services the requested services in order, as this barber offers them (non-empty).
 * @throws RangeError when `services` is empty or an amount is not a non-negative integer.
 */
export function planBooking(services: readonly OfferedService[]): BookingPlan {
  if (services.length === 0) throw new RangeError('A booking needs at least one service');
  const lines = services.map((s) => {
    const durationMinutes = s.overrideDurationMinutes ?? s.durationMinutes;
    const priceMinor = s.overridePriceMinor ?? s.priceMinor;
    if (!Number.isInteger(durationMinutes) || durationMinutes <= 0)
      throw new RangeError(`Invalid duration for ${s.name}`);
    if (!Number.isInteger(priceMinor) || priceMinor < 0) throw new RangeError(`Invalid price for ${s.name}`);
    return { serviceId: s.serviceId, name: s.name, durationMinutes, priceMinor };
  });
  return {
    lines,
    durationMinutes: lines.reduce((a, l) => a + l.durationMinutes, 0),
    totalMinor: lines.reduce((a, l) => a + l.priceMinor, 0),
    bufferBeforeMinutes: services[0]!.bufferBeforeMinutes,
    bufferAfterMinutes: services[services.length - 1]!.bufferAfterMinutes,
  };
}
