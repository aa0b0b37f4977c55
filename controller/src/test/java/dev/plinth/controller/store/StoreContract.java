/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The behaviour every state database must have; run on SQLite and on PostgreSQL. */
abstract class StoreContract {

  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  abstract Database db();

  static Machine machine(String name) {
    return new Machine(
        "m-" + name,
        name,
        "https://10.0.0.1",
        "root",
        "sealed",
        false,
        Map.of("rack", "r1"),
        null,
        1,
        T0,
        T0);
  }

  static Job job(String id, Machine m) {
    return new Job(
        id,
        m.id(),
        m.name(),
        "10.0.0.1",
        "{}",
        JobState.PENDING,
        null,
        null,
        T0.plusSeconds(60),
        false,
        "hash-" + id,
        "secret",
        "media-" + id,
        1,
        null,
        null,
        1,
        T0,
        T0,
        null);
  }

  @Test
  void machineNamesAreUnique() {
    MachineStore s = new MachineStore(db());
    s.create(machine("a"));
    Machine dup = new Machine("other", "a", "x", "u", "p", false, Map.of(), null, 1, T0, T0);
    assertThrows(ConflictException.class, () -> s.create(dup));
    assertThat(s.byName("a")).get().extracting(Machine::labels).isEqualTo(Map.of("rack", "r1"));
  }

  @Test
  void machineListPagesAndFiltersByLabel() {
    MachineStore s = new MachineStore(db());
    for (String n : List.of("c", "a", "b", "d")) {
      s.create(machine(n));
    }
    s.create(new Machine("m-e", "e", "x", "u", "p", true, Map.of("rack", "r2"), null, 1, T0, T0));
    Page<Machine> p1 = s.list(Map.of("rack", "r1"), null, 2);
    assertThat(p1.items()).extracting(Machine::name).containsExactly("a", "b");
    assertThat(p1.next()).isEqualTo("b");
    Page<Machine> p2 = s.list(Map.of("rack", "r1"), p1.next(), 2);
    assertThat(p2.items()).extracting(Machine::name).containsExactly("c", "d");
    assertThat(p2.next()).isNull();
    assertThat(s.list(Map.of("rack", "r2"), null, 10).items())
        .extracting(Machine::name)
        .containsExactly("e");
  }

  @Test
  void machinesAddedTogetherAreAllStoredOrNone() {
    MachineStore s = new MachineStore(db());
    s.createAll(List.of(machine("a"), machine("b")));
    assertThat(s.list(Map.of(), null, 10).items())
        .extracting(Machine::name)
        .containsExactly("a", "b");
    Machine dup = new Machine("other", "b", "x", "u", "p", false, Map.of(), null, 1, T0, T0);
    assertThrows(ConflictException.class, () -> s.createAll(List.of(machine("c"), dup)));
    assertThat(s.byName("c")).isEmpty();
  }

  @Test
  void machineSearchMatchesPartOfTheNameInTheDatabaseWithWildcardsLiteral() {
    MachineStore s = new MachineStore(db());
    for (String n : List.of("rack1-a", "rack1-b", "rack10-a", "rack2_a", "rack2xa", "other")) {
      s.create(machine(n));
    }
    Page<Machine> p = s.list(Map.of(), null, "rack1", null, 2);
    assertThat(p.items()).extracting(Machine::name).containsExactly("rack1-a", "rack1-b");
    assertThat(s.list(Map.of(), null, "rack1", p.next(), 2).items())
        .extracting(Machine::name)
        .containsExactly("rack10-a");
    // '_' is a character here, not LIKE's any-character.
    assertThat(s.list(Map.of(), null, "2_a", null, 10).items())
        .extracting(Machine::name)
        .containsExactly("rack2_a");
    assertThat(s.list(Map.of(), MachineState.AVAILABLE, "rack", null, 10).items()).isEmpty();
    assertThat(s.list(Map.of(), MachineState.ENROLLING, "oth", null, 10).items())
        .extracting(Machine::name)
        .containsExactly("other");
  }

  @Test
  void everyMachineStateChangeIsKeptInItsHistoryNewestFirst() {
    Database db = db();
    Machine m = new MachineStore(db).create(machine("a"));
    Machine other = new MachineStore(db).create(machine("b"));
    MachineStates states = new MachineStates(db);
    states.change(
        m.id(),
        st ->
            new MachineChange(
                m.id(), st.state(), MachineState.AVAILABLE, null, "inventory read", T0, "admin"));
    states.change(
        other.id(),
        st -> new MachineChange(other.id(), st.state(), MachineState.AVAILABLE, null, "b", T0));
    states.change(
        m.id(),
        st ->
            new MachineChange(
                m.id(),
                st.state(),
                MachineState.PROVISIONING,
                MachineState.AVAILABLE,
                "job j1",
                T0.plusSeconds(1),
                "job j1"));
    // A refused change (the compare-and-set lost) leaves no row.
    states.change(
        m.id(),
        st ->
            new MachineChange(
                m.id(), MachineState.FAILED, MachineState.AVAILABLE, null, "x", T0, "x"));
    MachineHistory h = new MachineHistory(db);
    Page<MachineHistory.Entry> p1 = h.list(m.id(), null, 1);
    assertThat(p1.items())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.from()).isEqualTo(MachineState.AVAILABLE);
              assertThat(e.to()).isEqualTo(MachineState.PROVISIONING);
              assertThat(e.actor()).isEqualTo("job j1");
              assertThat(e.reason()).isEqualTo("job j1");
              assertThat(e.at()).isEqualTo(T0.plusSeconds(1));
            });
    Page<MachineHistory.Entry> p2 = h.list(m.id(), p1.next(), 1);
    assertThat(p2.items())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.from()).isEqualTo(MachineState.ENROLLING);
              assertThat(e.to()).isEqualTo(MachineState.AVAILABLE);
              assertThat(e.actor()).isEqualTo("admin");
            });
    assertThat(p2.next()).isNull();
    assertThrows(IllegalArgumentException.class, () -> h.list(m.id(), "not-a-cursor", 1));
    // The history goes with its machine.
    assertThat(new MachineStore(db).delete("a")).isTrue();
    assertThat(h.list(m.id(), null, 10).items()).isEmpty();
    assertThat(h.list(other.id(), null, 10).items()).hasSize(1);
  }

  @Test
  void machineUpdateNeedsTheCurrentVersion() {
    MachineStore s = new MachineStore(db());
    Machine m = s.create(machine("a"));
    Machine changed =
        new Machine(
            m.id(),
            m.name(),
            "https://10.0.0.2",
            "admin",
            "sealed2",
            true,
            Map.of(),
            "{\"cpus\":2}",
            m.version(),
            m.createdAt(),
            T0.plusSeconds(1));
    assertThat(s.update(changed, 1)).get().extracting(Machine::version).isEqualTo(2L);
    assertThat(s.update(changed, 1)).isEmpty();
    assertThat(s.byName("a").orElseThrow().bmcUrl()).isEqualTo("https://10.0.0.2");
    assertThat(s.byName("a").orElseThrow().inventory()).isEqualTo("{\"cpus\":2}");
  }

  @Test
  void oneActiveJobPerMachineAndDeleteRefusedWhileActive() {
    MachineStore ms = new MachineStore(db());
    JobStore js = new JobStore(db());
    Machine m = ms.create(machine("a"));
    js.create(job("j1", m));
    assertThrows(ConflictException.class, () -> js.create(job("j2", m)));
    assertThrows(ConflictException.class, () -> ms.delete("a"));
    js.transition(new Transition("j1", JobState.PENDING, JobState.FAILED, "x", null, null, T0));
    js.create(job("j2", m));
    assertThat(js.list(null, "a", null, 10).items())
        .extracting(Job::id)
        .containsExactly("j2", "j1");
  }

  @Test
  void aJobsPlanIsStoredWithItAndSetAtMostOnce() {
    MachineStore ms = new MachineStore(db());
    JobStore js = new JobStore(db());
    js.create(job("j1", ms.create(machine("a"))), "{\"planVersion\":1}");
    assertThat(js.plan("j1")).hasValue("{\"planVersion\":1}");
    assertThat(js.storePlan("j1", "{}")).isFalse();
    assertThat(js.plan("j1")).hasValue("{\"planVersion\":1}");
    // A job stored without one (before V4) gets one, once: the first writer wins.
    js.create(job("j2", ms.create(machine("b"))));
    assertThat(js.plan("j2")).isEmpty();
    assertThat(js.storePlan("j2", "{\"planVersion\":1,\"job\":\"j2\"}")).isTrue();
    assertThat(js.storePlan("j2", "{}")).isFalse();
    assertThat(js.plan("j2")).hasValue("{\"planVersion\":1,\"job\":\"j2\"}");
    assertThat(js.plan("nope")).isEmpty();
    assertThat(js.storePlan("nope", "{}")).isFalse();
  }

  @Test
  void transitionIsCompareAndSetAndRecordsAnEvent() {
    Machine m = new MachineStore(db()).create(machine("a"));
    JobStore js = new JobStore(db());
    js.create(job("j1", m));
    var t =
        new Transition(
            "j1", JobState.PENDING, JobState.MEDIA_READY, null, null, T0.plusSeconds(5), T0);
    assertThat(js.transition(t)).get().extracting(Job::state).isEqualTo(JobState.MEDIA_READY);
    assertThat(js.transition(t)).isEmpty();
    var done =
        new Transition("j1", JobState.MEDIA_READY, JobState.SUCCEEDED, "ok", "last", null, T0);
    Job j = js.transition(done).orElseThrow();
    assertThat(j.finishedAt()).isEqualTo(T0);
    assertThat(j.deadlineAt()).isNull();
    assertThat(j.lastStep()).isEqualTo("last");
    List<JobEvent> ev = new EventStore(db()).list("j1", 0, 100);
    assertThat(ev)
        .extracting(JobEvent::type)
        .containsExactly("job.created", "job.state", "job.state");
    assertThat(ev.get(2).data()).contains("\"to\":\"Succeeded\"");
  }

  @Test
  void dispatcherEventsAreIdempotentAndOrdered() {
    Machine m = new MachineStore(db()).create(machine("a"));
    new JobStore(db()).create(job("j1", m));
    assertThat(append("e1", 1).outcome()).isEqualTo(EventStore.Outcome.ACCEPTED);
    assertThat(append("e1", 1).outcome()).isEqualTo(EventStore.Outcome.DUPLICATE);
    assertThat(append("e3", 3).outcome()).isEqualTo(EventStore.Outcome.OUT_OF_ORDER);
    assertThat(append("e9", 1).outcome()).isEqualTo(EventStore.Outcome.OUT_OF_ORDER);
    EventStore.Appended a = append("e2", 2);
    assertThat(a.outcome()).isEqualTo(EventStore.Outcome.ACCEPTED);
    assertThat(a.expectedSeq()).isEqualTo(3);
    assertThat(new EventStore(db()).list("j1", 0, 100))
        .extracting(JobEvent::eventId)
        .containsExactly(null, "e1", "e2");
    assertThat(db().tx(c -> EventStore.append(c, "nope", "x", 1, "t", null, "{}", T0)).outcome())
        .isEqualTo(EventStore.Outcome.NO_ACTIVE_JOB);

    // A stored event id sent again under the next number is a duplicate, and frees the number.
    EventStore.Appended again = append("e2", 3);
    assertThat(again.outcome()).isEqualTo(EventStore.Outcome.DUPLICATE);
    assertThat(again.expectedSeq()).isEqualTo(3);
    assertThat(again.event().seq()).isEqualTo(2);
    assertThat(append("e3", 3).outcome()).isEqualTo(EventStore.Outcome.ACCEPTED);

    new JobStore(db())
        .transition(new Transition("j1", JobState.PENDING, JobState.CANCELED, "x", null, null, T0));
    assertThat(append("e4", 4).outcome()).isEqualTo(EventStore.Outcome.NO_ACTIVE_JOB);
    assertThat(append("e3", 3).outcome())
        .as("a resend after the end is still a duplicate")
        .isEqualTo(EventStore.Outcome.DUPLICATE);
    assertThat(new EventStore(db()).list("j1", 0, 100))
        .filteredOn(e -> e.seq() != null)
        .extracting(JobEvent::seq)
        .containsExactly(1L, 2L, 3L);
  }

  @Test
  void latestFindsTheNewestEventOfAStep() {
    Machine m = new MachineStore(db()).create(machine("a"));
    new JobStore(db()).create(job("j1", m));
    db().tx(c -> EventStore.append(c, "j1", "a", 1, "step.started", "s", "{\"n\":1}", T0));
    db().tx(c -> EventStore.append(c, "j1", "b", 2, "step.started", "s", "{\"n\":2}", T0));
    db().tx(c -> EventStore.append(c, "j1", "c", 3, "step.started", "t", "{\"n\":3}", T0));
    Optional<JobEvent> s = db().tx(c -> EventStore.latest(c, "j1", "step.started", "s"));
    assertThat(s.map(JobEvent::eventId)).hasValue("b");
    Optional<JobEvent> none = db().tx(c -> EventStore.latest(c, "j1", "step.failed", "s"));
    assertThat(none).isEmpty();
  }

  private EventStore.Appended append(String id, long seq) {
    return db().tx(c -> EventStore.append(c, "j1", id, seq, "step.started", "s", "{}", T0));
  }

  @Test
  void aClaimTakesNewJobsNotTheOnesTheOwnerHoldsAlready() throws Exception {
    JobStore js = new JobStore(db());
    for (String n : List.of("a", "b", "c")) {
      js.create(job("j" + n, new MachineStore(db()).create(machine(n))));
    }
    Instant until = T0.plusSeconds(30);
    assertThat(js.claim("c1", T0, until, 1)).extracting(Job::id).containsExactly("ja");
    // Room for one more: the engine asks with what its limit leaves; "ja" must not fill it.
    assertThat(js.claim("c1", T0.plusSeconds(1), until, 1))
        .extracting(Job::id)
        .containsExactly("jb");
    assertThat(js.held("c1")).extracting(Job::id).containsExactly("ja", "jb");
  }

  @Test
  void leasesGoToOneOwnerUntilTheyExpire() throws Exception {
    Machine a = new MachineStore(db()).create(machine("a"));
    Machine b = new MachineStore(db()).create(machine("b"));
    JobStore js = new JobStore(db());
    js.create(job("j1", a));
    js.create(job("j2", b));
    Instant until = T0.plusSeconds(30);
    // Two controllers race: every job ends up with exactly one of them.
    var pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<Job>>> f = new ArrayList<>();
    for (String owner : List.of("c1", "c2")) {
      f.add(
          pool.submit(
              () -> {
                go.await();
                return js.claim(owner, T0, until, 10);
              }));
    }
    go.countDown();
    List<String> won = new ArrayList<>();
    for (var x : f) {
      x.get().forEach(j -> won.add(j.id()));
    }
    pool.shutdown();
    assertThat(won).containsExactlyInAnyOrder("j1", "j2");
    String holder = js.get("j1").orElseThrow().leaseOwner();
    String other = holder.equals("c1") ? "c2" : "c1";
    assertThat(js.claim(other, T0.plusSeconds(10), T0.plusSeconds(40), 10))
        .extracting(Job::id)
        .doesNotContain("j1");
    assertThat(js.renewLeases(holder, T0.plusSeconds(60))).isPositive();
    assertThat(js.claim(other, T0.plusSeconds(45), T0.plusSeconds(90), 10))
        .extracting(Job::id)
        .doesNotContain("j1");
    assertThat(js.claim(other, T0.plusSeconds(61), T0.plusSeconds(90), 10))
        .extracting(Job::id)
        .contains("j1");
    js.release("j1", other);
    assertThat(js.get("j1").orElseThrow().leaseOwner()).isNull();
  }

  @Test
  void aWriteFencedByAnExpiredLeaseIsRefusedOnceAnotherControllerClaimedTheJob() {
    Machine m = new MachineStore(db()).create(machine("a"));
    JobStore js = new JobStore(db());
    js.create(job("j1", m));
    assertThat(js.claim("ctl-a", T0, T0.plusSeconds(15), 10)).extracting(Job::id).contains("j1");
    Transition next =
        new Transition(
            "j1", JobState.PENDING, JobState.MEDIA_READY, null, null, T0.plusSeconds(300), T0);

    // A stalls past its lease (GC, SIGSTOP); B claims the job and moves it on.
    assertThat(js.claim("ctl-b", T0.plusSeconds(16), T0.plusSeconds(31), 10))
        .extracting(Job::id)
        .contains("j1");
    Instant woke = T0.plusSeconds(17);
    Transition stale = withAt(next, woke).fencedBy("ctl-a");
    LeaseLostException refused = assertThrows(LeaseLostException.class, () -> js.transition(stale));
    assertThat(refused.jobId()).isEqualTo("j1");
    assertThat(refused.getMessage()).contains("ctl-b");
    Job j = js.get("j1").orElseThrow();
    assertThat(j.state()).as("A stored nothing").isEqualTo(JobState.PENDING);
    assertThat(j.version()).isEqualTo(1);
    assertThat(new EventStore(db()).list("j1", 0, 10))
        .extracting(JobEvent::type)
        .containsExactly("job.created");

    assertThat(js.transition(withAt(next, woke).fencedBy("ctl-b")))
        .get()
        .extracting(Job::state)
        .isEqualTo(JobState.MEDIA_READY);
    // A fenced write that finds the state moved on (lease still held) is a plain miss.
    assertThat(js.transition(withAt(next, woke).fencedBy("ctl-b"))).isEmpty();
  }

  @Test
  void aWriteFencedByALeaseThatRanOutIsRefusedEvenBeforeAnotherClaim() {
    Machine m = new MachineStore(db()).create(machine("a"));
    JobStore js = new JobStore(db());
    js.create(job("j1", m));
    js.claim("ctl-a", T0, T0.plusSeconds(15), 10);
    Transition t =
        new Transition(
            "j1", JobState.PENDING, JobState.MEDIA_READY, null, null, T0.plusSeconds(300), T0);
    assertThrows(
        LeaseLostException.class,
        () -> js.transition(withAt(t, T0.plusSeconds(15)).fencedBy("ctl-a")));
    // Unfenced writes (the dispatcher's events through any controller) are not held to the lease.
    assertThat(js.transition(withAt(t, T0.plusSeconds(16)))).isPresent();
  }

  private static Transition withAt(Transition t, Instant at) {
    return new Transition(
        t.jobId(), t.from(), t.to(), t.reason(), t.lastStep(), t.deadline(), at, t.machine());
  }

  @Test
  void cancelIsRecordedOnce() {
    Machine m = new MachineStore(db()).create(machine("a"));
    JobStore js = new JobStore(db());
    js.create(job("j1", m));
    assertThat(js.requestCancel("j1", T0)).get().extracting(Job::cancelRequested).isEqualTo(true);
    js.requestCancel("j1", T0);
    assertThat(new EventStore(db()).list("j1", 0, 10))
        .extracting(JobEvent::type)
        .containsExactly("job.created", "job.cancel-requested");
    assertThat(js.requestCancel("missing", T0)).isEmpty();
  }

  @Test
  void tokensAreFoundByHash() {
    TokenStore ts = new TokenStore(db());
    ts.create(new ApiToken("t1", "ci", "operator", "h1", T0, null));
    ts.put(new ApiToken("bootstrap", "admin", "admin", "h0", T0, null));
    ts.put(new ApiToken("bootstrap", "admin", "admin", "h2", T0, null));
    assertThat(ts.byHash("h1")).get().extracting(ApiToken::role).isEqualTo("operator");
    assertThat(ts.byHash("h0")).isEmpty();
    assertThat(ts.byHash("h2")).isPresent();
    assertThat(ts.list()).hasSize(2);
    assertThat(ts.delete("t1")).isTrue();
    assertThat(ts.delete("t1")).isFalse();
  }

  @Test
  void bmcSlotsHoldOneLimitForEveryController() {
    BmcSlots a = new BmcSlots(db());
    BmcSlots b = new BmcSlots(db());
    Instant until = T0.plusSeconds(30);
    Optional<String> a1 = a.tryAcquire("bmc:443", 2, "ctl-a", T0, until);
    Optional<String> b1 = b.tryAcquire("bmc:443", 2, "ctl-b", T0, until);
    assertThat(a1).isPresent();
    assertThat(b1).isPresent();
    assertThat(a.tryAcquire("bmc:443", 2, "ctl-a", T0, until)).isEmpty();
    assertThat(b.tryAcquire("bmc:443", 2, "ctl-b", T0, until)).isEmpty();
    assertThat(a.tryAcquire("other:443", 2, "ctl-a", T0, until)).as("another BMC").isPresent();
    assertThat(a.held("bmc:443", T0)).isEqualTo(2);
    b.release("bmc:443", "ctl-b/not-a-holder");
    assertThat(a.held("bmc:443", T0)).as("only the holder's token releases").isEqualTo(2);
    a.release("bmc:443", a1.get());
    assertThat(b.tryAcquire("bmc:443", 2, "ctl-b", T0, until)).isPresent();
    // ctl-b renews what it holds; ctl-a's slot on the other BMC expires and is taken over.
    assertThat(b.renew("ctl-b", T0.plusSeconds(90))).isEqualTo(2);
    Instant later = T0.plusSeconds(60);
    assertThat(a.held("bmc:443", later)).isEqualTo(2);
    assertThat(a.tryAcquire("bmc:443", 2, "ctl-a", later, later.plusSeconds(30))).isEmpty();
    assertThat(b.tryAcquire("other:443", 1, "ctl-b", later, later.plusSeconds(30))).isPresent();
  }

  @Test
  void bmcSlotsNeverExceedTheLimitUnderContention() throws Exception {
    int max = 2;
    java.util.concurrent.atomic.AtomicInteger inside =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger sessions =
        new java.util.concurrent.atomic.AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(6)) {
      for (int t = 0; t < 6; t++) {
        // Two controllers, three workers each.
        BmcSlots slots = new BmcSlots(db());
        String owner = t % 2 == 0 ? "ctl-a" : "ctl-b";
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 15; i++) {
                    Optional<String> h;
                    while ((h = slots.tryAcquire("bmc", max, owner, T0, T0.plusSeconds(60)))
                        .isEmpty()) {
                      Thread.onSpinWait();
                    }
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    sessions.incrementAndGet();
                    inside.decrementAndGet();
                    slots.release("bmc", h.get());
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    assertThat(sessions.get()).isEqualTo(90);
    assertThat(most.get()).isBetween(1, max);
    assertThat(new BmcSlots(db()).held("bmc", T0)).isZero();
  }
}
