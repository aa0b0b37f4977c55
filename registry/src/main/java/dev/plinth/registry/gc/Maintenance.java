/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.gc;

import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.Glob;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.storage.BlobInfo;
import dev.plinth.registry.storage.BlobStore;
import dev.plinth.registry.storage.Manifest;
import dev.plinth.registry.storage.RegistryLayout;
import dev.plinth.registry.storage.RepositoryStore;
import dev.plinth.registry.storage.UploadStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Garbage collection, retention and fsck. GC is mark-then-sweep and runs online: marking reads
 * without locks; the sweep deletes a blob only when it is unmarked, older than the grace period and
 * older than the oldest manifest push in flight, checked under that blob's stripe lock (which a
 * manifest push also takes when it refreshes the blobs it references).
 */
public final class Maintenance {

  private static final System.Logger LOG = System.getLogger(Maintenance.class.getName());

  /** Margin for file timestamps taken from the kernel's coarse clock. */
  static final Duration CLOCK_SLOP = Duration.ofSeconds(1);

  private final RegistryLayout layout;
  private final BlobStore blobs;
  private final RepositoryStore repos;
  private final UploadStore uploads;
  private final ReentrantLock running = new ReentrantLock();

  public Maintenance(
      RegistryLayout layout, BlobStore blobs, RepositoryStore repos, UploadStore uploads) {
    this.layout = layout;
    this.blobs = blobs;
    this.repos = repos;
    this.uploads = uploads;
  }

  /**
   * Collects garbage.
   *
   * @param grace never delete a blob written, mounted or referenced more recently than this
   * @param uploadExpiry upload sessions older than this are abandoned and removed
   */
  public Reports.Gc gc(Duration grace, Duration uploadExpiry, boolean dryRun) throws IOException {
    running.lock();
    try {
      Instant start = Instant.now();
      Instant cutoff = start.minus(grace).minus(CLOCK_SLOP);
      Optional<Instant> inflight = blobs.oldestInflight();
      if (inflight.isPresent() && inflight.get().minus(CLOCK_SLOP).isBefore(cutoff)) {
        cutoff = inflight.get().minus(CLOCK_SLOP);
      }
      Set<Digest> marked = mark();
      int expired = dryRun ? 0 : uploads.expire(start.minus(uploadExpiry));
      List<String> deleted = new ArrayList<>();
      long freed = 0;
      int young = 0;
      for (Digest d : blobs.all()) {
        if (marked.contains(d)) {
          continue;
        }
        Optional<BlobInfo> info = blobs.stat(d);
        if (info.isEmpty()) {
          continue;
        }
        if (!info.get().modified().isBefore(cutoff)) {
          young++;
          continue;
        }
        if (dryRun || blobs.deleteIfUnused(d, cutoff, x -> true)) {
          deleted.add(d.toString());
          freed += info.get().size();
        }
      }
      if (!dryRun) {
        unlinkDangling();
      }
      LOG.log(
          System.Logger.Level.INFO,
          "gc: {0} marked, {1} deleted ({2} bytes), {3} kept in grace{4}",
          marked.size(),
          deleted.size(),
          freed,
          young,
          dryRun ? " (dry run)" : "");
      return new Reports.Gc(marked.size(), deleted, freed, young, expired, dryRun);
    } finally {
      running.unlock();
    }
  }

  /** Every blob reachable from a manifest of any repository (manifests included). */
  Set<Digest> mark() {
    Set<Digest> marked = new HashSet<>();
    for (RepositoryName repo : repos.repositories()) {
      for (Digest m : repos.manifests(repo)) {
        marked.add(m);
        Optional<byte[]> bytes = blobs.read(m);
        if (bytes.isEmpty()) {
          continue;
        }
        try {
          Manifest mf = Manifest.parse(bytes.get(), repos.manifestMediaType(repo, m).orElse(null));
          marked.addAll(mf.blobs());
          marked.addAll(mf.children());
        } catch (RegistryException e) {
          // unparseable manifest: fsck reports it; its own bytes stay marked
        }
      }
    }
    return marked;
  }

  private void unlinkDangling() {
    for (RepositoryName repo : repos.repositories()) {
      for (Digest d : repos.blobs(repo)) {
        if (blobs.stat(d).isEmpty()) {
          repos.unlinkBlob(repo, d);
        }
      }
    }
  }

  /** Applies retention policies (first match per repository). */
  public Reports.Retention retention(List<RetentionPolicy> policies, boolean dryRun) {
    List<String> tagsDeleted = new ArrayList<>();
    List<String> manifestsDeleted = new ArrayList<>();
    Instant now = Instant.now();
    for (RepositoryName repo : repos.repositories()) {
      Optional<RetentionPolicy> p =
          policies.stream().filter(x -> x.repositories().matches(repo.value())).findFirst();
      if (p.isEmpty()) {
        continue;
      }
      List<RepositoryStore.TagInfo> tags = new ArrayList<>(repos.tagInfos(repo));
      tags.sort(Comparator.comparing(RepositoryStore.TagInfo::pushed).reversed());
      Set<Digest> live = new HashSet<>();
      int kept = 0;
      for (RepositoryStore.TagInfo t : tags) {
        boolean pinned = Glob.any(p.get().keepTags(), t.tag());
        if (pinned || p.get().keepLast() < 0 || kept < p.get().keepLast()) {
          if (!pinned) {
            kept++;
          }
          live.add(t.digest());
        } else {
          tagsDeleted.add(repo + ":" + t.tag());
          if (!dryRun) {
            repos.deleteTag(repo, t.tag());
          }
        }
      }
      if (p.get().untaggedOlderThan() == null) {
        continue;
      }
      Set<Digest> reachable = closure(repo, live);
      for (Digest m : repos.manifests(repo)) {
        Optional<Instant> pushed = repos.manifestPushed(repo, m);
        if (reachable.contains(m)
            || pushed.isEmpty()
            || pushed.get().isAfter(now.minus(p.get().untaggedOlderThan()))) {
          continue;
        }
        manifestsDeleted.add(repo + "@" + m);
        if (!dryRun) {
          repos.deleteManifest(repo, m);
        }
      }
    }
    return new Reports.Retention(tagsDeleted, manifestsDeleted, dryRun);
  }

  /** Manifests reachable from {@code roots}: index children and referrers, transitively. */
  private Set<Digest> closure(RepositoryName repo, Set<Digest> roots) {
    Set<Digest> seen = new HashSet<>();
    List<Digest> todo = new ArrayList<>(roots);
    while (!todo.isEmpty()) {
      Digest d = todo.remove(todo.size() - 1);
      if (!seen.add(d)) {
        continue;
      }
      blobs
          .read(d)
          .ifPresent(
              bytes -> {
                try {
                  todo.addAll(
                      Manifest.parse(bytes, repos.manifestMediaType(repo, d).orElse(null))
                          .children());
                } catch (RegistryException e) {
                  // kept, not followed
                }
              });
      repos.referrers(repo, d).forEach(r -> todo.add(Digest.parse(r.digest())));
    }
    return seen;
  }

  /** Checks storage consistency; with {@code repair}, fixes what can be fixed safely. */
  public Reports.Fsck fsck(boolean repair) throws IOException {
    List<String> problems = new ArrayList<>();
    int repaired = 0;
    int checked = 0;
    for (Digest d : blobs.all()) {
      Optional<BlobInfo> info = blobs.stat(d);
      if (info.isEmpty()) {
        continue;
      }
      checked++;
      Digest actual = UploadStore.hash(info.get().path(), d.algorithm());
      if (!actual.equals(d)) {
        problems.add("blob " + d + ": content hashes to " + actual);
        if (repair && Files.deleteIfExists(info.get().path())) {
          repaired++;
        }
      }
    }
    for (RepositoryName repo : repos.repositories()) {
      for (Digest m : repos.manifests(repo)) {
        Optional<byte[]> bytes = blobs.read(m);
        if (bytes.isEmpty()) {
          problems.add(repo + "@" + m + ": manifest bytes missing");
          if (repair) {
            repos.deleteManifest(repo, m);
            repaired++;
          }
          continue;
        }
        try {
          Manifest mf = Manifest.parse(bytes.get(), repos.manifestMediaType(repo, m).orElse(null));
          for (Digest b : mf.blobs()) {
            if (blobs.stat(b).isEmpty()) {
              problems.add(repo + "@" + m + ": references missing blob " + b);
            }
          }
          for (Digest c : mf.children()) {
            if (repos.manifestMediaType(repo, c).isEmpty()) {
              problems.add(repo + "@" + m + ": references missing manifest " + c);
            }
          }
        } catch (RegistryException e) {
          problems.add(repo + "@" + m + ": invalid manifest: " + e.getMessage());
        }
      }
      for (RepositoryStore.TagInfo t : repos.tagInfos(repo)) {
        if (repos.manifestMediaType(repo, t.digest()).isEmpty()) {
          problems.add(repo + ":" + t.tag() + ": points at missing manifest " + t.digest());
          if (repair) {
            repos.deleteTag(repo, t.tag());
            repaired++;
          }
        }
      }
      for (Digest d : repos.blobs(repo)) {
        if (blobs.stat(d).isEmpty()) {
          problems.add(repo + ": links missing blob " + d);
          if (repair) {
            repos.unlinkBlob(repo, d);
            repaired++;
          }
        }
      }
    }
    return new Reports.Fsck(problems, repaired, checked);
  }

  /** Every repository, in lexical order. */
  public List<RepositoryName> repositories() {
    return repos.repositories();
  }

  /** A repository's tags with digests and push times. */
  public List<RepositoryStore.TagInfo> tags(RepositoryName repo) {
    return repos.tagInfos(repo);
  }

  /**
   * Removes staging debris left by a crash: files older than {@code age} (another process may be
   * staging right now).
   */
  public int cleanStaging(Duration age) throws IOException {
    Path tmp = layout.tmp();
    if (!Files.isDirectory(tmp)) {
      return 0;
    }
    int n = 0;
    try (Stream<Path> s = Files.list(tmp)) {
      Instant cutoff = Instant.now().minus(age);
      for (Path p : s.toList()) {
        if (Files.isRegularFile(p)
            && Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)
            && Files.deleteIfExists(p)) {
          n++;
        }
      }
    }
    return n;
  }
}
