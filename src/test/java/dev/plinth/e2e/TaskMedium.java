/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.e2e;

import dev.plinth.contract.TaskIsoV1;
import dev.plinth.simulator.demo.SimulatedFleet;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * What a simulated server does with the media its BMC booted it from: finds the task ISO among them
 * by its volume label ({@value TaskIsoV1#VOLUME_LABEL}), whatever the slot order (the maintenance
 * ISO, {@value SimulatedFleet#MAINTENANCE_VOLUME_LABEL}, is in the boot slot), and downloads it.
 * Only the primary volume descriptor of the other media is read (one ranged GET), so a large
 * maintenance ISO is not downloaded.
 */
final class TaskMedium {

  private static final int PVD_OFFSET = 16 * 2048;
  private static final int VOLUME_ID_OFFSET = 40;
  private static final int VOLUME_ID_LENGTH = 32;

  private TaskMedium() {}

  /**
   * Downloads the task ISO among {@code media} to {@code target}; a maintenance ISO must be among
   * them too (it is what the server boots).
   */
  static Path download(List<URI> media, Path target) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    URI task = null;
    boolean maintenance = false;
    for (URI m : media) {
      String label = volumeId(http, m);
      maintenance |= SimulatedFleet.MAINTENANCE_VOLUME_LABEL.equals(label);
      if (TaskIsoV1.VOLUME_LABEL.equals(label)) {
        task = m;
      }
    }
    if (!maintenance || task == null) {
      throw new IOException(
          "booted without a maintenance ISO and a task ISO among the media " + media);
    }
    HttpResponse<Path> r =
        http.send(HttpRequest.newBuilder(task).build(), HttpResponse.BodyHandlers.ofFile(target));
    if (r.statusCode() != 200) {
      throw new IOException("GET " + task + ": HTTP " + r.statusCode());
    }
    return target;
  }

  /** The ISO 9660 volume identifier of the medium at {@code uri}, or "" when it is not ISO 9660. */
  static String volumeId(HttpClient http, URI uri) throws IOException, InterruptedException {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(uri)
                .header("Range", "bytes=" + PVD_OFFSET + "-" + (PVD_OFFSET + 2047))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() == 200) {
        in.skipNBytes(PVD_OFFSET); // no range support: read up to the descriptor
      } else if (r.statusCode() != 206) {
        throw new IOException("GET " + uri + ": HTTP " + r.statusCode());
      }
      byte[] pvd = in.readNBytes(2048);
      if (pvd.length < 2048
          || pvd[0] != 1
          || !"CD001".equals(new String(pvd, 1, 5, StandardCharsets.US_ASCII))) {
        return "";
      }
      return new String(pvd, VOLUME_ID_OFFSET, VOLUME_ID_LENGTH, StandardCharsets.US_ASCII).strip();
    }
  }
}
