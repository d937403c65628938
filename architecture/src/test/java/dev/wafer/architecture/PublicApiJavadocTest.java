package dev.wafer.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public API of {@code ports} and {@code domain} is what a library user embeds, so every public element there has
 * a Javadoc description: the JDK's javadoc with {@code -Xdoclint:missing} over their sources must report no element
 * without a comment, no comment without a main description (only tags) and no public class left to its implicit
 * constructor. Missing {@code @param} and {@code @return} tags are allowed: the description is what is required.
 * (javac's doclint, on in every module's build, checks the comments' HTML, syntax and references.)
 */
class PublicApiJavadocTest {
    private static final List<String> MISSING = List.of("no comment", "no main description",
            "use of default constructor");

    @Test
    void everyPublicElementOfPortsAndDomainHasADescription(@TempDir Path out) throws IOException {
        List<Path> roots = List.of(Path.of("..", "ports", "src", "main", "java"),
                Path.of("..", "domain", "src", "main", "java"));
        List<Path> sources = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
            }
        }
        assertFalse(sources.isEmpty(), "no sources under " + roots);
        DocumentationTool tool = ToolProvider.getSystemDocumentationTool();
        assertNotNull(tool, "this JDK has no javadoc tool");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = tool.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            List<String> options = List.of("-Xdoclint:missing", "-Xmaxwarns", "100000", "-quiet", "-d", out.toString(),
                    "--source-path", roots.get(0) + java.io.File.pathSeparator + roots.get(1));
            tool.getTask(null, files, diagnostics, null, options, files.getJavaFileObjectsFromPaths(sources)).call();
        }
        List<String> missing = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            String message = d.getMessage(Locale.ROOT);
            if (d.getKind() == Diagnostic.Kind.ERROR || MISSING.stream().anyMatch(message::contains)) {
                String where = d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ";
                missing.add(where + message);
            }
        }
        assertEquals(List.of(), missing, missing.size() + " public elements of ports and domain without a"
                + " description (or javadoc errors):\n" + String.join("\n", missing));
    }
}
