-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Job inputs (the recipe's inputs.NAME variables), PostgreSQL dialect. Keep in step with
-- ../sqlite/V2__job_inputs.sql. A JSON object of strings; jobs before this have none.
ALTER TABLE jobs ADD COLUMN inputs TEXT NOT NULL DEFAULT '{}';
