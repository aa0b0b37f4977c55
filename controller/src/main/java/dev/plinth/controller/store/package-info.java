/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Durable state: the SQLite or PostgreSQL database, its Flyway migrations, and small stores with
 * the domain verbs (machines, jobs with their leases, job events, API tokens).
 */
package dev.plinth.controller.store;
