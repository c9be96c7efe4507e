package saml2nats.web;

import io.nats.client.support.JsonUtils;

/**
 * The nats CLI context the signed-in page offers for download (the file
 * {@code nats --context NAME} reads from {@code ~/.config/nats/context/NAME.json}).
 * Built in the page, never stored: the token is shown once.
 */
final class NatsContextFile {
    private NatsContextFile() { }

    /** In operator mode the context names {@code sentinel.creds}, the file the page also offers. */
    static String json(String natsUrl, String token, boolean sentinel) {
        StringBuilder sb = JsonUtils.beginJson();
        JsonUtils.addField(sb, "description", "saml2nats: your NATS access until your session ends");
        JsonUtils.addField(sb, "url", natsUrl);
        JsonUtils.addField(sb, "token", token);
        if (sentinel) {
            JsonUtils.addField(sb, "creds", "sentinel.creds");
        }
        return JsonUtils.endJson(sb).toString();
    }
}
