/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.contract.MachineRef;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineIdentityTest {

  @TempDir Path dmi;

  @Test
  void matchingUuidOrSerialPasses() throws Exception {
    Files.writeString(dmi.resolve("product_uuid"), "4C4C4544-0042-3510-8052-B4C04F4E3832\n");
    Files.writeString(dmi.resolve("product_serial"), "CZ1234ABCD\n");
    MachineIdentity me = MachineIdentity.read(dmi);
    me.check(new MachineRef("m1", "4c4c4544-0042-3510-8052-b4c04f4e3832", "cz1234abcd"));
    me.check(new MachineRef("m1", null, null));
  }

  @Test
  void byteSwappedUuidOfOldSmbiosIsTheSameMachine() throws Exception {
    Files.writeString(dmi.resolve("product_uuid"), "44454c4c-4200-1035-8052-b4c04f4e3832\n");
    MachineIdentity.read(dmi)
        .check(new MachineRef("m1", "4c4c4544-0042-3510-8052-b4c04f4e3832", null));
    assertThat(MachineIdentity.swapped("00112233-4455-6677-8899-aabbccddeeff"))
        .isEqualTo("33221100-5544-7766-8899-aabbccddeeff");
  }

  @Test
  void anotherMachinesTaskIsRefused() throws Exception {
    Files.writeString(dmi.resolve("product_uuid"), "00000000-0000-0000-0000-000000000001\n");
    Files.writeString(dmi.resolve("product_serial"), "OTHER\n");
    MachineIdentity me = MachineIdentity.read(dmi);
    assertThat(
            assertThrows(
                    IntakeException.class,
                    () ->
                        me.check(
                            new MachineRef("m1", "4c4c4544-0042-3510-8052-b4c04f4e3832", null)))
                .getMessage())
        .contains("task is for machine m1", "this machine is 00000000-0000-0000-0000-000000000001");
    assertThat(
            assertThrows(
                    IntakeException.class, () -> me.check(new MachineRef("m1", null, "CZ1234ABCD")))
                .getMessage())
        .contains("serial is OTHER");
  }

  @Test
  void unreadableDmiRefusesATaskThatNamesTheMachine() {
    MachineIdentity none = MachineIdentity.read(dmi.resolve("absent"));
    assertThrows(
        IntakeException.class,
        () -> none.check(new MachineRef("m1", "4c4c4544-0042-3510-8052-b4c04f4e3832", null)));
    assertThrows(IntakeException.class, () -> none.check(new MachineRef("m1", null, "S")));
  }
}
