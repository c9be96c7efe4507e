package saml2nats;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documents a clone carries point only at what a clone has: every relative link
 * resolves inside the repository (no ../shared), README leads to the architecture,
 * and the architecture names every package the code has.
 */
class DocsTest {
    static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> files = Files.list(Path.of("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    @Test
    void everyRelativeLinkResolvesInsideTheRepository() throws IOException {
        Path root = Path.of("").toAbsolutePath().normalize();
        List<String> broken = new ArrayList<>();
        for (Path doc : documents()) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http(s), mailto: not a file of ours
                }
                Path resolved = doc.toAbsolutePath().getParent().resolve(target).normalize();
                if (!resolved.startsWith(root) || !Files.exists(resolved)) {
                    broken.add(doc + " -> " + target);
                }
            }
        }
        assertEquals(List.of(), broken, "links that a fresh clone cannot follow");
        assertTrue(Files.readString(Path.of("README.md")).contains("(docs/ARCHITECTURE.md)"), "README leads to the map");
    }

    @Test
    void theArchitectureNamesEveryPackage() throws IOException {
        String architecture = Files.readString(Path.of("docs/ARCHITECTURE.md"));
        List<String> missing = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("src/main/java/saml2nats"))) {
            dirs.filter(Files::isDirectory).map(d -> d.getFileName() + "/").sorted()
                    .filter(p -> !architecture.contains("`" + p + "`")).forEach(missing::add);
        }
        assertEquals(List.of(), missing, "packages docs/ARCHITECTURE.md does not describe");
    }
}
