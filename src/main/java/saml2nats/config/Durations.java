package saml2nats.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the durations and sizes people write in config files: {@code 90s}, {@code 8h},
 * {@code 1h30m}, {@code 1MiB}, {@code 512KB}, {@code 1000}.
 */
public final class Durations {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() { }

    /** Empty when the text is not a positive duration such as 90s, 5m, 1h30m, 2d. */
    public static Optional<Duration> parse(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = DURATION_PART.matcher(t);
        Duration total = Duration.ZERO;
        int at = 0;
        while (m.find() && m.start() == at) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            at = m.end();
        }
        return at == t.length() && !total.isZero() ? Optional.of(total) : Optional.empty();
    }


    /** The short form people write, for messages and pages: 1h30m, 45s. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s == 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder out = new StringBuilder();
        if (s >= 86400) { out.append(s / 86400).append('d'); s %= 86400; }
        if (s >= 3600) { out.append(s / 3600).append('h'); s %= 3600; }
        if (s >= 60) { out.append(s / 60).append('m'); s %= 60; }
        if (s > 0) { out.append(s).append('s'); }
        return out.toString();
    }
}
