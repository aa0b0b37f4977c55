-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Machine lifecycle (docs/controller.md, "Machine lifecycle"), SQLite dialect. Keep in step with
-- ../postgresql/V6__machine_lifecycle.sql. Only jobs.MachineLifecycle writes these columns, through
-- store.MachineStates (a compare-and-set on state). A new machine starts ENROLLING (the column's
-- default); state_before is the state to go back to (from MAINTENANCE, or from PROVISIONING when a
-- job is canceled before the machine booted it); state_at is when the state was entered (epoch ms).
ALTER TABLE machines ADD COLUMN state TEXT NOT NULL DEFAULT 'ENROLLING';
ALTER TABLE machines ADD COLUMN state_before TEXT;
ALTER TABLE machines ADD COLUMN state_reason TEXT;
ALTER TABLE machines ADD COLUMN state_at BIGINT;
-- Machines that exist already were enrolled: their state follows from their jobs.
UPDATE machines SET
  state = CASE
    WHEN EXISTS (SELECT 1 FROM jobs j WHERE j.machine_id = machines.id
                 AND j.state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELED', 'TIMED_OUT'))
      THEN 'PROVISIONING'
    WHEN (SELECT j.state FROM jobs j WHERE j.machine_id = machines.id
          AND j.state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT') ORDER BY j.id DESC LIMIT 1) = 'SUCCEEDED'
      THEN 'PROVISIONED'
    WHEN (SELECT j.state FROM jobs j WHERE j.machine_id = machines.id
          AND j.state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT') ORDER BY j.id DESC LIMIT 1) IS NOT NULL
      THEN 'FAILED'
    ELSE 'AVAILABLE'
  END,
  state_before = 'AVAILABLE',
  state_reason = 'state derived from the machine''s jobs at the upgrade',
  state_at = updated_at;
CREATE INDEX machines_by_state ON machines (state, name);
