/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.security;

import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.TokenStore;
import dev.plinth.registry.api.Action;
import dev.plinth.registry.api.Authorizer;
import dev.plinth.registry.api.CredentialChecker;
import dev.plinth.registry.api.RepositoryName;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Who may use the embedded registry ({@code /v2}), and for what.
 *
 * <ul>
 *   <li>API tokens (any user name, the token as Basic password, or a {@code /v2/token} bearer token
 *       obtained that way): a viewer may pull, an operator also push, an admin also delete. The
 *       subject is {@code api:<token hash>}, looked up again on every request, so a deleted or
 *       expired token stops working at once, even inside a bearer token's lifetime.
 *   <li>Job tokens ({@code plinthjob_...}): subject {@code job:<id>}; may only pull the
 *       repositories its recipe's steps resolve to, and only while the job is not finished.
 * </ul>
 */
public final class RegistryAccess implements CredentialChecker, Authorizer {

  static final String API = "api:";
  static final String JOB = "job:";

  private final TokenStore tokens;
  private final JobStore jobs;
  private final Function<Job, Set<String>> repositories;
  private final InstantSource clock;
  // A job's recipe never changes: its repositories are computed once per job.
  private final Map<String, Set<String>> cache = new ConcurrentHashMap<>();

  /**
   * @param repositories the repositories a job's recipe pulls from
   */
  public RegistryAccess(
      TokenStore tokens,
      JobStore jobs,
      Function<Job, Set<String>> repositories,
      InstantSource clock) {
    this.tokens = tokens;
    this.jobs = jobs;
    this.repositories = repositories;
    this.clock = clock;
  }

  @Override
  public Optional<String> authenticate(String user, String secret) {
    if (secret == null || secret.isEmpty()) {
      return Optional.empty();
    }
    String hash = TokenHash.of(secret);
    Optional<String> api = tokens.byHash(hash).filter(this::live).map(t -> API + hash);
    if (api.isPresent()) {
      return api;
    }
    return jobs.byTokenHash(hash).filter(j -> !j.state().terminal()).map(j -> JOB + j.id());
  }

  @Override
  public boolean allows(String subject, RepositoryName repository, Action action) {
    if (subject.startsWith(API)) {
      return tokens
          .byHash(subject.substring(API.length()))
          .filter(this::live)
          .map(t -> Role.parse(t.role()).includes(required(action)))
          .orElse(false);
    }
    if (subject.startsWith(JOB)) {
      return action == Action.PULL && repository != null && jobMayPull(subject, repository);
    }
    return false;
  }

  /** The least role that may do {@code action}. */
  static Role required(Action action) {
    return switch (action) {
      case PULL -> Role.VIEWER;
      case PUSH -> Role.OPERATOR;
      case DELETE -> Role.ADMIN;
    };
  }

  private boolean jobMayPull(String subject, RepositoryName repository) {
    String id = subject.substring(JOB.length());
    Optional<Job> job = jobs.get(id);
    if (job.isEmpty() || job.get().state().terminal()) {
      cache.remove(id);
      return false;
    }
    return cache
        .computeIfAbsent(id, k -> repositories.apply(job.get()))
        .contains(repository.value());
  }

  private boolean live(dev.plinth.controller.store.ApiToken t) {
    return !t.expired(clock.instant());
  }

  @Override
  public String toString() {
    return "RegistryAccess[api tokens by role, job tokens by recipe]";
  }

  /**
   * Stands in for the access rules until the controller's stores exist: the registry starts first.
   * Until {@link #bind} is called only the bootstrap admin token is accepted (the job engine,
   * resuming jobs, may resolve images through {@code /v2} before {@code serve} binds).
   */
  public static final class Gate implements CredentialChecker, Authorizer {
    private static final String BOOTSTRAP = "bootstrap:admin";
    private final String adminHash;
    private volatile RegistryAccess access;

    /**
     * @param adminToken the bootstrap admin token ({@code DATA/admin.token}), or null for none
     */
    public Gate(String adminToken) {
      this.adminHash = adminToken == null ? null : TokenHash.of(adminToken);
    }

    public void bind(RegistryAccess a) {
      this.access = a;
    }

    @Override
    public Optional<String> authenticate(String user, String secret) {
      RegistryAccess a = access;
      if (a != null) {
        return a.authenticate(user, secret);
      }
      return adminHash != null && secret != null && TokenHash.matches(secret, adminHash)
          ? Optional.of(BOOTSTRAP)
          : Optional.empty();
    }

    @Override
    public boolean allows(String subject, RepositoryName repository, Action action) {
      RegistryAccess a = access;
      return a != null ? a.allows(subject, repository, action) : subject.equals(BOOTSTRAP);
    }
  }
}
