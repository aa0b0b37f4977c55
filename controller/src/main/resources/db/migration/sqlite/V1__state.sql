-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Plinth state, SQLite dialect. Keep in step with ../postgresql/V1__state.sql.
-- Times are epoch milliseconds (UTC). JSON columns hold text.

CREATE TABLE machines (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  bmc_url       TEXT NOT NULL,
  bmc_username  TEXT NOT NULL,
  bmc_secret    TEXT NOT NULL,            -- AES-GCM ciphertext of the password (SecretBox)
  bmc_insecure  INTEGER NOT NULL DEFAULT 0,
  labels        TEXT NOT NULL DEFAULT '{}',
  inventory     TEXT,
  version       BIGINT NOT NULL,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);

CREATE TABLE jobs (
  id               TEXT PRIMARY KEY,
  machine_id       TEXT NOT NULL,
  machine_name     TEXT NOT NULL,
  bmc_host         TEXT NOT NULL,
  recipe           TEXT NOT NULL,
  state            TEXT NOT NULL,
  reason           TEXT,
  last_step        TEXT,
  deadline_at      BIGINT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  token_hash       TEXT NOT NULL UNIQUE,
  secret           TEXT NOT NULL,          -- sealed job token + webhook HMAC key
  media_id         TEXT NOT NULL UNIQUE,
  next_seq         BIGINT NOT NULL DEFAULT 1,
  lease_owner      TEXT,
  lease_until      BIGINT,
  version          BIGINT NOT NULL,
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  finished_at      BIGINT
);
-- One active job per machine, enforced by the database so two controllers cannot race.
CREATE UNIQUE INDEX jobs_one_active_per_machine ON jobs (machine_id)
  WHERE state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELED', 'TIMED_OUT');
CREATE INDEX jobs_by_state ON jobs (state, id);
CREATE INDEX jobs_by_machine ON jobs (machine_id, id);

CREATE TABLE job_events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id    TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  event_id  TEXT,
  seq       BIGINT,
  type      TEXT NOT NULL,
  step      TEXT,
  data      TEXT NOT NULL,
  at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX job_events_by_event_id ON job_events (job_id, event_id);
CREATE UNIQUE INDEX job_events_by_seq ON job_events (job_id, seq);
CREATE INDEX job_events_by_job ON job_events (job_id, id);

CREATE TABLE api_tokens (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL,
  hash        TEXT NOT NULL UNIQUE,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT
);
