/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import java.io.IOException;
import java.io.InputStream;

/** Where image content is copied from: an OCI archive or a registry repository. */
public interface Content {

  /** The manifest (or index) with this digest. */
  RegistryClient.Manifest manifest(String digest) throws IOException;

  /** A blob's bytes; the caller closes the stream. */
  InputStream blob(String digest) throws IOException;

  /** A human name for messages. */
  String describe();
}
