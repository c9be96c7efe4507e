package saml2nats;

import saml2nats.cli.Command;
import saml2nats.cli.Syntax;
import saml2nats.cli.Terminal;
import saml2nats.policy.Decision;
import saml2nats.policy.Explanation;
import saml2nats.policy.Policy;
import saml2nats.policy.PolicyException;
import saml2nats.session.Identity;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** {@code saml2nats explain}: the grant one person would get, and which roles gave it. */
final class ExplainCommand implements Command {
    static final Syntax SYNTAX = Syntax.of("explain", "--policy FILE --groups a,b [--email E] [--username U] [--subject NAMEID] "
            + "[--idp ID] [--config FILE]", "print the grant a person would get and which roles gave it; exit 1 when DENIED");

    @Override
    public Syntax syntax() {
        return SYNTAX;
    }

    @Override
    public int run(Syntax.Args a, Terminal terminal) throws Exception {
        String file = a.value("--policy").orElseThrow();
        List<String> groups = Arrays.stream(a.value("--groups").orElseThrow().split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        String email = a.value("--email", "");
        // as the ACS reads a person: no username unless the IdP sends one (never an e-mail's local part)
        String username = a.value("--username", "");
        String subject = a.value("--subject", email.isEmpty() ? username : email);
        Identity who = new Identity(a.value("--idp", "dev"), subject, email, username, username, groups);
        try {
            Policy policy = CheckCommand.loader(a, terminal.env()).load(Path.of(file));
            Decision decision = policy.decide(who);
            terminal.out().print(Explanation.of(decision));
            // scripts ask "would this person get in?": the exit says it as the DENIED line does
            return decision instanceof Decision.Deny ? 1 : 0;
        } catch (PolicyException e) {
            terminal.err().println(e.getMessage());
            return 1;
        }
    }
}
