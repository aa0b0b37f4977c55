-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Machine state history (docs/controller.md, "Machine lifecycle"), SQLite dialect. Keep in step
-- with ../postgresql/V9__machine_history.sql. One row per lifecycle transition, written by
-- store.MachineStates in the same transaction as the change of machines.state (so a change is never
-- stored without its row): from which state to which, who moved it (a token's name, or "job ID"),
-- why, and when (epoch ms). Rows go with their machine (store.MachineStore.delete).
CREATE TABLE machine_history (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  machine_id  TEXT   NOT NULL,
  from_state  TEXT   NOT NULL,
  to_state    TEXT   NOT NULL,
  actor       TEXT,
  reason      TEXT,
  at          BIGINT NOT NULL
);
CREATE INDEX machine_history_by_machine ON machine_history (machine_id, id);
