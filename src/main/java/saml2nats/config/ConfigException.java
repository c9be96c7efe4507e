package saml2nats.config;

import java.util.List;

/** A configuration that cannot be used; each problem names the setting (and line) and what to do. */
public final class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("configuration is not usable:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
