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

/** The catalog of the location with this slug. @throws AppError NOT_FOUND. */
export async function loadCatalog(db: DbOrTx, slug: string): Promise<LocationCatalog> {
  const location = await findLocationBySlug(db, slug);
  if (!location) throw locationNotFound(slug);
  return catalogOf(db, location);
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
