-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Step logs (docs/contracts.md, "Step logs"), SQLite dialect. Keep in step with
-- ../postgresql/V7__step_logs.sql. One row per chunk of one attempt's output as the dispatcher
-- sent it (redacted, bounded per step and per job by the controller: store.StepLogStore); a resend
-- of a chunk is a duplicate of (job_id, step, attempt, chunk). bytes is the stored text's UTF-8
-- size, summed for the limits.
CREATE TABLE step_logs (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id   TEXT    NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  step     TEXT    NOT NULL,
  attempt  INTEGER NOT NULL,
  chunk    BIGINT  NOT NULL,
  text     TEXT    NOT NULL,
  bytes    INTEGER NOT NULL,
  at       BIGINT  NOT NULL
);
CREATE UNIQUE INDEX step_logs_by_chunk ON step_logs (job_id, step, attempt, chunk);
CREATE INDEX step_logs_by_job ON step_logs (job_id, id);
