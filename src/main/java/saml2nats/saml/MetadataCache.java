package saml2nats.saml;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The last good copy of each IdP's {@code metadata_url}, on disk ({@code metadata_cache_dir}),
 * so a service restarted while that URL is down starts on what it last verified instead of
 * not at all. A copy is written only after it verified (signature, validUntil, a usable IdP),
 * whole or not at all (a temporary file moved into place), readable by this user only. A copy
 * is named after the IdP and its URL, so changing the URL never starts from the old one's.
 * Reading it back proves nothing by itself: the caller verifies it as if freshly fetched.
 */
public final class MetadataCache {
    private static final Logger log = LoggerFactory.getLogger(MetadataCache.class);

    /** A copy read back: its text, where it is and when it was written. */
    record Copy(String xml, Path file, Instant written) { }

    private final Path dir;
    private final AtomicBoolean warned = new AtomicBoolean();

    MetadataCache(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** The file the copy of {@code url} for IdP {@code idp} is kept in. */
    public static Path file(Path dir, String idp, URI url) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(url.toString().getBytes(StandardCharsets.UTF_8));
            return dir.resolve(idp + "-" + HexFormat.of().formatHex(d, 0, 8) + ".xml");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    Optional<Copy> read(String idp, URI url) {
        Path file = file(dir, idp, url);
        try {
            return Optional.of(new Copy(Files.readString(file), file, Files.getLastModifiedTime(file).toInstant()));
        } catch (NoSuchFileException none) {
            return Optional.empty();
        } catch (IOException e) {
            log.warn("the cached metadata copy {} cannot be read ({})", file, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /**
     * Replaces the copy for the IdP's URL. When the folder cannot be made or written nothing is
     * written, and that is said once: the service runs on, only without a copy to start from.
     */
    void write(String idp, URI url, String xml) {
        Path target = file(dir, idp, url);
        Path temp = null;
        try {
            createDir();
            temp = createOwnerOnly(dir);
            Files.writeString(temp, xml);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            if (warned.compareAndSet(false, true)) {
                log.warn("metadata_cache_dir {} cannot be written ({}): IdP metadata is not cached, so a restart while "
                        + "an IdP's metadata_url is down will fail; point metadata_cache_dir at a writable folder",
                        dir, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // nothing more to do: the next write uses a new temporary file
                }
            }
        }
    }

    private void createDir() throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException raced) {
            if (!Files.isDirectory(dir)) {
                throw raced;
            }
        }
    }

    private static Path createOwnerOnly(Path dir) throws IOException {
        FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
        try {
            return Files.createTempFile(dir, ".metadata-", ".tmp", ownerOnly);
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempFile(dir, ".metadata-", ".tmp");
        }
    }
}
