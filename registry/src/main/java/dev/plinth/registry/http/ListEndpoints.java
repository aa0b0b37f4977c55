/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.http;

import dev.plinth.registry.api.Action;
import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.auth.Principal;
import dev.plinth.registry.storage.Descriptor;
import dev.plinth.registry.storage.Json;
import dev.plinth.registry.storage.MediaTypes;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Content discovery: tag list, catalog and referrers, with {@code n}/{@code last} paging. */
final class ListEndpoints {

  private final Backend b;

  ListEndpoints(Backend b) {
    this.b = b;
  }

  void tags(Exchange x, Principal p, Route.Tags r) throws IOException {
    b.auth().require(p, r.name(), Action.PULL);
    if (!b.repos().exists(r.name())) {
      throw new RegistryException(ErrorCode.NAME_UNKNOWN);
    }
    List<String> page = page(x, b.repos().tags(r.name()), "/v2/" + r.name() + "/tags/list");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", r.name().value());
    body.put("tags", page);
    x.send(200, "application/json", Json.MAPPER.writeValueAsBytes(body));
  }

  void catalog(Exchange x, Principal p) throws IOException {
    List<String> names = new ArrayList<>();
    for (RepositoryName n : b.auth().catalog(p, b.repos()::repositories)) {
      names.add(n.value());
    }
    List<String> page = page(x, names, "/v2/_catalog");
    x.send(200, "application/json", Json.MAPPER.writeValueAsBytes(Map.of("repositories", page)));
  }

  void referrers(Exchange x, Principal p, Route.Referrers r) throws IOException {
    b.auth().require(p, r.name(), Action.PULL);
    List<Descriptor> all = b.repos().referrers(r.name(), r.digest());
    Optional<String> type = x.query("artifactType");
    List<Descriptor> out = new ArrayList<>();
    for (Descriptor d : all) {
      if (type.isEmpty() || type.get().equals(d.artifactType())) {
        out.add(d);
      }
    }
    if (type.isPresent()) {
      x.header(Exchange.OCI_FILTERS_APPLIED, "artifactType");
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.put("manifests", out);
    x.send(200, MediaTypes.OCI_INDEX, Json.MAPPER.writeValueAsBytes(index));
  }

  /** Applies {@code n} and {@code last} to a sorted list and sets {@code Link} when more remain. */
  private static List<String> page(Exchange x, List<String> sorted, String path) {
    Optional<String> last = x.query("last");
    int from = 0;
    if (last.isPresent()) {
      while (from < sorted.size() && sorted.get(from).compareTo(last.get()) <= 0) {
        from++;
      }
    }
    Optional<String> nText = x.query("n");
    int n = sorted.size() - from;
    if (nText.isPresent()) {
      try {
        n = Integer.parseInt(nText.get());
      } catch (NumberFormatException e) {
        throw new RegistryException(ErrorCode.UNSUPPORTED, "invalid n");
      }
      if (n < 0) {
        throw new RegistryException(ErrorCode.UNSUPPORTED, "invalid n");
      }
    }
    int to = (int) Math.min(sorted.size(), (long) from + n);
    List<String> page = new ArrayList<>(sorted.subList(from, to));
    if (nText.isPresent() && to < sorted.size() && !page.isEmpty()) {
      String next =
          path
              + "?n="
              + n
              + "&last="
              + URLEncoder.encode(page.get(page.size() - 1), StandardCharsets.UTF_8);
      x.header(HeaderNames.create("Link"), "<" + next + ">; rel=\"next\"");
    }
    return page;
  }
}
