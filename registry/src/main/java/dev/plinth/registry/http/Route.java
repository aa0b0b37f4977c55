/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.http;

import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.Reference;
import dev.plinth.registry.api.RepositoryName;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The endpoint a {@code /v2} path addresses, with its validated parameters. */
sealed interface Route {

  /** {@code /v2/}. */
  record Base() implements Route {}

  /** {@code /v2/_catalog}. */
  record Catalog() implements Route {}

  /** {@code /v2/token}: the token endpoint. */
  record Token() implements Route {}

  /** {@code /v2/NAME/tags/list}. */
  record Tags(RepositoryName name) implements Route {}

  /** {@code /v2/NAME/manifests/REF}; {@code reference} is null for a tag outside the grammar. */
  record Manifest(RepositoryName name, Reference reference) implements Route {}

  /** {@code /v2/NAME/blobs/DIGEST}. */
  record Blob(RepositoryName name, Digest digest) implements Route {}

  /** {@code /v2/NAME/blobs/uploads/}. */
  record UploadStart(RepositoryName name) implements Route {}

  /** {@code /v2/NAME/blobs/uploads/ID}. */
  record Upload(RepositoryName name, String id) implements Route {}

  /** {@code /v2/NAME/referrers/DIGEST}. */
  record Referrers(RepositoryName name, Digest digest) implements Route {}

  /** Not an endpoint. */
  record Unknown() implements Route {}

  Pattern UPLOADS = Pattern.compile("/(.+)/blobs/uploads/?([^/]*)");
  Pattern BLOB = Pattern.compile("/(.+)/blobs/([^/]+)");
  Pattern MANIFEST = Pattern.compile("/(.+)/manifests/([^/]+)");
  Pattern TAGS = Pattern.compile("/(.+)/tags/list");
  Pattern REFERRERS = Pattern.compile("/(.+)/referrers/([^/]+)");

  /** Parses the path after {@code /v2}; invalid names and references throw their spec error. */
  static Route parse(String p) {
    if (p.isEmpty() || p.equals("/")) {
      return new Base();
    }
    if (p.equals("/_catalog")) {
      return new Catalog();
    }
    if (p.equals("/token")) {
      return new Token();
    }
    Matcher m;
    if ((m = UPLOADS.matcher(p)).matches()) {
      RepositoryName n = RepositoryName.parse(m.group(1));
      return m.group(2).isEmpty() ? new UploadStart(n) : new Upload(n, m.group(2));
    }
    if ((m = BLOB.matcher(p)).matches()) {
      return new Blob(RepositoryName.parse(m.group(1)), Digest.parse(m.group(2)));
    }
    if ((m = MANIFEST.matcher(p)).matches()) {
      RepositoryName n = RepositoryName.parse(m.group(1));
      String ref = m.group(2);
      if (ref.indexOf(':') < 0 && !Reference.Tag.isValid(ref)) {
        // no such tag can exist: GET/HEAD/DELETE answer 404, PUT 400
        return new Manifest(n, null);
      }
      return new Manifest(n, Reference.parse(ref));
    }
    if ((m = TAGS.matcher(p)).matches()) {
      return new Tags(RepositoryName.parse(m.group(1)));
    }
    if ((m = REFERRERS.matcher(p)).matches()) {
      return new Referrers(RepositoryName.parse(m.group(1)), Digest.parse(m.group(2)));
    }
    return new Unknown();
  }
}
