package saml2nats.saml;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where an IdP takes one kind of message (sign-in or logout), by binding. Redirect is
 * preferred when both are offered: no page stands between the browser and the IdP.
 */
public record Endpoints(Optional<String> redirect, Optional<String> post) {
    public static final Endpoints NONE = new Endpoints(Optional.empty(), Optional.empty());

    public Endpoints {
        redirect = redirect.filter(u -> !u.isEmpty());
        post = post.filter(u -> !u.isEmpty());
    }

    /** A URL given in the config ({@code sso_url}, {@code slo_url}): HTTP-Redirect; none when empty. */
    public static Endpoints redirectOnly(String url) {
        return new Endpoints(Optional.of(url), Optional.empty());
    }

    public boolean isEmpty() {
        return redirect.isEmpty() && post.isEmpty();
    }

    /** Where a message of ours goes: HTTP-Redirect when offered, else HTTP-POST. */
    public Optional<Endpoint> preferred() {
        return redirect.map(u -> new Endpoint(Binding.REDIRECT, u)).or(() -> post.map(u -> new Endpoint(Binding.POST, u)));
    }

    /** Where an answer to a message that came by {@code came} goes: the same binding when offered, else the other. */
    public Optional<Endpoint> answering(Binding came) {
        Optional<Endpoint> same = came == Binding.POST ? post.map(u -> new Endpoint(Binding.POST, u))
                : redirect.map(u -> new Endpoint(Binding.REDIRECT, u));
        return same.or(this::preferred);
    }

    public List<String> urls() {
        return Stream.concat(redirect.stream(), post.stream()).distinct().toList();
    }
}
