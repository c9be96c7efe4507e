package saml2nats.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A mapping file that cannot be used, with every finding in it. */
public final class PolicyException extends Exception {
    private final List<Finding> findings;

    public PolicyException(List<Finding> findings) {
        super(findings.stream().map(Finding::toString).collect(Collectors.joining("\n")));
        this.findings = List.copyOf(findings);
    }

    public List<Finding> findings() {
        return findings;
    }
}
