/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * CycloneDX 1.6 SBOMs for every release artifact ({@code ci sbom}): Java libraries read from the
 * artifacts, Debian packages from the lock files, licences from POMs and Debian copyright files.
 */
package dev.plinth.ci.sbom;
