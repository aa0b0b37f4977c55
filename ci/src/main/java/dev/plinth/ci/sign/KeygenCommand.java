/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ci keygen}: a fresh ECDSA P-256 release key. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Write DIR/signing.key (ECDSA P-256, PKCS#8 PEM, mode 0600) and DIR/signing.pub (SPKI PEM).",
      "For a key in an HSM, create it with the token's tools and give ci sign --pkcs11-config."
    })
public final class KeygenCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      required = true,
      description = "Directory for signing.key and signing.pub.")
  Path out;

  @Option(names = "--force", description = "Overwrite an existing key.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    if (!force && Files.exists(out.resolve(SigningKey.PRIVATE_FILE))) {
      spec.commandLine()
          .getErr()
          .println(
              "ci keygen: "
                  + out.resolve(SigningKey.PRIVATE_FILE)
                  + " exists (--force to replace it)");
      return 1;
    }
    var pair = SigningKey.generate();
    SigningKey.write(pair, out);
    spec.commandLine()
        .getOut()
        .println(
            "ci keygen: wrote "
                + out.resolve(SigningKey.PRIVATE_FILE)
                + " and "
                + out.resolve(SigningKey.PUBLIC_FILE)
                + " (key id "
                + SigningKey.keyId(pair.getPublic())
                + ")");
    return 0;
  }
}
