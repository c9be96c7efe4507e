package saml2nats.cli;

import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * NATS CLI contexts ({@code <config>/nats/context/NAME.json}, the files {@code nats --context
 * NAME} reads) and, beside them, which saml2nats service issued each token
 * ({@code <config>/saml2nats/context/NAME.json}; the nats CLI drops fields it does not
 * know when it rewrites a context, so that stays in a file of our own). Fields we do
 * not set are kept. Files are 0600 in 0700 folders, written whole and moved into place.
 *
 * @param configHome {@code $XDG_CONFIG_HOME}, or {@code ~/.config}
 */
public record NatsContext(Path configHome) {
    public static final String DEFAULT_NAME = "saml2nats";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}");

    /** What one context holds for us. */
    public record Entry(String natsUrl, String token, URI service) {
        @Override
        public String toString() {
            return "Entry[natsUrl=" + natsUrl + ", service=" + service + ", token=" + (token.isEmpty() ? "none" : "set") + "]";
        }
    }

    public static NatsContext fromEnvironment(Map<String, String> env) {
        String xdg = env.getOrDefault("XDG_CONFIG_HOME", "");
        return new NatsContext(xdg.isEmpty() ? Path.of(System.getProperty("user.home"), ".config") : Path.of(xdg));
    }

    public static void checkName(String name) throws CliException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new CliException("'" + name + "' is not a usable context name: use letters, digits, '-', '_' or '.', "
                    + "up to 64 characters, not starting with '.'");
        }
    }

    public Path natsFile(String name) {
        return configHome.resolve("nats").resolve("context").resolve(name + ".json");
    }

    Path serviceFile(String name) {
        return configHome.resolve("saml2nats").resolve("context").resolve(name + ".json");
    }

    /** Writes (or updates) the context with the server URL and token, and records the service. */
    public void write(String name, Entry entry, String description) throws CliException {
        write(name, entry, description, Optional.empty());
    }

    /**
     * The same, for operator mode: {@code sentinelCreds} (the creds every client connects
     * with) goes into a 0600 file beside ours and the context's {@code creds} names it.
     */
    public void write(String name, Entry entry, String description, Optional<String> sentinelCreds) throws CliException {
        checkName(name);
        Map<String, JsonValue> nats = readObject(natsFile(name));
        nats.put("description", new JsonValue(description));
        nats.put("url", new JsonValue(entry.natsUrl()));
        nats.put("token", new JsonValue(entry.token()));
        if (sentinelCreds.isPresent()) {
            Path creds = serviceFile(name).resolveSibling(name + ".creds");
            writeText(creds, sentinelCreds.get());
            nats.put("creds", new JsonValue(creds.toString()));
        }
        writeObject(natsFile(name), nats);
        Map<String, JsonValue> ours = readObject(serviceFile(name));
        ours.put("service_url", new JsonValue(entry.service().toString()));
        writeObject(serviceFile(name), ours);
    }

    public Optional<Entry> read(String name) throws CliException {
        checkName(name);
        if (!Files.exists(natsFile(name))) {
            return Optional.empty();
        }
        Map<String, JsonValue> nats = readObject(natsFile(name));
        Map<String, JsonValue> ours = readObject(serviceFile(name));
        String service = text(ours, "service_url");
        return Optional.of(new Entry(text(nats, "url"), text(nats, "token"), service.isEmpty() ? null : URI.create(service)));
    }

    /** Takes the token out of the context (the server URL and everything else stay). */
    public void forgetToken(String name) throws CliException {
        checkName(name);
        Map<String, JsonValue> nats = readObject(natsFile(name));
        if (nats.remove("token") != null) {
            writeObject(natsFile(name), nats);
        }
    }

    private static String text(Map<String, JsonValue> m, String key) {
        JsonValue v = m.get(key);
        return v == null || v.string == null ? "" : v.string;
    }

    private static Map<String, JsonValue> readObject(Path file) throws CliException {
        if (!Files.exists(file)) {
            return new LinkedHashMap<>();
        }
        try {
            JsonValue v = JsonParser.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (v.map == null) {
                throw new CliException(file + " is not a JSON object; fix or remove it, then run the command again");
            }
            return new LinkedHashMap<>(v.map);
        } catch (JsonParseException e) {
            throw new CliException(file + " is not valid JSON (" + e.getMessage() + "); fix or remove it, then run the command again");
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeObject(Path file, Map<String, JsonValue> object) throws CliException {
        writeText(file, new JsonValue(object).toJson() + "\n");
    }

    private static void writeText(Path file, String text) throws CliException {
        Path dir = file.getParent();
        try {
            boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir); // Windows: the profile folder is the user's own
                }
            }
            Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            if (posix) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (FileAlreadyExistsException e) {
            throw new CliException("cannot write " + file + ": another saml2nats is writing it", e);
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
