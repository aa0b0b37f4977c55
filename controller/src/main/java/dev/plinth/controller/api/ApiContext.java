/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import dev.plinth.controller.jobs.BmcDriver;
import dev.plinth.controller.jobs.JobService;
import dev.plinth.controller.jobs.RecipeCheck;
import dev.plinth.controller.security.Authenticator;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.store.EventStore;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.MachineStore;
import dev.plinth.controller.store.TokenStore;
import java.time.InstantSource;

/** What the API handlers use. */
public record ApiContext(
    Authenticator auth,
    MachineStore machines,
    JobStore jobs,
    EventStore events,
    TokenStore tokens,
    JobService jobService,
    RecipeCheck recipes,
    BmcDriver bmc,
    SecretBox box,
    InstantSource clock) {}
