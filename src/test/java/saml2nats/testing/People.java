package saml2nats.testing;

import saml2nats.session.Identity;

import java.util.List;

/**
 * The people the tests sign in, as the IdPs in the test configurations assert them. The
 * groups match the shipped mapping: eng-developers gets the developer role, eng-operators
 * the operator role.
 */
public final class People {
    /** Alice at the dev IdP (make run's and most integration tests' IdP). */
    public static final Identity ALICE = new Identity("dev", "alice@example.com", "alice@example.com", "alice", "Alice",
            List.of("eng-developers"));
    /** Bob at the dev IdP, an operator. */
    public static final Identity BOB = new Identity("dev", "bob@example.com", "bob@example.com", "bob", "Bob",
            List.of("eng-operators"));
    /** Alice as Okta asserts her (the Okta fixtures' tenant). */
    public static final Identity ALICE_AT_OKTA = new Identity("okta", "alice@acme.test", "alice@acme.test", "alice", "Alice",
            List.of("eng-developers"));

    private People() { }
}
