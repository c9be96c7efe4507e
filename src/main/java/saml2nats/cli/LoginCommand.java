package saml2nats.cli;

import java.net.URI;
import java.security.SecureRandom;
import java.util.Optional;

/** {@code saml2nats login}: which service and context, then the sign-in its options ask for ({@link Login}). */
public final class LoginCommand implements Command {
    static final Syntax SYNTAX = Syntax.of("login", "[--url URL] [--context NAME] [--device | --no-browser] [--creds]", """
            sign in through the service at URL (its address, no path) and write the NATS CLI context
            NAME (default saml2nats) with the token; nothing is written unless the service answers
            with one. --url is needed the first time only: later logins use the service the context
            was signed in through. The browser is $BROWSER when set (commands separated by ':', %s
            for the address), else the desktop's; --no-browser prints the address only; --device
            shows a code to enter in a browser on any machine. --creds (operator mode): also make a user
            key here and write key-bound creds for it (0600) into the context, so clients connect with
            no callout; the session is bound to the key and its token alone no longer connects""");

    @Override
    public Syntax syntax() {
        return SYNTAX;
    }

    @Override
    public int run(Syntax.Args a, Terminal terminal) throws CliException, UsageException {
        String context = a.value("--context", NatsContext.DEFAULT_NAME);
        NatsContext contexts = NatsContext.fromEnvironment(terminal.env());
        NatsContext.checkName(context);
        URI url;
        if (a.value("--url").isPresent()) {
            url = ServiceAddress.of(a.value("--url").get());
        } else {
            // the service this context was signed in through, so "sign in again" needs no address
            Optional<URI> known = contexts.read(context).map(NatsContext.Entry::service);
            if (known.isEmpty()) {
                throw new UsageException("no service address is known for context '" + context + "' (it was never signed in "
                        + "with saml2nats login); pass --url URL, the saml2nats service's address such as "
                        + "https://nats-login.example.com");
            }
            url = known.get();
            terminal.out().println("Signing in through " + url + ", where context '" + context
                    + "' was signed in (--url for another).");
        }
        Login login = new Login(new ServiceClient(url), contexts, terminal.out(), new SecureRandom(),
                d -> Thread.sleep(d.toMillis()));
        ServiceClient.Answer token;
        if (a.flag("--device")) {
            token = login.withCode(context);
        } else if (a.flag("--no-browser")) {
            token = login.withoutBrowser(context);
        } else {
            token = login.withBrowser(context, new SystemBrowser(terminal.env()));
        }
        if (a.flag("--creds")) {
            new CredsFile(new ServiceClient(url), contexts, terminal.out()).create(context, token.text("token"), new SecureRandom());
        }
        return 0;
    }
}
