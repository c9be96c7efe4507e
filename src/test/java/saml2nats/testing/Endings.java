package saml2nats.testing;

import saml2nats.session.Ending;

/** How tests end sessions, as a person or an admin would. */
public final class Endings {
    public static final Ending SIGN_OUT = new Ending(Ending.Cause.SIGN_OUT, "alice@example.com");
    public static final Ending ADMIN = new Ending(Ending.Cause.ADMIN, "admin token");

    private Endings() {
    }
}
