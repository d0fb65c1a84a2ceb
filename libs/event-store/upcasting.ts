/**
 * Old events are never rewritten; readers lift them to the current shape instead.
 * `upcasters[type][v]` turns data of schema version v into version v + 1; each declares the shape
 * it takes (`never` here admits them all), and `upcast` hands it the data stored under that version.
 */
export type Upcasters = Readonly<Record<string, Readonly<Record<number, (data: never) => unknown>>>>;

export function upcast(upcasters: Upcasters, type: string, schemaVersion: number, data: unknown) {
  const steps = upcasters[type];
  let version = schemaVersion;
  let current = data;
  for (let step = steps?.[version]; step; step = steps?.[version]) {
    current = step(current as never);
    version += 1;
  }
  return { schemaVersion: version, data: current };
}

/** The version readers lift `type` to, and so the one an event of that type is written in. */
export function latestVersion(upcasters: Upcasters, type: string): number {
  let version = 1;
  while (upcasters[type]?.[version]) version += 1;
  return version;
}
