package saml2nats.web;

import saml2nats.json.JsonBuilder;

/**
 * The nats CLI context the signed-in page offers for download (the file
 * {@code nats --context NAME} reads from {@code ~/.config/nats/context/NAME.json}).
 * Built in the page, never stored: the token is shown once.
 */
final class NatsContextFile {
    private NatsContextFile() { }

    /** In operator mode the context names {@code sentinel.creds}, the file the page also offers. */
    static String json(String natsUrl, String token, boolean sentinel) {
        JsonBuilder context = JsonBuilder.object()
                .textIfAny("description", "saml2nats: your NATS access until your session ends")
                .textIfAny("url", natsUrl)
                .textIfAny("token", token);
        if (sentinel) {
            context.text("creds", "sentinel.creds");
        }
        return context.toJson();
    }
}
