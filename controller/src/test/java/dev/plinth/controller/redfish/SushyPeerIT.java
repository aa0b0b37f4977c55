/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.bmc.Flavour;
import dev.plinth.simulator.bmc.SimulatedBmc;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An independent Redfish client, OpenStack sushy (Ironic's library, Debian python3-sushy), runs the
 * virtual-media boot against the simulator: the simulator answers as real clients expect. Dell is
 * left out: sushy 4.3 has no iDRAC10 slot pin and no retry of On after a 409, which the DELL
 * flavour reproduces (Ironic handles both in its idrac driver).
 */
class SushyPeerIT {
  static final Path PYTHON = Path.of("/usr/bin/python3");
  static final Path SUSHY = Path.of("/usr/lib/python3/dist-packages/sushy/__init__.py");

  @ParameterizedTest
  @EnumSource(
      value = Flavour.class,
      names = {"GENERIC", "HPE_ILO5", "HPE_ILO6", "SUPERMICRO", "LENOVO", "OPENBMC"})
  void sushyBootsFromVirtualMediaOnTheSimulator(Flavour flavour) throws Exception {
    Peers.require(SUSHY, "python3-sushy");
    try (BmcSimulator sim = BmcSimulator.builder().flavour(flavour).start()) {
      SimulatedBmc bmc = sim.bmc(0);
      URI iso =
          URI.create((flavour == Flavour.OPENBMC ? "https" : "http") + "://ctl/media/s/task.iso");
      Process p =
          new ProcessBuilder(
                  PYTHON.toString(),
                  script().toString(),
                  bmc.url().toString(),
                  "admin",
                  "password",
                  iso.toString())
              .redirectErrorStream(true)
              .start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("\"slot\"");
      SimulatedBmc.BootRecord last = bmc.bootHistory().getLast();
      assertThat(last.device()).as(out).isEqualTo("Cd");
      assertThat(last.media()).isEqualTo(List.of(iso));
    }
  }

  static Path script() throws IOException {
    try {
      return Path.of(SushyPeerIT.class.getResource("/peers/sushy_vmedia.py").toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }
}
