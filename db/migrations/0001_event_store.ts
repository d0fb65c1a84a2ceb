import { Kysely, sql } from 'kysely';

/**
 * The event store: append-only events with a per-stream SHA-256 chain, stream heads for
 * optimistic concurrency, processed commands for idempotency, and processor checkpoints.
 *
 * Appending is one PL/pgSQL call so that a command costs one round trip: the stream head row
 * is locked, the expected version checked, each event hashed onto its predecessor, and the
 * command id recorded, all in the caller's transaction.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE streams (
      stream_id        text PRIMARY KEY,
      version          bigint NOT NULL,
      head_hash        bytea,
      head_recorded_at timestamptz
    )`.execute(db);

  await sql`
    CREATE TABLE events (
      global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
      event_id        uuid NOT NULL UNIQUE,
      stream_id       text NOT NULL,
      stream_version  bigint NOT NULL,
      event_type      text NOT NULL,
      schema_version  integer NOT NULL,
      data            jsonb NOT NULL,
      metadata        jsonb NOT NULL,
      recorded_at     timestamptz NOT NULL,
      prev_hash       bytea,
      hash            bytea NOT NULL,
      CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
    )`.execute(db);
  await sql`CREATE INDEX events_feed_idx ON events (transaction_id, global_position)`.execute(db);

  await sql`
    CREATE TABLE processed_commands (
      command_id  text PRIMARY KEY,
      stream_id   text NOT NULL,
      -- What the command asked for (a hash of the request): a key reused for something else is refused.
      fingerprint text,
      result      jsonb,
      recorded_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE processor_checkpoints (
      processor       text PRIMARY KEY,
      transaction_id  xid8 NOT NULL,
      global_position bigint NOT NULL,
      updated_at      timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // The hash input is the jsonb text of a fixed array: Postgres prints jsonb canonically
  // (sorted keys, no insignificant whitespace), so the same event always hashes the same,
  // whatever the session's settings. Time enters as integer microseconds for the same reason.
  // STABLE, not IMMUTABLE: it calls STABLE functions, and a volatility mismatch stops Postgres
  // from inlining it into append_events (measured: ~70 µs more per append).
  await sql`
    CREATE FUNCTION event_hash(
      prev bytea, stream_id text, version bigint, event_id uuid, event_type text,
      schema_version integer, data jsonb, metadata jsonb, recorded_at timestamptz
    ) RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT sha256(coalesce(prev, ''::bytea) || convert_to(jsonb_build_array(
        stream_id, version, event_id, event_type, schema_version, data, metadata,
        (extract(epoch FROM recorded_at) * 1000000)::bigint
      )::text, 'UTF8'))
    $$`.execute(db);

  await sql`
    CREATE FUNCTION append_events(
      p_stream_id text, p_expected_version bigint, p_events jsonb, p_command_id text,
      p_fingerprint text DEFAULT NULL
    ) RETURNS jsonb LANGUAGE plpgsql AS $$
    DECLARE
      v_fingerprint text;
      v_version     bigint;
      v_hash        bytea;
      v_at          timestamptz;
      v_result      jsonb;
      v_event       jsonb;
      v_hash_next   bytea;
      v_first_pos   bigint;
      v_pos         bigint;
      v_from        bigint;
    BEGIN
      IF p_command_id IS NOT NULL THEN
        -- A concurrent twin of this command blocks here on the key until the first commits.
        INSERT INTO processed_commands (command_id, stream_id, fingerprint)
          VALUES (p_command_id, p_stream_id, p_fingerprint)
          ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
          SELECT result, fingerprint INTO v_result, v_fingerprint
            FROM processed_commands WHERE command_id = p_command_id;
          IF v_fingerprint IS DISTINCT FROM p_fingerprint THEN
            RAISE EXCEPTION 'command id % was used for a different command', p_command_id USING
              ERRCODE = 'SK422', DETAIL = jsonb_build_object('commandId', p_command_id)::text;
          END IF;
          RETURN v_result || '{"duplicate": true}'::jsonb;
        END IF;
      END IF;

      INSERT INTO streams (stream_id, version) VALUES (p_stream_id, 0) ON CONFLICT DO NOTHING;
      -- Millisecond precision keeps times exact through JavaScript Dates; greatest() keeps a
      -- stream's times monotonic even if the clock steps back.
      SELECT version, head_hash, greatest(date_trunc('milliseconds', clock_timestamp()), head_recorded_at)
        INTO v_version, v_hash, v_at
        FROM streams WHERE stream_id = p_stream_id FOR UPDATE;

      IF p_expected_version IS NOT NULL AND p_expected_version <> v_version THEN
        RAISE EXCEPTION 'wrong expected version for stream %', p_stream_id USING
          ERRCODE = 'SK409',
          DETAIL = jsonb_build_object('streamId', p_stream_id,
            'expectedVersion', p_expected_version, 'actualVersion', v_version)::text;
      END IF;

      v_from := v_version + 1;
      FOR v_event IN SELECT value FROM jsonb_array_elements(p_events) LOOP
        v_version := v_version + 1;
        v_hash_next := event_hash(v_hash, p_stream_id, v_version, (v_event->>'eventId')::uuid,
          v_event->>'type', (v_event->>'schemaVersion')::integer, v_event->'data',
          v_event->'metadata', v_at);
        INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version,
                            data, metadata, recorded_at, prev_hash, hash)
          VALUES ((v_event->>'eventId')::uuid, p_stream_id, v_version, v_event->>'type',
                  (v_event->>'schemaVersion')::integer, v_event->'data', v_event->'metadata',
                  v_at, v_hash, v_hash_next)
          RETURNING global_position INTO v_pos;
        v_first_pos := coalesce(v_first_pos, v_pos);
        v_hash := v_hash_next;
      END LOOP;

      IF v_first_pos IS NULL THEN
        RAISE EXCEPTION 'an append needs at least one event' USING ERRCODE = 'SK400';
      END IF;

      UPDATE streams SET version = v_version, head_hash = v_hash, head_recorded_at = v_at
        WHERE stream_id = p_stream_id;

      v_result := jsonb_build_object('streamId', p_stream_id, 'fromVersion', v_from,
        'toVersion', v_version, 'firstPosition', v_first_pos, 'lastPosition', v_pos,
        'recordedAt', v_at);
      IF p_command_id IS NOT NULL THEN
        UPDATE processed_commands SET result = v_result WHERE command_id = p_command_id;
      END IF;
      RETURN v_result || '{"duplicate": false}'::jsonb;
    END
    $$`.execute(db);

  // Events are facts: nothing rewrites them through SQL either. (A superuser can still switch
  // triggers off; the hash chain is what catches that.)
  await sql`
    CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'events are append-only: % is not allowed', TG_OP USING ERRCODE = 'SK403';
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
      FOR EACH ROW EXECUTE FUNCTION events_are_append_only()`.execute(db);
  await sql`
    CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
      FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS processor_checkpoints, processed_commands, events, streams`.execute(db);
  await sql`DROP FUNCTION IF EXISTS append_events, event_hash, events_are_append_only`.execute(db);
}
