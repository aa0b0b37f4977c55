#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""ISO build benchmark: our writer against `xorriso -as mkisofs -J -R`, same trees, same run.

Usage: bench.py WORKDIR CLASSPATH [ROUNDS]
Trees (made once, deterministic): tree-400m (2,000 files, 400 MiB in 40 directories) and
tree-50k (50,000 small files of 0.2-4 KiB in 500 directories). Rounds alternate ours/xorriso;
the table shows the median wall time (process start to exit, output on the same file system)
and the median CPU time (user + system) of the process. The JVM runs as the plinth launcher
runs it: SerialGC, C1 only, with a dynamic CDS archive (made on the first run, kept in WORKDIR).
"""
import os, random, resource, shutil, statistics, subprocess, sys, time

work, cp = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
java = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")


def make_400m(root):
    if os.path.exists(root + "/.done"):
        return
    shutil.rmtree(root, ignore_errors=True)
    rnd = random.Random(400)
    total = 400 << 20
    weights = [rnd.random() ** 3 + 0.01 for _ in range(2000)]
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    sizes[-1] += total - sum(sizes)
    block = os.urandom(1 << 20)
    for i, size in enumerate(sizes):
        d = os.path.join(root, "dir%02d" % (i % 40))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "file-%04d.bin" % i), "wb") as f:
            left, off = size, i * 4099 % (1 << 19)
            while left > 0:
                n = min(left, len(block) - off)
                f.write(block[off:off + n])
                left -= n
                off = 0
    open(root + "/.done", "w").close()


def make_50k(root):
    if os.path.exists(root + "/.done"):
        return
    shutil.rmtree(root, ignore_errors=True)
    rnd = random.Random(50)
    for i in range(50000):
        d = os.path.join(root, "d%03d" % (i % 500))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "small-file-%05d.txt" % i), "wb") as f:
            f.write(os.urandom(rnd.randint(200, 4096)))
    open(root + "/.done", "w").close()


def timed(cmd, out):
    if os.path.exists(out):
        os.remove(out)
    subprocess.run(["sync"], check=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    os.makedirs(work, exist_ok=True)
    trees = {"400 MiB, 2,000 files": os.path.join(work, "tree-400m"),
             "50,000 small files": os.path.join(work, "tree-50k")}
    make_400m(trees["400 MiB, 2,000 files"])
    make_50k(trees["50,000 small files"])
    out = os.path.join(work, "out.iso")
    print("| tree | ours wall (s) | xorriso wall (s) | wall ratio | ours CPU (s) | xorriso CPU (s) | CPU ratio | rounds |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, tree in trees.items():
        ours, xo = [], []
        for _ in range(rounds):
            ours.append(timed([java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                               "-XX:SharedArchiveFile=" + os.path.join(work, "bench.jsa"),
                               "-XX:+AutoCreateSharedArchive", "-Xlog:cds=off",
                               "-Xlog:cds+dynamic=off", "-cp", cp, "BuildIso", tree, out], out))
            xo.append(timed(["xorriso", "-as", "mkisofs", "-quiet", "-J", "-R", "-o", out, tree], out))
        mo, mx = statistics.median(w for w, _ in ours), statistics.median(w for w, _ in xo)
        co, cx = statistics.median(c for _, c in ours), statistics.median(c for _, c in xo)
        print("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %d |"
              % (label, mo, mx, mo / mx, co, cx, co / cx, rounds), flush=True)
        print("  wall ours: %s  xorriso: %s" % (" ".join("%.2f" % w for w, _ in ours),
                                                 " ".join("%.2f" % w for w, _ in xo)), file=sys.stderr)
    if os.path.exists(out):
        os.remove(out)


main()
