package saml2nats.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/** The {@code --url} every client command takes: a saml2nats service's address. */
final class ServiceAddress {
    private ServiceAddress() { }

    /**
     * The service's address alone: the service answers at the root of its host, and the
     * CLI adds the paths. {@code http://host/device} (pasted from the page) would reach
     * no CLI endpoint, so it is refused with the address to use.
     */
    static URI of(String url) throws CliException {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new CliException("--url is not a URL: " + e.getMessage());
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
            throw new CliException("--url must be the service's http(s) address, like https://nats-login.example.com; got " + url);
        }
        boolean bare = (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))
                && u.getRawQuery() == null && u.getRawFragment() == null && u.getRawUserInfo() == null;
        if (!bare) {
            String origin = u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
            throw new CliException("--url is the service's address without a path, like https://nats-login.example.com; got "
                    + url + " (did you mean " + origin + "?)");
        }
        return u;
    }

    /** {@code --url} when given. */
    static Optional<URI> given(Syntax.Args args) throws CliException {
        return args.value("--url").isPresent() ? Optional.of(of(args.value("--url").get())) : Optional.empty();
    }
}
