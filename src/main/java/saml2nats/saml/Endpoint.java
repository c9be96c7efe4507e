package saml2nats.saml;

/** One place an IdP takes messages, and the binding it takes them by. */
public record Endpoint(Binding binding, String url) { }
