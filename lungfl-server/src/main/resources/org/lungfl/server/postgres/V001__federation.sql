-- LungFL's federation in PostgreSQL, schema version 1. Applied once, in one transaction, by the first
-- server that starts against an empty database (PgMigrations). Never edit a released file: add V002.

-- The plan the federation runs (one row): a database belongs to one plan, like a data dir.
CREATE TABLE federation (
    id               int PRIMARY KEY CHECK (id = 1),
    plan_name        text NOT NULL,
    plan_fingerprint text NOT NULL,
    plan_json        bytea NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- Model files (versions, queued and quarantined updates, optimiser state) in chunks, so that a round
-- reads them a chunk at a time and one backup of the database is a backup of the federation.
CREATE TABLE blobs (
    id         bigserial PRIMARY KEY,
    bytes      bigint NOT NULL,
    sha256     text NOT NULL,
    chunk_size int NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE blob_chunks (
    blob_id bigint NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
    idx     int NOT NULL,
    data    bytea NOT NULL,
    PRIMARY KEY (blob_id, idx)
);
-- Float weights do not compress: store them as they are, without trying.
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- Global versions: every version ever made keeps its row (hash chain, round, validation); its bytes
-- (blob_id) only while retention keeps it. sha256 is null only for a version whose bytes a data dir had
-- already pruned when it was migrated here.
CREATE TABLE versions (
    version      bigint PRIMARY KEY,
    blob_id      bigint REFERENCES blobs (id),
    sha256       text,
    parent_hash  text,
    metadata     json NOT NULL,
    round_event  json,
    validation   json,
    made_with_dp boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Every update ever accepted: queued while state = 'queued' (its bytes in blob_id), then counted in a
-- version, replaced by the client's newer one, cleared or dropped. The (client_id, update_id) key makes
-- a retry on any server a duplicate; one queued row per client is the one-slot rule.
CREATE TABLE updates (
    seq          bigserial PRIMARY KEY,
    client_id    text NOT NULL,
    update_id    text NOT NULL,
    sha256       text NOT NULL,
    num_samples  bigint NOT NULL,
    base_version bigint NOT NULL,
    address      text NOT NULL,
    received_at  timestamptz NOT NULL,
    metrics      text,
    bytes        bigint NOT NULL,
    blob_id      bigint REFERENCES blobs (id),
    state        text NOT NULL CHECK (state IN ('queued', 'aggregated', 'replaced', 'cleared', 'dropped')),
    version      bigint,
    UNIQUE (client_id, update_id)
);
CREATE UNIQUE INDEX updates_one_slot_per_client ON updates (client_id) WHERE state = 'queued';
CREATE INDEX updates_waiting ON updates (seq) WHERE state = 'queued';

-- The audit log: one row per event, in commit order (rows are appended under an advisory lock held to
-- the commit, so an id is never visible after a larger one).
CREATE TABLE audit (
    id    bigserial PRIMARY KEY,
    kind  text NOT NULL,
    event json NOT NULL
);
CREATE INDEX audit_kind ON audit (kind, id);

CREATE TABLE tokens (
    name       text PRIMARY KEY,
    sha256     text NOT NULL,
    admin      boolean NOT NULL,
    created_at text NOT NULL
);

-- The dashboard's client table, folded from the audit events as they are appended.
CREATE TABLE client_sightings (
    client_id text PRIMARY KEY,
    sighting  json NOT NULL
);

-- Update screening: the norms of the updates that passed, and the quarantined updates with their bytes.
CREATE TABLE screening (
    id             bigserial PRIMARY KEY,
    client_id      text NOT NULL,
    update_id      text NOT NULL,
    global_version bigint NOT NULL,
    decision       text NOT NULL,
    delta_norm     double precision,
    event          json NOT NULL,
    blob_id        bigint REFERENCES blobs (id)
);
CREATE INDEX screening_passed ON screening (global_version) WHERE decision = 'pass';
CREATE UNIQUE INDEX screening_quarantined ON screening (client_id, update_id) WHERE decision = 'quarantine';

-- A server optimiser's moments (FedAdam, FedYogi) per version and slot.
CREATE TABLE optimizer_state (
    version bigint NOT NULL,
    slot    text NOT NULL,
    blob_id bigint NOT NULL REFERENCES blobs (id),
    PRIMARY KEY (version, slot)
);
