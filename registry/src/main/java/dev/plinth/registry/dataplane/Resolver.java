/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.dataplane;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Maps a data-plane request path to the file it may serve, or nothing. */
final class Resolver {

  /** A file to serve. */
  record Target(Path file, String contentType, String etag) {}

  private final UrlSigner signer;
  private final List<Path> roots;
  private final Map<String, NettyDataPlane.Published> published;

  /** What {@code /media/} serves, once the owner says ({@link DataPlane#serveMedia}). */
  volatile MediaSource media;

  Resolver(UrlSigner signer, List<Path> roots, Map<String, NettyDataPlane.Published> published) {
    this.signer = signer;
    this.roots = roots;
    this.published = published;
  }

  Optional<Target> resolve(String path) {
    if (path.startsWith("/s/")) {
      return signer
          .verify(path.substring(3), Instant.now().getEpochSecond())
          .filter(g -> under(roots, g.file()))
          .map(g -> new Target(g.file(), g.contentType(), g.etag()));
    }
    if (path.startsWith("/m/")) {
      String rest = path.substring(3);
      int slash = rest.indexOf('/');
      String token = slash < 0 ? rest : rest.substring(0, slash);
      NettyDataPlane.Published p = published.get(token);
      if (p == null || (slash >= 0 && !rest.substring(slash + 1).equals(p.name()))) {
        return Optional.empty();
      }
      return Optional.of(new Target(p.file(), p.contentType(), null));
    }
    return Optional.empty();
  }

  static boolean under(List<Path> roots, Path f) {
    Path n = f.toAbsolutePath().normalize();
    for (Path r : roots) {
      if (n.startsWith(r)) {
        return true;
      }
    }
    return false;
  }
}
