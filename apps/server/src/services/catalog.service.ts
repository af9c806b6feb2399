/**
 * Loads a location's public catalog (location, services, barbers) by slug.
 */
import type { DbOrTx } from '../db/client.ts';
import {
  findLocationById,
  findLocationBySlug,
  listBarbers,
  listServices,
  type LocationRecord,
} from '../repositories/location.repository.ts';
import { locationNotFound, type LocationCatalog } from './availability.service.ts';

/** How long a loaded catalog is reused, ms. Changes made by another process show within this time. */
export const CATALOG_TTL_MS = 2_000;

const cache = new WeakMap<object, Map<string, { at: number; catalog: Promise<LocationCatalog> }>>();

/**
 * The catalog of the location with this slug, reused for {@link CATALOG_TTL_MS} per database
 * (4 queries saved on every availability and booking request). Writers in this process call
 * {@link invalidateCatalogs}.
 * @throws AppError NOT_FOUND.
 */
export async function loadCatalog(db: DbOrTx, slug: string): Promise<LocationCatalog> {
  let perDb = cache.get(db);
  if (!perDb) cache.set(db, (perDb = new Map()));
  const hit = perDb.get(slug);
  const now = Date.now();
  if (hit && now - hit.at < CATALOG_TTL_MS) return hit.catalog;
  const catalog = (async () => {
    const location = await findLocationBySlug(db, slug);
    if (!location) throw locationNotFound(slug);
    return catalogOf(db, location);
  })();
  perDb.set(slug, { at: now, catalog });
  catalog.catch(() => perDb.delete(slug));
  return catalog;
}

/** Forgets every cached catalog of this database (after an import or any catalog change). */
export function invalidateCatalogs(db: DbOrTx): void {
  cache.delete(db);
}

/** The catalog of a location by id. @throws AppError NOT_FOUND. */
export async function loadCatalogById(db: DbOrTx, id: string): Promise<LocationCatalog> {
  const location = await findLocationById(db, id);
  if (!location) throw locationNotFound(id);
  return catalogOf(db, location);
}

async function catalogOf(db: DbOrTx, location: LocationRecord): Promise<LocationCatalog> {
  const [services, barbers] = await Promise.all([
    listServices(db, location.id),
    listBarbers(db, location.id),
  ]);
  return { location, services, barbers };
}
