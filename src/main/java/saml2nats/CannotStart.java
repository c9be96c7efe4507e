package saml2nats;

import java.io.IOException;

/**
 * The service could not start, in one line a person can act on: the setting, the
 * address and the cause (never a stack trace). {@code Main} prints it and exits 1.
 */
final class CannotStart extends IOException {
    public CannotStart(String message) {
        super(message);
    }
}
