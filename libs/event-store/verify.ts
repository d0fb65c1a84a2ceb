import { sql } from 'kysely';
import type { Executor } from './event-store';

export type ChainProblem =
  /** The event's content no longer matches its hash: it was edited. */
  | 'contentChanged'
  /** The event does not point at its predecessor's hash: an event before it was removed, replaced or re-hashed. */
  | 'chainBroken'
  /** The versions skip or repeat: events were removed or inserted. */
  | 'versionGap'
  /** The stream's recorded head is not its last event: events at the end were removed or added. */
  | 'headMismatch';

export interface BrokenEvent {
  streamId: string;
  version: number;
  eventId: string | null;
  globalPosition: string | null;
  problem: ChainProblem;
}

export interface VerificationReport {
  ok: boolean;
  streams: number;
  events: number;
  /** The first broken event of every stream that has one. */
  broken: BrokenEvent[];
}

/** Recomputes every stream's hash chain in the database and names the first broken event per stream. */
export async function verifyEventChains(db: Executor): Promise<VerificationReport> {
  const { rows: counts } = await sql<{ streams: string; events: string }>`
    SELECT (SELECT count(*) FROM streams) AS streams, (SELECT count(*) FROM events) AS events
  `.execute(db);

  const { rows } = await sql<{
    stream_id: string;
    version: string;
    event_id: string | null;
    global_position: string | null;
    problem: ChainProblem;
  }>`
    WITH walked AS (
      SELECT stream_id, stream_version, event_id, global_position, hash, prev_hash,
             event_hash(prev_hash, stream_id, stream_version, event_id, event_type,
                        schema_version, data, metadata, recorded_at) AS recomputed,
             lag(hash) OVER w AS predecessor_hash,
             coalesce(lag(stream_version) OVER w, 0) AS predecessor_version
        FROM events
      WINDOW w AS (PARTITION BY stream_id ORDER BY stream_version, global_position)
    ),
    problems AS (
      SELECT stream_id, stream_version AS version, event_id, global_position,
             CASE
               WHEN stream_version <> predecessor_version + 1 THEN 'versionGap'
               WHEN prev_hash IS DISTINCT FROM predecessor_hash THEN 'chainBroken'
               WHEN hash <> recomputed THEN 'contentChanged'
             END AS problem
        FROM walked
      UNION ALL
      SELECT s.stream_id, s.version, NULL, NULL, 'headMismatch'
        FROM streams s
        LEFT JOIN LATERAL (
          SELECT stream_version, hash FROM events e
           WHERE e.stream_id = s.stream_id ORDER BY stream_version DESC LIMIT 1
        ) last ON true
       WHERE s.version <> coalesce(last.stream_version, 0) OR s.head_hash IS DISTINCT FROM last.hash
    )
    SELECT DISTINCT ON (stream_id) stream_id, version, event_id, global_position, problem
      FROM problems WHERE problem IS NOT NULL
     ORDER BY stream_id, version, event_id NULLS LAST
  `.execute(db);

  const broken = rows.map((r) => ({
    streamId: r.stream_id,
    version: Number(r.version),
    eventId: r.event_id,
    globalPosition: r.global_position,
    problem: r.problem,
  }));
  return {
    ok: broken.length === 0,
    streams: Number(counts[0]!.streams),
    events: Number(counts[0]!.events),
    broken,
  };
}
