/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.store.Database;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.testing.TestController;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BMC media on the registry's data plane: the engine hands BMCs data-plane URLs, which serve the
 * job's media by its media id only (ranges, HEAD, 416), and a task ISO missing here is made again.
 */
class MediaOnDataPlaneIT {

  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  HttpResponse<byte[]> get(URI u, String range) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(u);
    if (range != null) {
      b.header("Range", range);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void bmcsReadTheJobsMediaFromTheDataPlane() throws Exception {
    try (TestController t = TestController.withRegistry(dir)) {
      var dp = t.registry.dataPlane().orElseThrow();
      assertThat(t.controller.serveMediaOn(dp)).isTrue();
      String base = "http://127.0.0.1:" + dp.port();
      t.call(
          "POST",
          "/api/v1/machines",
          "{\"name\":\"m1\",\"bmc\":{\"url\":\"https://10.0.0.1\",\"username\":\"u\",\"password\":\"p\"}}");
      var r =
          t.call(
              "POST",
              "/api/v1/jobs",
              "{\"machine\":\"m1\",\"recipeText\":\"apiVersion: plinth.dev/v1\\nkind: Recipe\\nmetadata: {name: w}\\nsteps: [{name: e, wipe: {method: zero, disks: all}}]\\n\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      String id = TestController.json(r).get("id").asText();
      long until = System.nanoTime() + 30_000_000_000L;
      while (!t.bmc.maintenance.containsKey("m1") && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      Job job;
      try (Database db = Database.open("jdbc:sqlite:" + t.controller.layout().database(), null)) {
        job = new JobStore(db).get(id).orElseThrow();
      }
      URI maint = t.bmc.maintenance.get("m1");
      assertThat(maint).hasToString(base + MaintenanceIso.PATH);
      URI task = URI.create(base + "/media/" + job.mediaId() + "/task.iso");
      assertThat(t.bmc.calls).contains("m1:bootFromIso:" + task);

      byte[] iso = Files.readAllBytes(MediaRoutes.taskIso(t.controller.layout(), id));
      var whole = get(task, null);
      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(whole.body()).isEqualTo(iso);
      var part = get(task, "bytes=32768-34815");
      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(part.headers().firstValue("content-range"))
          .hasValue("bytes 32768-34815/" + iso.length);
      assertThat(get(task, "bytes=" + iso.length + "-").statusCode()).isEqualTo(416);
      // The same validators as the controller's own /media route.
      var viaController =
          get(URI.create(t.url("/media/" + job.mediaId() + "/task.iso")), "bytes=0-0");
      assertThat(whole.headers().firstValue("etag"))
          .isEqualTo(viaController.headers().firstValue("etag"));
      assertThat(get(maint, "bytes=0-0").statusCode()).isEqualTo(206);

      // Only by the job's media id, only its own files.
      assertThat(get(URI.create(base + "/media/" + id + "/task.iso"), null).statusCode())
          .isEqualTo(404);
      assertThat(get(URI.create(base + "/media/guess/task.iso"), null).statusCode()).isEqualTo(404);
      assertThat(
              get(URI.create(base + "/media/" + job.mediaId() + "/../x/task.iso"), null)
                  .statusCode())
          .isEqualTo(404);
      assertThat(
              get(URI.create(base + "/media/" + job.mediaId() + "/other.iso"), null).statusCode())
          .isEqualTo(404);

      // Another controller prepared the job: the file is not here and is made again, same bytes.
      Files.delete(MediaRoutes.taskIso(t.controller.layout(), id));
      var again = get(task, null);
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.body()).isEqualTo(iso);
    }
  }
}
