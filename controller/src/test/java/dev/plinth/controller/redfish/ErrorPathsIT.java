/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.plinth.controller.redfish.StubBmc.golden;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Each failure names the BMC, the resource and the HTTP status, and never the password. */
class ErrorPathsIT {
  static final String START = Scenario.STARTED;
  static final String SESSIONS = "/redfish/v1/SessionService/Sessions";

  static void noSecret(Throwable e) {
    assertThat(e.getMessage()).doesNotContain(StubBmc.CREDS.password());
    assertThat(String.valueOf(e)).doesNotContain(StubBmc.CREDS.password());
  }

  @Test
  void aWrongPasswordIsReportedAsRefusedCredentialsFromTheLogin() {
    try (StubBmc b = new StubBmc("hpe")) {
      b.wm.stubFor(
          post(urlEqualTo(SESSIONS)).atPriority(1).willReturn(StubBmc.error(401, "unauthorized")));
      // The Basic check is refused too, in words about Basic that must not reach the operator.
      b.wm.stubFor(
          get(urlEqualTo("/redfish/v1/Systems"))
              .atPriority(1)
              .withHeader("Authorization", matching("Basic .*"))
              .willReturn(StubBmc.error(401, "basic-auth-disabled")));
      assertThatThrownBy(b::connect)
          .isInstanceOf(RedfishAuthException.class)
          .hasMessageStartingWith(
              "BMC stub: POST /redfish/v1/SessionService/Sessions: HTTP 401: the BMC refused the"
                  + " user name or password [")
          .hasMessageContaining("ResourceAtUriUnauthorized")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Basic"))
          .satisfies(ErrorPathsIT::noSecret)
          .satisfies(e -> assertThat(((RedfishException) e).status()).isEqualTo(401));
      b.wm.verify(0, getRequestedFor(urlEqualTo("/redfish/v1/Systems/1")));
    }
  }

  @Test
  void aRefusedSessionLoginThatBasicAcceptsGoesOnWithBasic() {
    try (StubBmc b = new StubBmc("hpe")) {
      b.wm.stubFor(
          post(urlEqualTo(SESSIONS)).atPriority(1).willReturn(StubBmc.error(401, "unauthorized")));
      try (RedfishClient c = b.connect()) {
        assertThat(c.powerState()).isEqualTo(PowerState.ON);
      }
      b.wm.verify(
          getRequestedFor(urlEqualTo("/redfish/v1/Systems/1"))
              .withHeader("Authorization", matching("Basic .*")));
    }
  }

  @Test
  void aServiceRootWithoutSessionServiceGoesStraightToBasic() throws Exception {
    try (StubBmc b = new StubBmc("hpe")) {
      ObjectNode root = (ObjectNode) StubBmc.JSON.readTree(golden("hpe/redfish/v1/index.json"));
      root.remove("SessionService");
      root.remove("Links");
      b.wm.stubFor(
          get(urlEqualTo("/redfish/v1/")).atPriority(1).willReturn(okJson(root.toString())));
      try (RedfishClient c = b.connect()) {
        assertThat(c.powerState()).isEqualTo(PowerState.ON);
      }
      b.wm.verify(0, postRequestedFor(urlEqualTo(SESSIONS)));
      b.wm.verify(
          getRequestedFor(urlEqualTo("/redfish/v1/Systems/1"))
              .withHeader("Authorization", matching("Basic .*")));
    }
  }

  @Test
  void anExpiredSessionLogsInAgainOnceAndTheSessionIsDeletedAtTheEnd() {
    String sys = "/redfish/v1/Systems/1";
    try (StubBmc b = new StubBmc("hpe")) {
      try (RedfishClient c = b.connect()) {
        b.step(
            "s",
            START,
            "expired",
            get(urlEqualTo(sys)).willReturn(StubBmc.error(401, "unauthorized")));
        assertThat(c.powerState()).isEqualTo(PowerState.ON);
      }
      b.wm.verify(2, postRequestedFor(urlEqualTo(SESSIONS)));
      b.wm.verify(deleteRequestedFor(urlEqualTo(SESSIONS + "/1")));
    }
  }

  @Test
  void aLogoutWhoseConnectionWasClosedUnderItIsSentAgainSoTheSessionIsNotLeftOpen() {
    try (StubBmc b = new StubBmc("hpe")) {
      // The BMC closes the kept-alive connection as the client reuses it: no answer at all (the
      // JDK's HTTP server closes every connection past 200 idle ones, the BMC simulator's fate).
      b.step(
          "logout",
          START,
          "dropped once",
          delete(urlEqualTo(SESSIONS + "/1"))
              .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
      b.connect().close();
      b.wm.verify(2, deleteRequestedFor(urlEqualTo(SESSIONS + "/1")));
    }
  }

  @Test
  void aLogoutThatNeverGetsAnAnswerGivesUpAfterThreeTriesWithoutThrowing() {
    try (StubBmc b = new StubBmc("hpe")) {
      b.wm.stubFor(
          delete(urlEqualTo(SESSIONS + "/1"))
              .atPriority(1)
              .willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
      b.connect().close();
      b.wm.verify(3, deleteRequestedFor(urlEqualTo(SESSIONS + "/1")));
    }
  }

  @Test
  void aLoginWithoutLocationTakesTheSessionFromTheBody() {
    try (StubBmc b = new StubBmc("hpe")) {
      // QUIRK(Cisco CIMC 4.1): no Location header.
      b.wm.stubFor(
          post(urlEqualTo(SESSIONS))
              .atPriority(1)
              .willReturn(
                  aResponse()
                      .withStatus(201)
                      .withHeader("X-Auth-Token", "t2")
                      .withHeader("Content-Type", "application/json")
                      .withBody("{\"@odata.id\": \"" + SESSIONS + "/77\", \"Id\": \"77\"}")));
      b.connect().close();
      b.wm.verify(deleteRequestedFor(urlEqualTo(SESSIONS + "/77")));
    }
  }

  @Test
  void serverErrorsOnGetAndRetryAfterOnPostAreRetried() {
    String reset = "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset";
    try (StubBmc b = new StubBmc("dell")) {
      b.step(
          "g",
          START,
          "again",
          get(urlEqualTo("/redfish/v1/Systems")).willReturn(StubBmc.error(500, "dell-sys518")));
      try (RedfishClient c = b.connect()) {
        assertThat(c.identity().vendor()).isEqualTo(Vendor.DELL);
      }
    }
    try (StubBmc b = new StubBmc("hpe")) {
      b.step(
          "p",
          START,
          "busy",
          post(urlEqualTo(reset))
              .willReturn(
                  StubBmc.error(503, "service-unavailable").withHeader("Retry-After", "0")));
      b.step("p", "busy", "done", post(urlEqualTo(reset)).willReturn(aResponse().withStatus(204)));
      try (RedfishClient c = b.connect()) {
        c.power(PowerAction.FORCE_OFF);
      }
      b.wm.verify(
          2,
          postRequestedFor(urlEqualTo(reset))
              .withRequestBody(equalTo(golden("requests/reset-forceoff.json"))));
    }
  }

  @Test
  void aPersistentServerErrorNamesBmcResourceAndStatus() {
    try (StubBmc b = new StubBmc("hpe")) {
      b.wm.stubFor(
          get(urlEqualTo("/redfish/v1/Systems/1"))
              .atPriority(1)
              .willReturn(StubBmc.error(404, "not-found")));
      assertThatThrownBy(b::connect)
          .isInstanceOf(RedfishHttpException.class)
          .hasMessage(
              "BMC stub: GET /redfish/v1/Systems/1: HTTP 404 [Base.1.8.ResourceMissingAtURI: The"
                  + " resource at the URI /redfish/v1/Systems/Nope was not found.]")
          .satisfies(
              e ->
                  assertThat(((RedfishException) e).extendedInfo())
                      .extracting(m -> m.messageId())
                      .containsExactly("Base.1.8.ResourceMissingAtURI"));
    }
  }

  @Test
  void theBmcsOwnWordsSurviveWhenExtendedInfoCarriesOnlyAMessageId() {
    String slot = "/redfish/v1/Managers/1/VirtualMedia/2";
    try (StubBmc b = new StubBmc("hpe")) {
      // The sushy-tools emulator's error shape: the text is only in error.message.
      b.wm.stubFor(
          post(urlEqualTo(slot + "/Actions/VirtualMedia.InsertMedia"))
              .atPriority(1)
              .willReturn(StubBmc.error(400, "sushy-tools-message-id-only")));
      try (RedfishClient c = b.connect()) {
        assertThatThrownBy(() -> c.insertMedia(URI.create("http://ctl/missing.iso")))
            .isInstanceOf(RedfishHttpException.class)
            .hasMessageContaining("HTTP 400")
            .hasMessageContaining(
                "[Base.1.0.GeneralError: Cannot download virtual media: got error 404 from the"
                    + " server]");
      }
    }
  }

  @Test
  void aClosedPortIsATransportErrorNamingTheBmc() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    BmcEndpoint ep = new BmcEndpoint("rack7-u12", URI.create("http://127.0.0.1:" + port), null);
    assertThatThrownBy(
            () ->
                RedfishClient.connect(
                    ep, StubBmc.CREDS, new TlsPolicy.SystemTrust(), StubBmc.fast()))
        .isInstanceOf(RedfishTransportException.class)
        .hasMessageContaining("BMC rack7-u12: GET /redfish/v1/")
        .hasMessageContaining("cannot connect")
        .satisfies(ErrorPathsIT::noSecret);
  }

  @Test
  void preconditionFailedStepsDownToNoIfMatch() {
    String sys = "/redfish/v1/Systems/1";
    try (StubBmc b = new StubBmc("hpe")) {
      b.wm.stubFor(
          patch(urlEqualTo(sys))
              .atPriority(2)
              .withHeader("If-Match", matching(".*"))
              .willReturn(StubBmc.error(412, "precondition-failed")));
      b.step(
          "b",
          START,
          "done",
          patch(urlEqualTo(sys))
              .withHeader("If-Match", absent())
              .willReturn(aResponse().withStatus(204)));
      b.afterwards(
          "b",
          "done",
          "hpe",
          sys,
          n -> ((ObjectNode) n.get("Boot")).put("BootSourceOverrideTarget", "Hdd"));
      try (RedfishClient c = b.connect()) {
        c.bootOnce(BootTarget.HDD, BootMode.UEFI);
      }
      b.wm.verify(patchRequestedFor(urlEqualTo(sys)).withHeader("If-Match", equalTo("\"7\"")));
      b.wm.verify(patchRequestedFor(urlEqualTo(sys)).withHeader("If-Match", absent()));
    }
  }

  @Test
  void aFailedTaskIsAnErrorWithTheTaskMessages() {
    String slot = "/redfish/v1/Managers/1/VirtualMedia/2";
    try (StubBmc b = new StubBmc("hpe")) {
      b.wm.stubFor(
          post(urlEqualTo(slot + "/Actions/VirtualMedia.InsertMedia"))
              .atPriority(1)
              .willReturn(
                  aResponse()
                      .withStatus(202)
                      .withHeader("Location", "/redfish/v1/TaskService/TaskMonitors/9")));
      b.wm.stubFor(
          get(urlEqualTo("/redfish/v1/TaskService/TaskMonitors/9"))
              .willReturn(okJson(golden("tasks/exception.json"))));
      try (RedfishClient c = b.connect()) {
        assertThatThrownBy(() -> c.insertMedia(URI.create("http://ctl/x.iso")))
            .isInstanceOf(RedfishTaskException.class)
            .hasMessageContaining("BMC stub: GET /redfish/v1/TaskService/TaskMonitors/9")
            .hasMessageContaining("task ended Exception")
            .hasMessageContaining("InternalError");
      }
    }
  }

  @Test
  void aBootTargetTheBmcDoesNotListIsRefusedBeforeSending() throws Exception {
    String sys = "/redfish/v1/Systems/system";
    try (StubBmc b = new StubBmc("openbmc")) {
      ObjectNode n = (ObjectNode) StubBmc.JSON.readTree(golden("openbmc" + sys + ".json"));
      ((ObjectNode) n.get("Boot"))
          .putArray("BootSourceOverrideTarget@Redfish.AllowableValues")
          .add("None")
          .add("Hdd");
      b.wm.stubFor(get(urlEqualTo(sys)).atPriority(1).willReturn(okJson(n.toString())));
      try (RedfishClient c = b.connect()) {
        assertThatThrownBy(() -> c.bootOnce(BootTarget.PXE, BootMode.UEFI))
            .isInstanceOf(RedfishUnsupportedException.class)
            .hasMessageContaining("BMC stub")
            .hasMessageContaining(
                "BootSourceOverrideTarget Pxe is not among the allowed [None, Hdd]");
      }
      b.wm.verify(0, patchRequestedFor(urlEqualTo(sys)));
    }
  }

  @Test
  void a406ToIdentityEncodingDropsTheHeader() {
    String sys = "/redfish/v1/Systems/1";
    try (StubBmc b = new StubBmc("hpe")) {
      // QUIRK(HPE iLO 5 Gen10 Plus): 406 NotAcceptable to Accept-Encoding: identity.
      b.wm.stubFor(
          get(urlEqualTo(sys))
              .atPriority(1)
              .withHeader("Accept-Encoding", equalTo("identity"))
              .willReturn(aResponse().withStatus(406)));
      try (RedfishClient c = b.connect()) {
        assertThat(c.powerState()).isEqualTo(PowerState.ON);
      }
      b.wm.verify(getRequestedFor(urlEqualTo(sys)).withHeader("Accept-Encoding", absent()));
    }
  }

  @Test
  void requestsToOneBmcAreBoundedByMaxConcurrentRequests() throws Exception {
    String sys = "/redfish/v1/Systems/1";
    try (StubBmc b = new StubBmc("hpe")) {
      RedfishClient c =
          RedfishClient.connect(
              new BmcEndpoint("stub", b.url(), null),
              StubBmc.CREDS,
              new TlsPolicy.SystemTrust(),
              StubBmc.fast().withMaxConcurrentRequests(1));
      b.wm.stubFor(
          get(urlEqualTo(sys))
              .atPriority(1)
              .willReturn(okJson(golden("hpe" + sys + ".json")).withFixedDelay(150)));
      long t0 = System.nanoTime();
      try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < 4; i++) {
          pool.submit(c::powerState);
        }
      }
      // Four 150 ms answers one at a time take at least 600 ms; in parallel they would not.
      assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0))
          .isGreaterThanOrEqualTo(java.time.Duration.ofMillis(600));
      c.close();
    }
  }

  @Test
  void secretsInUrlsAndBodiesAreRedactedFromMessages() {
    assertThat(Redaction.redact("https://user:hunter2@ctl/x.iso"))
        .isEqualTo("https://***@ctl/x.iso");
    assertThat(Redaction.redact("{\"Password\": \"hunter2\"}")).doesNotContain("hunter2");
    assertThat(new Credentials("u", "hunter2").toString()).doesNotContain("hunter2");
  }
}
