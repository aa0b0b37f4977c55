/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Debian packages for the tool images: the package lists ({@link
 * dev.plinth.tools.debian.PackageList}), the lock that pins every package of both architectures
 * ({@link dev.plinth.tools.debian.Lock}) and the per-image closures ({@link
 * dev.plinth.tools.debian.Closure}), their refresh through apt-get in a throwaway apt root ({@link
 * dev.plinth.tools.debian.AptResolver}), and the verified download cache ({@link
 * dev.plinth.tools.debian.DebCache}). Uses the JDK and commons-compress only; knows nothing of OCI.
 */
package dev.plinth.tools.debian;
