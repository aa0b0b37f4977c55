/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.media;

import dev.plinth.controller.Layout;
import dev.plinth.controller.problem.Problem;
import dev.plinth.controller.problem.Problems;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobStore;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code GET|HEAD /media/{mediaId}/task.iso}: a job's task ISO, found by the job's unguessable
 * media id (256 random bits); {@code /media/maintenance.iso}: the maintenance ISO every job boots
 * (it holds no secret, so its URL is stable and BMCs may cache it); {@code
 * /media/{mediaId}/maintenance.iso}: a job's own maintenance ISO, for a BMC with one slot (its
 * kernel command line holds the task ISO's URL, so it is as secret). BMCs fetch ISOs in ranges;
 * every check happens before the first byte.
 */
public final class MediaRoutes {

  private static final String BOUNDARY = "plinth-byteranges-7d3f";

  private MediaRoutes() {}

  /** Where a job's task ISO lives. */
  public static Path taskIso(Layout layout, String jobId) {
    return layout.media().resolve(jobId).resolve("task.iso");
  }

  public static Consumer<HttpRouting.Builder> routes(
      Layout layout, JobStore jobs, MaintenanceIso maintenance) {
    return routes(layout, jobs, maintenance, Rebuild.NONE);
  }

  /**
   * The routes, making a job's medium through {@code rebuild} when its file is not on this
   * controller (another controller prepared the job).
   */
  public static Consumer<HttpRouting.Builder> routes(
      Layout layout, JobStore jobs, MaintenanceIso maintenance, Rebuild rebuild) {
    return r ->
        r.route(
                m -> m == Method.GET || m == Method.HEAD,
                io.helidon.http.PathMatchers.create("/media/{mediaId}/task.iso"),
                (req, res) -> serveTask(layout, jobs, rebuild, req, res))
            .route(
                m -> m == Method.GET || m == Method.HEAD,
                io.helidon.http.PathMatchers.create("/media/{mediaId}/" + MaintenanceIso.JOB_ISO),
                (req, res) -> serveJobMaintenance(layout, jobs, rebuild, req, res))
            .route(
                m -> m == Method.GET || m == Method.HEAD,
                io.helidon.http.PathMatchers.exact(MaintenanceIso.PATH),
                (req, res) -> serve(maintenance.file(), req, res));
  }

  private static void serveTask(
      Layout layout, JobStore jobs, Rebuild rebuild, ServerRequest req, ServerResponse res)
      throws IOException {
    String mediaId = req.path().pathParameters().get("mediaId");
    Optional<Job> job = jobs.byMediaId(mediaId);
    serve(local(job, taskIso(layout, job), "task.iso", rebuild), req, res);
  }

  private static void serveJobMaintenance(
      Layout layout, JobStore jobs, Rebuild rebuild, ServerRequest req, ServerResponse res)
      throws IOException {
    String mediaId = req.path().pathParameters().get("mediaId");
    Optional<Job> job = jobs.byMediaId(mediaId);
    Path file = job.map(j -> MaintenanceIso.jobIso(layout, j.id())).orElse(null);
    serve(local(job, file, MaintenanceIso.JOB_ISO, rebuild), req, res);
  }

  private static Path taskIso(Layout layout, Optional<Job> job) {
    return job.map(j -> taskIso(layout, j.id())).orElse(null);
  }

  /** {@code file} when it is here, else what {@code rebuild} makes of the job (or null). */
  static Path local(Optional<Job> job, Path file, String name, Rebuild rebuild) throws IOException {
    if (job.isEmpty() || Files.isRegularFile(file)) {
      return file;
    }
    return rebuild.make(job.get(), name).orElse(null);
  }

  /** Serves {@code file} with HEAD, ranges and validators; a missing file is a 404. */
  private static void serve(Path file, ServerRequest req, ServerResponse res) throws IOException {
    if (file == null || !Files.isRegularFile(file)) {
      Problems.send(req, res, Problem.of("not-found", "Not found", 404, "no such medium"));
      return;
    }
    long length = Files.size(file);
    var modified = Files.getLastModifiedTime(file).toInstant();
    String etag =
        "\"" + Long.toHexString(length) + "-" + Long.toHexString(modified.toEpochMilli()) + "\"";
    res.header(HeaderNames.ACCEPT_RANGES, "bytes");
    res.header(HeaderNames.ETAG, etag);
    res.header(
        HeaderNames.LAST_MODIFIED,
        DateTimeFormatter.RFC_1123_DATE_TIME.format(modified.atZone(ZoneOffset.UTC)));
    boolean head = req.prologue().method() == Method.HEAD;
    String range = req.headers().first(HeaderNames.RANGE).orElse(null);
    // If-Range with another validator: the client's partial copy is stale, send everything.
    String ifRange = req.headers().first(HeaderNames.IF_RANGE).orElse(null);
    if (ifRange != null && !ifRange.equals(etag)) {
      range = null;
    }
    List<ByteRanges.Range> ranges;
    try {
      ranges = ByteRanges.parse(range, length).orElse(null);
    } catch (ByteRanges.Unsatisfiable e) {
      res.header(HeaderNames.CONTENT_RANGE, "bytes */" + length);
      Problems.send(
          req,
          res,
          Problem.of(
              "range-not-satisfiable",
              "Range not satisfiable",
              416,
              "the range is outside the medium's " + length + " bytes"));
      return;
    }
    if (ranges == null) {
      send(res, file, head, length, List.of(new ByteRanges.Range(0, length - 1)), null, length);
    } else if (ranges.size() == 1) {
      ByteRanges.Range one = ranges.getFirst();
      res.status(Status.PARTIAL_CONTENT_206);
      res.header(
          HeaderNames.CONTENT_RANGE, "bytes " + one.first() + "-" + one.last() + "/" + length);
      send(res, file, head, one.length(), ranges, null, length);
    } else {
      res.status(Status.PARTIAL_CONTENT_206);
      List<byte[]> heads = ranges.stream().map(x -> partHead(x, length)).toList();
      long total = BOUNDARY.length() + 8L;
      for (int i = 0; i < ranges.size(); i++) {
        total += heads.get(i).length + ranges.get(i).length();
      }
      res.header(HeaderNames.CONTENT_TYPE, "multipart/byteranges; boundary=" + BOUNDARY);
      send(res, file, head, total, ranges, heads, length);
    }
  }

  private static byte[] partHead(ByteRanges.Range r, long length) {
    return ("\r\n--"
            + BOUNDARY
            + "\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes "
            + r.first()
            + "-"
            + r.last()
            + "/"
            + length
            + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static void send(
      ServerResponse res,
      Path file,
      boolean head,
      long contentLength,
      List<ByteRanges.Range> ranges,
      List<byte[]> partHeads,
      long length)
      throws IOException {
    if (partHeads == null) {
      res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
    }
    res.header(HeaderNames.CONTENT_LENGTH, Long.toString(contentLength));
    if (head) {
      res.send();
      return;
    }
    try (FileChannel ch = FileChannel.open(file);
        OutputStream out = res.outputStream()) {
      var sink = Channels.newChannel(out);
      for (int i = 0; i < ranges.size(); i++) {
        if (partHeads != null) {
          out.write(partHeads.get(i));
        }
        ByteRanges.Range r = ranges.get(i);
        long pos = r.first();
        long end = r.last() + 1;
        while (pos < end) {
          pos += ch.transferTo(pos, end - pos, sink);
        }
      }
      if (partHeads != null) {
        out.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
  }
}
