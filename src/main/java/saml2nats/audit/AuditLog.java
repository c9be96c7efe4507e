package saml2nats.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes each {@link AuditEvent} as one JSON line, to stdout or an append-only file.
 * One line per decision keeps it greppable and ready for any log shipper.
 */
public final class AuditLog implements AutoCloseable {
    private final PrintStream out;
    private final boolean owned;

    public AuditLog(PrintStream out) {
        this.out = out;
        this.owned = false;
    }

    private AuditLog(OutputStream file) {
        this.out = new PrintStream(file, true, StandardCharsets.UTF_8);
        this.owned = true;
    }

    /** {@code -} means stdout. */
    public static AuditLog open(String target) throws IOException {
        if (target == null || target.isEmpty() || target.equals("-")) {
            return new AuditLog(System.out);
        }
        Path path = Path.of(target);
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        return new AuditLog(Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    public void record(AuditEvent e) {
        String line = toJson(e);
        synchronized (out) {
            out.println(line);
        }
    }

    static String toJson(AuditEvent e) {
        StringBuilder sb = new StringBuilder(384).append('{');
        field(sb, "time", e.time().toString());
        field(sb, "action", e.action().wire());
        field(sb, "outcome", e.outcome().wire());
        field(sb, "reason", e.reason());
        field(sb, "detail", e.detail());
        field(sb, "session", e.session());
        field(sb, "subject", e.person().subject());
        field(sb, "email", e.person().email());
        field(sb, "idp", e.person().idp());
        sb.append("\"roles\":[");
        for (int i = 0; i < e.roles().size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, e.roles().get(i));
        }
        sb.append("],");
        field(sb, "account", e.account());
        AuditEvent.Client c = e.client();
        sb.append("\"client\":{");
        field(sb, "host", c.host());
        field(sb, "name", c.name());
        field(sb, "lang", c.lang());
        field(sb, "version", c.version());
        field(sb, "kind", c.kind());
        field(sb, "server_id", c.serverId());
        sb.append("\"client_id\":").append(c.clientId()).append("},");
        sb.append("\"expires\":");
        if (e.expires() == null) {
            sb.append("null");
        } else {
            string(sb, e.expires().toString());
        }
        if (e.traffic() != null) { // only the ledger's lines: the others stay as they were
            AuditEvent.Traffic t = e.traffic();
            sb.append(",\"traffic\":{");
            field(sb, "server", t.server());
            field(sb, "since", t.since().toString());
            if (t.until() != null) {
                field(sb, "until", t.until().toString());
                sb.append("\"seconds\":").append(java.time.Duration.between(t.since(), t.until()).toSeconds()).append(',');
            }
            sb.append("\"published_msgs\":").append(t.publishedMsgs())
                    .append(",\"published_bytes\":").append(t.publishedBytes())
                    .append(",\"delivered_msgs\":").append(t.deliveredMsgs())
                    .append(",\"delivered_bytes\":").append(t.deliveredBytes()).append('}');
        }
        return sb.append('}').toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":");
        string(sb, value == null ? "" : value);
        sb.append(',');
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
    }

    @Override
    public void close() {
        if (owned) {
            out.close();
        }
    }
}
