package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An input the user may not read (issue #22): {@code data prepare} says so in one line naming the file and the
 * reason, exit 74, no stack trace, in one process and under {@code mpirun -np 2} whichever rank reads it (the reason
 * used to be lost on its way from the reading rank to rank 0: "IOException: /x/y.jsonl"). Root reads every file, so
 * wafer runs here as {@code nobody} through {@code setpriv}; where the JDK is not readable by nobody the test skips
 * saying so, and where the classpath is not (a Maven repository under /root) it runs on a copy that is.
 */
class UnreadableInputTest {
    @TempDir
    static Path tmp;
    private static String setpriv;
    private static String uid;
    private static String gid;
    private static String classpath;
    private static Path small;
    private static Path locked;
    private static Path big;
    private static Path out;

    @BeforeAll
    static void asNobody() throws Exception {
        Assumptions.assumeTrue(Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0")),
                "only root can start a process as another user (setpriv); this test runs as "
                        + System.getProperty("user.name"));
        Optional<Path> found = NetnsPair.onPath("setpriv");
        Assumptions.assumeTrue(found.isPresent(), "setpriv (util-linux) is not installed");
        setpriv = found.get().toString();
        Optional<String[]> entry = Files.readAllLines(Path.of("/etc/passwd")).stream()
                .map(l -> l.split(":")).filter(f -> f.length > 3 && f[0].equals("nobody")).findFirst();
        Assumptions.assumeTrue(entry.isPresent(), "there is no user nobody in /etc/passwd");
        uid = entry.get()[2];
        gid = entry.get()[3];
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path modules = Path.of(System.getProperty("java.home"), "lib", "modules");
        Assumptions.assumeTrue(readable(List.of(java.toString(), modules.toString())).isEmpty(),
                "the JDK at " + System.getProperty("java.home") + " is not readable by nobody");
        classpath = readableClasspath();

        Path in = Files.createDirectories(tmp.resolve("in"));
        small = Files.writeString(in.resolve("small.jsonl"), documents(1));
        locked = Files.writeString(in.resolve("locked.jsonl"), documents(3));
        big = Files.writeString(in.resolve("big.jsonl"), documents(6));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        out = Files.createDirectories(tmp.resolve("out"));
        Files.createDirectories(tmp.resolve("home"));
        for (Path p : List.of(out, tmp.resolve("home"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
    }

    @Test
    void oneProcessSaysWhichInputAndWhy() throws Exception {
        // The control: nobody can run wafer and write here, so what fails below is the permission alone.
        CliRun fine = asNobody(wafer("data", "prepare", "--input", small.toString(), "--out", out("fine"), "--quiet",
                "--seq-len", "8"));
        assertEquals(0, fine.exitCode(), fine.out() + fine.err());
        assertOneLine(asNobody(wafer("data", "prepare", "--input", locked.toString(), small.toString(), "--out",
                out("one"))), "cannot read --input " + locked + ": permission denied");
        assertFalse(Files.exists(Path.of(out("one"))), "nothing is written");
    }

    @Test
    void underMpirunRank0ReadingTheInputSaysWhichAndWhy() throws Exception {
        // Shared out by size, largest first: the unreadable input (3 documents) is rank 0's, the small one rank 1's.
        assertOneLine(asNobody(mpirun("data", "prepare", "--input", locked.toString(), small.toString(), "--out",
                out("rank0"), "--threads", "1")), "cannot read --input " + locked + ": permission denied");
        assertFalse(Files.exists(Path.of(out("rank0"))), "nothing is written");
    }

    @Test
    void underMpirunRank1ReadingTheInputSaysWhichAndWhy() throws Exception {
        // The big input goes to rank 0, the unreadable one to rank 1, which hands its error to rank 0 as text.
        assertOneLine(asNobody(mpirun("data", "prepare", "--input", big.toString(), locked.toString(), "--out",
                out("rank1"), "--threads", "1")), "cannot read --input " + locked + ": permission denied");
        assertFalse(Files.exists(Path.of(out("rank1"))), "nothing is written");
    }

    @Test
    void aDirectoryNobodyMayListOrEnterSaysSo() throws Exception {
        Path closed = Files.createDirectories(tmp.resolve("closed"));
        Path inside = Files.writeString(closed.resolve("doc.jsonl"), documents(2));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        assertOneLine(asNobody(wafer("data", "prepare", "--input", closed.toString(), "--out", out("dir"))),
                "cannot read --input " + closed + ": permission denied");
        // Before: "no such file or directory", since a file in a directory one may not enter cannot be seen.
        assertOneLine(asNobody(wafer("data", "prepare", "--input", inside.toString(), "--out", out("inside"))),
                "cannot read --input " + inside + ": permission denied");
    }

    private static String out(String name) {
        return out.resolve(name).toString();
    }

    /** Exit 74 (an operating-system failure) and exactly one line from wafer, that one, and no trace. */
    private static void assertOneLine(CliRun run, String expected) {
        assertEquals(74, run.exitCode(), run.err());
        List<String> wafer = run.err().lines().filter(l -> l.startsWith("wafer:")).toList();
        assertEquals(List.of("wafer: " + expected), wafer, run.err());
        assertTrue(run.err().lines().noneMatch(l -> l.contains("Exception") || l.strip().startsWith("at ")),
                run.err());
    }

    private static String documents(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("{\"text\":\"document ").append(i).append(" of ").append(n)
                    .append(" about courts, models and licences\",\"meta\":{\"pile_set_name\":\"Pile-CC\"}}\n");
        }
        return b.toString();
    }

    private static List<String> wafer(String... args) {
        return MpiLauncher.wafer(classpath, List.of(args));
    }

    private static List<String> mpirun(String... args) {
        List<String> c = new ArrayList<>(List.of(MpiLauncher.mpirun().toString(), "-np", "2", "--oversubscribe"));
        c.addAll(wafer(args));
        return c;
    }

    private static List<String> setpriv(List<String> command) {
        List<String> c = new ArrayList<>(List.of(setpriv, "--reuid=" + uid, "--regid=" + gid, "--clear-groups"));
        c.addAll(command);
        return c;
    }

    /** Runs {@code command} as nobody, at most 3 minutes. */
    private static CliRun asNobody(List<String> command) throws Exception {
        Path stdout = Files.createTempFile(tmp, "run", ".out");
        Path stderr = Files.createTempFile(tmp, "run", ".err");
        ProcessBuilder pb = new ProcessBuilder(setpriv(command)).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        pb.environment().put("HOME", tmp.resolve("home").toString());
        pb.environment().put("WAFER_CACHE", tmp.resolve("home").resolve("cache").toString());
        Process p = pb.start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within 3 minutes: "
                    + Files.readString(stderr));
        }
        return new CliRun(p.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    /** The paths of {@code paths} that nobody cannot read. */
    private static List<String> readable(List<String> paths) throws Exception {
        List<String> c = new ArrayList<>(List.of("sh", "-c",
                "for p do if [ -r \"$p\" ]; then echo ok; else echo no; fi; done", "sh"));
        c.addAll(paths);
        Process p = new ProcessBuilder(setpriv(c)).redirectErrorStream(true).start();
        List<String> answers = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && answers.size() == paths.size(), "readability check: " + answers);
        List<String> not = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            if (!answers.get(i).equals("ok")) {
                not.add(paths.get(i));
            }
        }
        return not;
    }

    /** This test's classpath, each entry that nobody cannot read replaced by a readable copy. */
    private static String readableClasspath() throws Exception {
        List<String> entries = List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator));
        List<String> unreadable = readable(entries);
        if (unreadable.isEmpty()) {
            return String.join(java.io.File.pathSeparator, entries);
        }
        Path copies = Files.createDirectories(tmp.resolve("classpath"));
        Files.setPosixFilePermissions(copies, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> result = new ArrayList<>();
        int n = 0;
        for (String e : entries) {
            if (!unreadable.contains(e)) {
                result.add(e);
                continue;
            }
            Path from = Path.of(e);
            Path to = copies.resolve((n++) + "-" + from.getFileName());
            copy(from, to);
            result.add(to.toString());
        }
        return String.join(java.io.File.pathSeparator, result);
    }

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
            return;
        }
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }
}
