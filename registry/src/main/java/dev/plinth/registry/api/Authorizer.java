/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.api;

/**
 * Decides who may do what with which repository; the controller implements it (roles, per-job
 * tokens). Anonymous pull by pattern is applied by the registry before this is asked.
 */
@FunctionalInterface
public interface Authorizer {

  /**
   * @param subject who was authenticated (as returned by the {@link CredentialChecker})
   * @param repository the repository, or null for registry-wide operations (the catalog)
   * @param action what they want to do
   */
  boolean allows(String subject, RepositoryName repository, Action action);

  /** Every authenticated subject may do everything. */
  static Authorizer allowAll() {
    return (s, r, a) -> true;
  }
}
