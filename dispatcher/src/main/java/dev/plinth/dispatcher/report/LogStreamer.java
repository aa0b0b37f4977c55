/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.report;

import dev.plinth.contract.LogChunk;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskStep;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * Streams each attempt's output to the controller while it runs (docs/contracts.md, "Step logs"):
 * the file the runner writes is read every {@link Limits#interval}, cut into whole lines, the job's
 * secrets redacted, each line clipped, a token bucket limiting the rate (lines over it are dropped
 * and counted), and the step's and the job's total bounded (the chunk that reaches a bound ends
 * with a marker, and nothing more is sent for the attempt). Best effort: a chunk the controller
 * refuses (a full log: 413) ends the attempt's stream, one it cannot take is retried briefly and
 * then given up; the job itself never waits on its logs, and its events are not affected.
 *
 * <p>Where an attempt's stream stands (the file offset of the last line handled, the chunks sent,
 * the bytes counted) is kept next to its file ({@code FILE.sent}, rewritten after each chunk the
 * controller acknowledged): a restarted dispatcher that follows the same running attempt again goes
 * on from there, with the next chunk number, instead of sending the output again under numbers the
 * controller already holds (it would take those as resends and drop the new lines). A file that
 * shrank (the runner emptied one that grew too big) is read again from its start.
 */
public final class LogStreamer {

  private static final System.Logger LOG = System.getLogger(LogStreamer.class.getName());
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL).*");
  static final String REDACTED = "[REDACTED]";

  /** Where chunks go: the controller ({@link WebhookClient#sendLogs}), or a test. */
  @FunctionalInterface
  public interface Sink {
    WebhookClient.Answer send(LogChunk chunk) throws InterruptedException;
  }

  /**
   * @param perStepBytes the most bytes sent per attempt
   * @param perJobBytes the most bytes sent for the whole job
   * @param bytesPerSecond the token bucket's rate
   * @param burstBytes the token bucket's size
   * @param maxLineChars longer lines are clipped
   * @param interval how often the output is read
   */
  public record Limits(
      long perStepBytes,
      long perJobBytes,
      long bytesPerSecond,
      long burstBytes,
      int maxLineChars,
      Duration interval) {
    public static Limits defaults() {
      return new Limits(256 * 1024, 2 << 20, 16 * 1024, 64 * 1024, 4096, Duration.ofSeconds(1));
    }
  }

  private final Task task;
  private final Sink sink;
  private final Limits limits;
  private final Clock clock;
  private final List<String> secrets;
  private final AtomicLong jobBytes = new AtomicLong();

  public LogStreamer(Task task, Sink sink, Limits limits, Clock clock) {
    this.task = task;
    this.sink = sink;
    this.limits = limits;
    this.clock = clock;
    this.secrets = secrets(task);
  }

  /**
   * The job's secrets as they could appear in output: its token, webhook key and registry password,
   * and every step environment value whose name says it is a secret; longest first, so a secret
   * that contains another is redacted whole.
   */
  static List<String> secrets(Task t) {
    Set<String> s = new LinkedHashSet<>();
    s.add(t.credentials().jobToken());
    s.add(t.credentials().webhookHmacKey());
    s.add(t.credentials().registryPassword());
    for (TaskStep step : t.steps()) {
      for (Map.Entry<String, String> e : step.env().entrySet()) {
        if (SECRET_NAME.matcher(e.getKey()).matches()) {
          s.add(e.getValue());
        }
      }
    }
    List<String> out = new ArrayList<>();
    for (String v : s) {
      if (v != null && v.length() >= 8) {
        out.add(v);
      }
    }
    out.sort(Comparator.comparingInt(String::length).reversed());
    return List.copyOf(out);
  }

  /** {@code line} with the job's secrets replaced by {@value #REDACTED}. */
  public String redact(String line) {
    String out = line;
    for (String s : secrets) {
      out = out.replace(s, REDACTED);
    }
    return out;
  }

  /** Starts streaming {@code file} (it may not exist yet) for one attempt. */
  public Follow follow(String step, int stepIndex, int attempt, Path file) {
    Follow f = new Follow(step, stepIndex, attempt, file);
    f.thread = Thread.ofVirtual().name("plinth-logs-" + step).start(f::loop);
    return f;
  }

  /** One attempt's stream; {@link #close} sends what is left and stops. */
  public final class Follow implements AutoCloseable {
    private final String step;
    private final int stepIndex;
    private final int attempt;
    private final Path file;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final StringBuilder text = new StringBuilder();
    private Thread thread;
    private volatile boolean stopping;
    private final Path progress;
    private long offset;
    private long consumed;
    private long chunk;
    private long stepBytes;
    private long dropped;
    private boolean truncated;
    private boolean done;
    private double tokens = limits.burstBytes();
    private long refilled = System.nanoTime();
    private long sent;

    private Follow(String step, int stepIndex, int attempt, Path file) {
      this.step = step;
      this.stepIndex = stepIndex;
      this.attempt = attempt;
      this.file = file;
      this.progress = file.resolveSibling(file.getFileName() + ".sent");
      resume();
    }

    /** Picks up where a previous dispatcher left this attempt's stream, if it did. */
    private void resume() {
      try {
        if (!Files.exists(progress)) {
          return;
        }
        String[] f = Files.readString(progress, StandardCharsets.US_ASCII).strip().split(" ");
        offset = Long.parseLong(f[0]);
        consumed = offset;
        chunk = Long.parseLong(f[1]);
        stepBytes = Long.parseLong(f[2]);
        done = f.length > 3 && "done".equals(f[3]);
        jobBytes.addAndGet(stepBytes);
      } catch (IOException | RuntimeException e) {
        LOG.log(
            Level.WARNING, "cannot read {0}, streaming {1} from its start: {2}", progress, step, e);
        offset = 0;
        consumed = 0;
        chunk = 0;
        stepBytes = 0;
        done = false;
      }
    }

    /** Records where the stream stands, after a chunk was acknowledged or the stream ended. */
    private void saveProgress() {
      try {
        Path tmp = progress.resolveSibling(progress.getFileName() + ".tmp");
        Files.writeString(
            tmp,
            consumed + " " + chunk + " " + stepBytes + (done ? " done" : "") + "\n",
            StandardCharsets.US_ASCII);
        Files.move(
            tmp,
            progress,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "cannot record the progress of {0}: {1}", step, e);
      }
    }

    /** Chunks sent and acknowledged so far. */
    public long sent() {
      return sent;
    }

    private void loop() {
      try {
        while (!stopping) {
          LockSupport.parkNanos(limits.interval().toNanos());
          pump(false);
        }
        pump(true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "streaming the output of step {0} stopped: {1}", step, e);
      }
    }

    private void pump(boolean last) throws IOException, InterruptedException {
      if (done) {
        return;
      }
      read(last);
      if (text.length() > 0 || (last && dropped > 0) || truncated) {
        flush();
      }
    }

    private void read(boolean last) throws IOException {
      if (Files.exists(file)) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
          if (ch.size() < offset) {
            // Emptied by the runner (too big): what follows is new output, from the start.
            text.append("[plinth: the output file grew too big on the machine and was emptied;")
                .append(" some output is missing here]\n");
            offset = 0;
            consumed = 0;
            partial.reset();
          }
          ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
          int n;
          // At most 1 MiB a turn, so one turn never holds more than that.
          for (int turn = 0; turn < 16 && (n = ch.read(buf, offset)) > 0; turn++) {
            partial.write(buf.array(), 0, n);
            offset += n;
            buf.clear();
          }
        }
      }
      byte[] b = partial.toByteArray();
      long base = offset - b.length;
      int start = 0;
      for (int i = 0; i < b.length && !done && !truncated; i++) {
        if (b[i] == '\n') {
          consumed = base + i + 1;
          line(new String(b, start, i - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      if (last && start < b.length && !truncated) {
        consumed = base + b.length;
        line(new String(b, start, b.length - start, StandardCharsets.UTF_8));
        start = b.length;
      }
      partial.reset();
      if (!truncated) {
        partial.write(b, start, b.length - start);
      }
    }

    private void line(String raw) throws IOException {
      String l = redact(raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw);
      if (l.length() > limits.maxLineChars()) {
        l = l.substring(0, limits.maxLineChars()) + " [plinth: line clipped]";
      }
      long cost = l.getBytes(StandardCharsets.UTF_8).length + 1L;
      long now = System.nanoTime();
      tokens =
          Math.min(
              limits.burstBytes(), tokens + limits.bytesPerSecond() * ((now - refilled) / 1e9));
      refilled = now;
      if (cost > tokens) {
        dropped++;
        return;
      }
      if (stepBytes + cost > limits.perStepBytes()
          || jobBytes.get() + cost > limits.perJobBytes()) {
        text.append("[plinth: output truncated: the dispatcher sends at most ")
            .append(limits.perStepBytes())
            .append(" bytes per step and ")
            .append(limits.perJobBytes())
            .append(" per job]\n");
        truncated = true;
        return;
      }
      tokens -= cost;
      stepBytes += cost;
      jobBytes.addAndGet(cost);
      text.append(l).append('\n');
      if (text.length() > LogChunk.MAX_TEXT_CHARS - limits.maxLineChars() - 200) {
        try {
          flush();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
    }

    private void flush() throws InterruptedException {
      if (done) {
        return;
      }
      chunk++;
      LogChunk c =
          LogChunk.of(
              task.jobId(),
              step,
              stepIndex,
              attempt,
              chunk,
              clock.instant(),
              text.toString(),
              dropped,
              truncated);
      text.setLength(0);
      for (int i = 0; ; i++) {
        WebhookClient.Answer a = sink.send(c);
        if (a.outcome() == WebhookClient.Outcome.ACKED) {
          dropped = 0;
          sent++;
          done = truncated;
          saveProgress();
          return;
        }
        if (a.outcome() == WebhookClient.Outcome.REJECTED || i == 2) {
          // Refused (the controller's log is full: 413) or still failing: stop this attempt's
          // stream; its log tail still arrives with the step's result.
          LOG.log(Level.INFO, "output of step {0}: no more chunks ({1})", step, a.detail());
          done = true;
          saveProgress();
          return;
        }
        Thread.sleep(250);
      }
    }

    /**
     * Sends what is left of the output and stops. Waits at most 2 s, so that a controller that
     * cannot be reached delays the step's result no more than that (the chunk is then sent, or
     * given up, in the background).
     */
    @Override
    public void close() {
      stopping = true;
      LockSupport.unpark(thread);
      try {
        if (!thread.join(Duration.ofSeconds(2))) {
          LOG.log(Level.WARNING, "output of step {0}: the last chunk was not sent in time", step);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
