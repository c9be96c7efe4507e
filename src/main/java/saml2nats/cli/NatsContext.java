package saml2nats.cli;

import saml2nats.json.JsonBuilder;
import saml2nats.json.JsonException;
import saml2nats.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
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
        JsonBuilder nats = edit(natsFile(name))
                .text("description", description)
                .text("url", entry.natsUrl())
                .text("token", entry.token());
        if (sentinelCreds.isPresent()) {
            Path creds = serviceFile(name).resolveSibling(name + ".creds");
            writeText(creds, sentinelCreds.get());
            nats.text("creds", creds.toString());
        }
        writeObject(natsFile(name), nats);
        writeObject(serviceFile(name), edit(serviceFile(name)).text("service_url", entry.service().toString()));
    }

    /** Where the context's own key-bound creds live ({@code saml2nats login --creds}), beside our record of it. */
    public Path credsFile(String name) {
        return serviceFile(name).resolveSibling(name + ".key.creds");
    }

    /** Writes key-bound creds (0600) and names them as the context's {@code creds}; the token stays for our commands. */
    public void writeCreds(String name, String credsText) throws CliException {
        checkName(name);
        writeText(credsFile(name), credsText);
        writeObject(natsFile(name), edit(natsFile(name)).text("creds", credsFile(name).toString()));
    }

    /** The creds file's text, when the context has key-bound creds. */
    public Optional<String> readCreds(String name) throws CliException {
        checkName(name);
        try {
            return Files.exists(credsFile(name)) ? Optional.of(Files.readString(credsFile(name))) : Optional.empty();
        } catch (IOException e) {
            throw new CliException("cannot read " + credsFile(name) + ": " + e.getMessage(), e);
        }
    }

    public Optional<Entry> read(String name) throws CliException {
        checkName(name);
        if (!Files.exists(natsFile(name))) {
            return Optional.empty();
        }
        Optional<JsonObject> nats = readObject(natsFile(name));
        String service = text(readObject(serviceFile(name)), "service_url");
        return Optional.of(new Entry(text(nats, "url"), text(nats, "token"), service.isEmpty() ? null : URI.create(service)));
    }

    /** Takes the token out of the context (the server URL and everything else stay). */
    public void forgetToken(String name) throws CliException {
        checkName(name);
        Optional<JsonObject> nats = readObject(natsFile(name));
        if (nats.isPresent() && nats.get().keys().contains("token")) {
            writeObject(natsFile(name), nats.get().edit().remove("token"));
        }
    }

    private static String text(Optional<JsonObject> object, String key) {
        return object.flatMap(o -> o.text(key)).orElse("");
    }

    /** The file's fields to change, every other field kept (the nats CLI and people edit these files too). */
    private static JsonBuilder edit(Path file) throws CliException {
        return readObject(file).map(JsonObject::edit).orElseGet(JsonBuilder::object);
    }

    /** Empty when the file does not exist. */
    private static Optional<JsonObject> readObject(Path file) throws CliException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JsonObject.parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (JsonException e) {
            throw new CliException(file + (e.problem() == JsonException.Problem.NOT_AN_OBJECT ? " is not a JSON object"
                    : " is not valid JSON (" + e.detail() + ")") + "; fix or remove it, then run the command again");
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeObject(Path file, JsonBuilder object) throws CliException {
        writeText(file, object.toJson() + "\n");
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
