package saml2nats;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The house's floors (docs/ARCHITECTURE.md "Packages"): a package imports only packages on
 * lower floors, so dependencies run one way and no two packages lean on each other; and
 * the libraries that shape a capability stay in its room (OpenSAML in saml/, Javalin in
 * web/, jnats's JSON in json/); and each package's face is small: a public type is one
 * another package uses. A new import that breaks a floor fails here, with the file.
 */
class LayoutTest {
    static final Path MAIN = Path.of("src/main/java/saml2nats");
    static final Path TEST = Path.of("src/test/java/saml2nats");

    /** Floor per package; the root package (the one wiring place) is above them all. */
    static final Map<String, Integer> FLOORS = Map.ofEntries(
            Map.entry("audit", 0), Map.entry("config", 0), Map.entry("json", 0), Map.entry("store", 0),
            Map.entry("session", 1),
            Map.entry("policy", 2), Map.entry("connections", 2),
            Map.entry("saml", 3), Map.entry("callout", 3), Map.entry("handoff", 3), Map.entry("cli", 3), Map.entry("scim", 3),
            Map.entry("report", 3),
            Map.entry("web", 4), Map.entry("keys", 4),
            Map.entry("", 5));

    /** A library and the one package that may import it. */
    static final Map<Pattern, String> CONFINED = Map.of(
            Pattern.compile("^import (org\\.opensaml|net\\.shibboleth)\\."), "saml",
            Pattern.compile("^import io\\.javalin\\."), "web",
            Pattern.compile("^import io\\.nats\\.client\\.support\\.Json(Parser|Value|Utils|ParseException)\\b"), "json");

    /**
     * Public with no user outside their package, for a reason: the entry point, and types that
     * only travel in the public signatures of their package's face (a caller holds them
     * without naming them).
     */
    static final Set<String> PUBLIC_BY_SIGNATURE = Set.of(
            "saml2nats.Main",                  // the JVM's entry point
            "saml2nats.config.Secret",         // Config's secret settings
            "saml2nats.policy.Finding",        // PolicyException's findings
            "saml2nats.policy.PolicyError",    // Decision.Deny's code
            "saml2nats.saml.Endpoints",        // IdentityProvider's SSO and SLO endpoints
            "saml2nats.saml.Endpoint");

    /** Group 1 is the package imported from, absent for the root package. */
    static final Pattern OWN_IMPORT = Pattern.compile("^import (?:static )?saml2nats\\.(?:([a-z]+)\\.)?[A-Z]");

    @Test
    void everyPackageHasAFloorAndImportsOnlyDownward() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = packageOf(file);
            Integer floor = FLOORS.get(pkg);
            if (floor == null) {
                problems.add(file + ": package '" + pkg + "' has no floor in LayoutTest.FLOORS (and docs/ARCHITECTURE.md)");
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                Matcher m = OWN_IMPORT.matcher(line);
                String from = m.find() ? (m.group(1) == null ? "" : m.group(1)) : null;
                if (from != null && !from.equals(pkg)) {
                    Integer target = FLOORS.get(from);
                    if (target == null || target >= floor) {
                        problems.add(file.getFileName() + " (" + named(pkg) + ", floor " + floor
                                + ") imports from " + named(from) + " (floor " + target + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void librariesStayInTheirRoom() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = packageOf(file);
            for (String line : Files.readAllLines(file)) {
                CONFINED.forEach((library, room) -> {
                    if (library.matcher(line).find() && !pkg.equals(room)) {
                        problems.add(file.getFileName() + " (" + pkg + "): " + line.trim() + " belongs in " + room + "/");
                    }
                });
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyPublicTypeIsUsedOutsideItsPackage() throws IOException {
        Map<Path, String> texts = new LinkedHashMap<>();
        for (Path root : List.of(MAIN, TEST)) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                    texts.put(p, Files.readString(p));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = packageOf(file);
            String name = file.getFileName().toString().replace(".java", "");
            String qualified = "saml2nats." + (pkg.isEmpty() ? "" : pkg + ".") + name;
            Pattern declared = Pattern.compile("^public\\s+((final|abstract|sealed)\\s+)*(class|record|interface|enum)\\s+"
                    + name + "\\b", Pattern.MULTILINE);
            if (!declared.matcher(texts.get(file)).find() || PUBLIC_BY_SIGNATURE.contains(qualified)) {
                continue;
            }
            Pattern named = Pattern.compile("\\b" + Pattern.quote(qualified) + "\\b");
            Pattern simple = Pattern.compile("\\b" + name + "\\b");
            String wildcard = "import saml2nats." + (pkg.isEmpty() ? "*" : pkg + ".*") + ";";
            boolean usedElsewhere = texts.entrySet().stream()
                    .filter(t -> !packageOf(t.getKey()).equals(pkg))
                    .anyMatch(t -> named.matcher(t.getValue()).find()
                            || (t.getValue().contains(wildcard) && simple.matcher(t.getValue()).find()));
            if (!usedElsewhere) {
                problems.add(qualified + " is public but only its own package uses it: make it package-private");
            }
        }
        assertEquals(List.of(), problems);
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(MAIN)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            if (files.size() < 50) {
                throw new IllegalStateException("found only " + files.size() + " sources under " + MAIN + ": run from the repository root");
            }
            return files;
        }
    }

    private static String named(String pkg) {
        return pkg.isEmpty() ? "the root package" : pkg;
    }

    private static String packageOf(Path file) {
        Path dir = (file.startsWith(MAIN) ? MAIN : TEST).relativize(file).getParent();
        return dir == null ? "" : dir.toString().replace('/', '.');
    }
}
