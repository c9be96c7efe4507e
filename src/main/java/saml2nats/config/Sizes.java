package saml2nats.config;

/** Byte counts as people read them: {@code 1 MiB}, not {@code 1048576}. */
public final class Sizes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB"};

    private Sizes() { }

    /** Whole units where the count divides evenly (1 MiB, 512 KiB), else one decimal (1.5 MiB). */
    public static String format(long bytes) {
        int unit = 0;
        double value = bytes;
        while (unit < UNITS.length - 1 && value >= 1024) {
            value /= 1024;
            unit++;
        }
        String number = value == Math.rint(value) ? Long.toString((long) value)
                : String.format(java.util.Locale.ROOT, "%.1f", value);
        return number + " " + UNITS[unit];
    }
}
