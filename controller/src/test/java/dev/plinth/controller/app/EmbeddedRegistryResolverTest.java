/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.controller.Layout;
import dev.plinth.controller.jobs.RegistryResolver;
import dev.plinth.controller.testing.TestController;
import dev.plinth.recipes.model.ImageRef;
import dev.plinth.registry.api.Digest;
import dev.plinth.registry.storage.RegistryLayout;
import dev.plinth.simulator.demo.DemoImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process resolver against a real embedded registry (a controller serving /v2, the tool
 * images pushed over the distribution API), answer for answer against the HTTP resolver the
 * embedded mode used before ({@code HEAD /v2/<repo>/manifests/<ref>} with the admin token).
 */
class EmbeddedRegistryResolverTest {

  private static final String REPO = "plinth/tools/config-drive";

  @TempDir Path dir;

  @Test
  void answersAsTheRegistrysHttpApiDoes() throws Exception {
    try (TestController ctl = TestController.withRegistry(dir)) {
      DemoImages.publishTools(ctl.url(""), ctl.admin());
      RegistryResolver http = new RegistryResolver(ctl.url(""), ctl.admin());
      EmbeddedRegistryResolver local = new EmbeddedRegistryResolver(() -> ctl.registry);

      // a tag: the manifest's digest
      ImageRef tagged = ImageRef.parse(REPO + ":1");
      Optional<String> digest = local.resolve(tagged);
      assertThat(digest).isPresent();
      assertThat(digest.get()).matches("sha256:[a-f0-9]{64}");
      assertThat(digest).isEqualTo(http.resolve(tagged));

      // that digest, by digest (and with the tag as well: the digest wins): itself
      ImageRef byDigest = ImageRef.parse(REPO + "@" + digest.get());
      assertThat(local.resolve(byDigest)).isEqualTo(digest).isEqualTo(http.resolve(byDigest));
      ImageRef both = ImageRef.parse(REPO + ":nope@" + digest.get());
      assertThat(local.resolve(both)).isEqualTo(digest).isEqualTo(http.resolve(both));

      // unknown tag, repository, digest; a digest another repository holds: empty
      for (String unknown :
          new String[] {
            REPO + ":2",
            "plinth/tools/nothing-here:1",
            REPO + "@sha256:" + "0".repeat(64),
            "plinth/tools/other@" + digest.get()
          }) {
        ImageRef ref = ImageRef.parse(unknown);
        assertThat(local.resolve(ref)).as(unknown).isEmpty();
        assertThat(http.resolve(ref)).as(unknown).isEmpty();
      }

      // a name the registry refuses (over 255 characters: HTTP 400): an error, not "no such tag"
      ImageRef tooLong = ImageRef.parse("a".repeat(300) + ":1");
      assertThrows(RegistryResolver.RegistryException.class, () -> http.resolve(tooLong));
      RegistryResolver.RegistryException e =
          assertThrows(RegistryResolver.RegistryException.class, () -> local.resolve(tooLong));
      assertThat(e.getMessage()).contains("HTTP 400");

      // the manifest's bytes gone from the blob store (its tag and link kept): 404, empty
      Files.delete(new RegistryLayout(new Layout(dir).registry()).blob(Digest.parse(digest.get())));
      assertThat(local.resolve(tagged)).isEmpty();
      assertThat(http.resolve(tagged)).isEmpty();
    }
  }
}
