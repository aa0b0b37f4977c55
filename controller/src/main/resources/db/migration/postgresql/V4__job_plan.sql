-- SPDX-License-Identifier: AGPL-3.0-or-later
-- A job's execution plan, PostgreSQL dialect. Keep in step with ../sqlite/V4__job_plan.sql.
-- The recipe compiled once at submit (steps expanded, every image pinned by digest), as the JSON
-- document jobs.JobPlan writes (planVersion 1). The task ISO, registry access and the API read it.
-- Jobs submitted before this have none (NULL): they are compiled at first use and stored then.
ALTER TABLE jobs ADD COLUMN plan TEXT;
