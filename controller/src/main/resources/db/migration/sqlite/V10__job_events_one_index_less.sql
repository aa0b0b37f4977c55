-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Webhook events (issue 18), SQLite dialect. Keep in step with ../postgresql/V10__job_events_one_index_less.sql.
-- No query reads job_events by (job_id, seq): an event's sequence is claimed by the compare-and-set
-- of jobs.next_seq (store.EventStore.append) in the event's own transaction, which already makes a
-- job's numbers unique and gapless. The index only cost a B-tree leaf written per stored event.
DROP INDEX job_events_by_seq;
