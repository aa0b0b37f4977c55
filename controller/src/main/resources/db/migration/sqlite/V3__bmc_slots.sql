-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Per-BMC session slots, SQLite dialect. Keep in step with ../postgresql/V3__bmc_slots.sql.
-- A row is slot N (0 <= N < maxPerBmc) of one BMC host, taken by one BMC session of one
-- controller (owner) until until_at (epoch ms, renewed while held): every controller sharing the
-- database counts against the same limit, and a dead controller's slots expire.
CREATE TABLE bmc_slots (
  bmc_host  TEXT   NOT NULL,
  slot      INTEGER NOT NULL,
  holder    TEXT   NOT NULL,
  owner     TEXT   NOT NULL,
  until_at  BIGINT NOT NULL,
  PRIMARY KEY (bmc_host, slot)
);
CREATE INDEX bmc_slots_owner ON bmc_slots (owner);
