/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * plinth-windows-bootloader on a synthetic Windows partition (NTFS with Windows/Boot/EFI and a
 * BCD-Template hive, no real Windows): the ESP gets the Boot Manager files and a BCD store whose
 * objects, read back with hivexregedit, point at the ESP and the Windows partition.
 */
class WindowsBootloaderIT {
  static final String BOOTMGR = "{9dea862c-5cdd-4e70-acc1-f32b344d4795}";

  @TempDir Path tmp;

  @BeforeAll
  static void root() {
    Privileges.assumeRoot();
  }

  /** ESP (FAT32), windows (NTFS with the synthetic tree), empty (NTFS, nothing on it). */
  LoopDisk windowsDisk(byte[] bootmgfw) throws Exception {
    LoopDisk d = LoopDisk.create(tmp, 160L << 20);
    Sh.run(
        "sgdisk",
        "-o",
        "-n",
        "1:0:+48M",
        "-t",
        "1:EF00",
        "-c",
        "1:ESP",
        "-n",
        "2:0:+64M",
        "-t",
        "2:0700",
        "-c",
        "2:windows",
        "-n",
        "3:0:0",
        "-t",
        "3:0700",
        "-c",
        "3:empty",
        d.dev);
    Sh.run("mkfs.vfat", "-F", "32", "-n", "ESP", d.part(1));
    Sh.run("mkntfs", "-Q", "-F", "-L", "Windows", d.part(2));
    Sh.run("mkntfs", "-Q", "-F", "-L", "Empty", d.part(3));
    Path m = Files.createDirectories(tmp.resolve("win"));
    Sh.run("mount", "-t", "ntfs-3g", d.part(2), m.toString());
    try {
      Path efi = Files.createDirectories(m.resolve("Windows/Boot/EFI"));
      Files.createDirectories(efi.resolve("en-US"));
      Files.write(efi.resolve("bootmgfw.efi"), bootmgfw);
      Files.writeString(efi.resolve("en-US/bootmgfw.efi.mui"), "mui");
      Files.writeString(efi.resolve("memtest.efi"), "MZmemtest");
      Files.writeString(
          Files.createDirectories(m.resolve("Windows/Boot/Fonts")).resolve("wgl4_boot.ttf"),
          "font");
      Path config = Files.createDirectories(m.resolve("Windows/System32/config"));
      Path template = tmp.resolve("BCD-Template");
      // an empty hive with the boot manager object (the CI WIM's generator, via hivexsh), then a
      // key merged with hivexregedit, as a real template carries more than one object
      Sh.run(
          ToolRunner.MODULE.resolve("ci-os/make-bcd-template.py").toString(), template.toString());
      Path reg = tmp.resolve("template.reg");
      Files.writeString(
          reg,
          "Windows Registry Editor Version 5.00\n\n"
              + "[\\Objects\\{a5a30fa2-3d06-4e9f-b5f4-a01df9d1fcba}]\n\n"
              + "[\\Objects\\{a5a30fa2-3d06-4e9f-b5f4-a01df9d1fcba}\\Description]\n"
              + "\"Type\"=dword:10100004\n\n");
      Sh.run("hivexregedit", "--merge", template.toString(), reg.toString());
      Files.copy(template, config.resolve("BCD-Template"));
    } finally {
      Sh.run("umount", m.toString());
    }
    return d;
  }

  ToolRunner tool(LoopDisk d) {
    return new ToolRunner("windows-bootloader")
        .env("PLINTH_TARGET_DISK", d.dev)
        .env("PLINTH_EFIVARS", tmp.resolve("no-efivars").toString());
  }

  /** The 16 bytes of a GUID as Windows stores it (first three fields little-endian), "aa,bb,..". */
  static String guidHex(String guid) {
    String g = guid.replaceAll("[{}-]", "").toLowerCase(Locale.ROOT);
    String le = g.substring(6, 8) + g.substring(4, 6) + g.substring(2, 4) + g.substring(0, 2);
    le += g.substring(10, 12) + g.substring(8, 10) + g.substring(14, 16) + g.substring(12, 14);
    le += g.substring(16);
    return le.replaceAll("(..)(?!$)", "$1,");
  }

  /** The value lines of one key in a hivexregedit export (continuations joined). */
  static String key(String export, String path) {
    int i = export.indexOf("[" + path + "]\n");
    assertThat(i).as("key " + path + " in\n" + export).isNotNegative();
    int end = export.indexOf("\n[", i + 1);
    return strings(
        export.substring(i, end < 0 ? export.length() : end).replaceAll("\\\\\n\\s*", ""));
  }

  /**
   * REG_SZ and REG_MULTI_SZ values, which hivexregedit exports as {@code hex(1):} / {@code hex(7):}
   * UTF-16LE bytes, as {@code ="text"} (the strings of a multi-string joined with '|').
   */
  static String strings(String key) {
    Matcher m = Pattern.compile("=hex\\((1|7)\\):([0-9a-f,]*)").matcher(key);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      byte[] b = HexFormat.of().parseHex(m.group(2).replace(",", ""));
      String text =
          new String(b, StandardCharsets.UTF_16LE)
              .replaceAll("\u0000+$", "")
              .replace('\u0000', '|');
      m.appendReplacement(out, Matcher.quoteReplacement("=\"" + text + "\""));
    }
    m.appendTail(out);
    return out.toString();
  }

  static byte[] espFile(LoopDisk d, String path, Path out) throws Exception {
    Sh.sh("MTOOLS_SKIP_CHECK=1 mcopy -n -i " + d.part(1) + " '::" + path + "' '" + out + "'");
    return Files.readAllBytes(out);
  }

  @Test
  void bootManagerAndBcdPointAtTheWindowsPartition() throws Exception {
    byte[] bootmgfw = new byte[64 << 10];
    new Random(3).nextBytes(bootmgfw);
    bootmgfw[0] = 'M';
    bootmgfw[1] = 'Z';
    try (LoopDisk d = windowsDisk(bootmgfw)) {
      String winBefore = Sh.run("sha256sum", d.part(2));
      var r = tool(d).run("install", "--esp", "ESP", "--windows", "windows", "--entry", "Win 2025");
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.stderr()).contains("no NVRAM boot entry");
      Matcher lm =
          Pattern.compile("BCD entry 'Win 2025' (\\{[0-9a-f-]{36}\\}) -> " + d.dev + "p2")
              .matcher(r.stderr());
      assertThat(lm.find()).as(r.stderr()).isTrue();
      String loader = lm.group(1);

      assertThat(espFile(d, "/EFI/Microsoft/Boot/bootmgfw.efi", tmp.resolve("a")))
          .isEqualTo(bootmgfw);
      assertThat(espFile(d, "/EFI/Boot/bootx64.efi", tmp.resolve("b"))).isEqualTo(bootmgfw);
      assertThat(
              new String(
                  espFile(d, "/EFI/Microsoft/Boot/en-US/bootmgfw.efi.mui", tmp.resolve("c"))))
          .isEqualTo("mui");
      assertThat(
              new String(espFile(d, "/EFI/Microsoft/Boot/Fonts/wgl4_boot.ttf", tmp.resolve("f"))))
          .isEqualTo("font");
      espFile(d, "/EFI/Microsoft/Boot/BCD", tmp.resolve("BCD"));
      String export =
          Sh.run("hivexregedit", "--export", tmp.resolve("BCD").toString(), "\\")
              .replace("\r\n", "\n");

      String espPart = Sh.run("blkid", "-p", "-o", "value", "-s", "PART_ENTRY_UUID", d.part(1));
      String winPart = Sh.run("blkid", "-p", "-o", "value", "-s", "PART_ENTRY_UUID", d.part(2));
      String diskGuid = Sh.run("blkid", "-p", "-o", "value", "-s", "PTUUID", d.dev);
      String disk = guidHex(diskGuid.strip());

      // the template's content is kept
      assertThat(key(export, "\\Description")).contains("\"KeyName\"=\"BCD00000000\"");
      assertThat(key(export, "\\Objects\\{a5a30fa2-3d06-4e9f-b5f4-a01df9d1fcba}\\Description"))
          .contains("\"Type\"=dword:10100004");
      // the boot manager: on the ESP, default = the new loader, display order = it
      String bm = "\\Objects\\" + BOOTMGR + "\\Elements\\";
      assertThat(key(export, "\\Objects\\" + BOOTMGR + "\\Description"))
          .contains("\"Type\"=dword:10100002");
      assertThat(key(export, bm + "11000001"))
          .contains(guidHex(espPart.strip()))
          .contains(disk)
          .doesNotContain(guidHex(winPart.strip()));
      assertThat(key(export, bm + "12000002"))
          .contains("\"Element\"=\"\\EFI\\Microsoft\\Boot\\bootmgfw.efi\"");
      assertThat(key(export, bm + "23000003")).contains("\"Element\"=\"" + loader + "\"");
      assertThat(key(export, bm + "24000001")).contains("\"Element\"=\"" + loader + "\"");
      // the loader: an OS loader object whose device and OS device are the Windows partition
      String ld = "\\Objects\\" + loader + "\\Elements\\";
      assertThat(key(export, "\\Objects\\" + loader + "\\Description"))
          .contains("\"Type\"=dword:10200003");
      for (String element : new String[] {"11000001", "21000001"}) {
        assertThat(key(export, ld + element))
            .contains(guidHex(winPart.strip()))
            .contains(disk)
            .doesNotContain(guidHex(espPart.strip()));
      }
      assertThat(key(export, ld + "12000002"))
          .contains("\"Element\"=\"\\Windows\\system32\\winload.efi\"");
      assertThat(key(export, ld + "12000004")).contains("\"Element\"=\"Win 2025\"");
      assertThat(key(export, ld + "22000002")).contains("\"Element\"=\"\\Windows\"");
      // the Windows partition was only read
      assertThat(Sh.run("sha256sum", d.part(2))).isEqualTo(winBefore);

      // a partition that holds no Windows: a clear failure, nothing new on the ESP
      var none = tool(d).run("install", "--esp", "ESP", "--windows", "empty");
      assertThat(none.exit()).as(none.toString()).isEqualTo(1);
      assertThat(none.stderr()).contains("no Windows/Boot/EFI/bootmgfw.efi").contains("wim step");
      var missing = tool(d).run("install", "--esp", "ESP", "--windows", "C");
      assertThat(missing.exit()).as(missing.toString()).isEqualTo(3);
      var usage = tool(d).run("install", "--esp", "ESP");
      assertThat(usage.exit()).isEqualTo(2);
    }
  }
}
