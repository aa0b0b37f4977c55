/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.security;

/**
 * Who made a request.
 *
 * @param tokenId the API token's id
 * @param name the token's name, for logs
 */
public record Principal(String tokenId, String name, Role role) {}
