/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.report;

import dev.plinth.contract.ContractException;
import dev.plinth.contract.ContractJson;
import dev.plinth.contract.Event;
import dev.plinth.contract.EventType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import java.util.stream.Stream;

/**
 * The job's events on disk. {@link #append} gives the next sequence number and writes the event to
 * {@code pending/} (staged in {@code tmp/}, fsynced, renamed, directory fsynced) before returning,
 * so an event the dispatcher has decided on survives a crash. Acknowledged events move to {@code
 * acked/}; together they are the job's history, from which a restarted dispatcher learns which
 * steps already ended.
 */
public final class EventJournal {

  private final StateLayout layout;
  private final String jobId;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Event> history = new ArrayList<>();
  private final NavigableMap<Long, Event> pending = new TreeMap<>();

  private EventJournal(StateLayout layout, String jobId) {
    this.layout = layout;
    this.jobId = jobId;
  }

  /** Opens (creating) the journal of a job and loads what an earlier run left. */
  public static EventJournal open(StateLayout layout, String jobId) throws IOException {
    layout.create(jobId);
    EventJournal j = new EventJournal(layout, jobId);
    TreeMap<Long, Event> all = new TreeMap<>();
    for (Path dir : List.of(layout.acked(jobId), layout.rejected(jobId), layout.pending(jobId))) {
      boolean isPending = dir.equals(layout.pending(jobId));
      for (Event e : readDir(dir)) {
        all.put(e.sequence(), e);
        if (isPending) {
          j.pending.put(e.sequence(), e);
        }
      }
    }
    long expect = 1;
    for (long seq : all.keySet()) {
      if (seq != expect) {
        throw new IOException(
            "event journal of job " + jobId + " has a gap before sequence " + seq);
      }
      expect++;
    }
    j.history.addAll(all.values());
    return j;
  }

  /** Builds the next event with its sequence number and spools it durably. */
  public Event append(LongFunction<Event> build) throws IOException {
    lock.lock();
    try {
      long seq = history.size() + 1L;
      Event e = build.apply(seq);
      if (e.sequence() != seq || !e.jobId().equals(jobId)) {
        throw new IllegalArgumentException("event must carry sequence " + seq + " of job " + jobId);
      }
      writeDurably(
          layout.pending(jobId).resolve(StateLayout.eventFile(seq)), ContractJson.writeEvent(e));
      history.add(e);
      pending.put(seq, e);
      changed.signalAll();
      return e;
    } finally {
      lock.unlock();
    }
  }

  /** Appends an event only when no event of that type is waiting to be sent (heartbeats). */
  public Optional<Event> appendUnlessPending(EventType type, LongFunction<Event> build)
      throws IOException {
    lock.lock();
    try {
      if (pending.values().stream().anyMatch(e -> e.type() == type)) {
        return Optional.empty();
      }
      return Optional.of(append(build));
    } finally {
      lock.unlock();
    }
  }

  /** Every event of the job so far, in sequence order. */
  public List<Event> history() {
    lock.lock();
    try {
      return List.copyOf(history);
    } finally {
      lock.unlock();
    }
  }

  /** The lowest-numbered event not yet acknowledged. */
  public Optional<Event> firstPending() {
    lock.lock();
    try {
      return pending.isEmpty() ? Optional.empty() : Optional.of(pending.firstEntry().getValue());
    } finally {
      lock.unlock();
    }
  }

  public int pendingCount() {
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }

  /** Moves an event to {@code acked/}. */
  public void acknowledged(Event e) throws IOException {
    settle(e, layout.acked(jobId));
  }

  /** Moves an event the controller refused to {@code rejected/}. */
  public void rejected(Event e) throws IOException {
    settle(e, layout.rejected(jobId));
  }

  /** Waits until an event is pending or the time is up; true if one is pending. */
  public boolean awaitPending(long nanos) throws InterruptedException {
    lock.lock();
    try {
      long left = nanos;
      while (pending.isEmpty() && left > 0) {
        left = changed.awaitNanos(left);
      }
      return !pending.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until nothing is pending or the time is up; true if drained. */
  public boolean awaitDrained(long nanos) throws InterruptedException {
    lock.lock();
    try {
      long left = nanos;
      while (!pending.isEmpty() && left > 0) {
        left = changed.awaitNanos(left);
      }
      return pending.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  private void settle(Event e, Path dir) throws IOException {
    String name = StateLayout.eventFile(e.sequence());
    Files.move(
        layout.pending(jobId).resolve(name), dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    fsyncDir(dir);
    lock.lock();
    try {
      pending.remove(e.sequence());
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void writeDurably(Path target, byte[] bytes) throws IOException {
    Path tmp = layout.tmp(jobId).resolve(target.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDir(target.getParent());
  }

  private static void fsyncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static List<Event> readDir(Path dir) throws IOException {
    List<Event> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
        try {
          out.add(ContractJson.readEvent(Files.readAllBytes(f)));
        } catch (ContractException e) {
          throw new IOException("unreadable spooled event " + f + ": " + e.getMessage(), e);
        }
      }
    }
    return out;
  }
}
