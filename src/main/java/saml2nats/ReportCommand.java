package saml2nats;

import saml2nats.cli.Command;
import saml2nats.cli.Syntax;
import saml2nats.cli.Terminal;
import saml2nats.cli.UsageException;
import saml2nats.config.Config;
import saml2nats.config.ConfigLoader;
import saml2nats.policy.Policy;
import saml2nats.policy.PolicyException;
import saml2nats.report.AccessReview;
import saml2nats.report.Holdings;
import saml2nats.report.ReviewFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** {@code saml2nats report}: the access review of the service's mapping, and of its audit log when given. */
final class ReportCommand implements Command {
    static final Syntax SYNTAX = Syntax.of("report", "--config CFG [--audit FILE --since T --until T] --format html|csv|md [--out FILE]", """
            the access review for auditors: the mapping as a table (role, IdP groups, account, publish
            and subscribe, ttl), what each IdP group grants, and from the audit log (--audit, else the
            config's audit_log file) who held which grant when. T is a date (2026-12-01) or an instant
            (2026-12-01T09:00:00Z); --until is exclusive. A line of the log that cannot be read is named
            on stderr and skipped. Writes to --out or stdout""");

    @Override
    public Syntax syntax() {
        return SYNTAX;
    }

    @Override
    public int run(Syntax.Args a, Terminal terminal) throws Exception {
        ReviewFormat format = ReviewFormat.named(a.value("--format").orElseThrow()).orElseThrow(() ->
                new UsageException("--format takes html, csv or md, not '" + a.value("--format").get() + "'"));
        Holdings.Window window;
        try {
            window = new Holdings.Window(time(a, "--since"), time(a, "--until"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Path file = Path.of(a.value("--config").orElseThrow());
        Config config = ConfigLoader.withoutSecrets(terminal.env()).load(file);
        Policy policy;
        try {
            policy = CheckCommand.loader(a, terminal.env()).load(config.policyFile());
        } catch (PolicyException e) {
            terminal.err().println("the mapping file " + config.policyFile() + " (policy_file in " + file
                    + ") does not load, so there is no policy to review:\n" + e.getMessage());
            return 1;
        }
        Optional<Path> audit = a.value("--audit").map(Path::of).or(config::auditLog);
        if (audit.isPresent() && !Files.isReadable(audit.get())) {
            terminal.err().println("cannot read the audit log " + audit.get() + (a.value("--audit").isPresent() ? " (--audit)"
                    : " (audit_log in " + file + "; give another with --audit FILE)"));
            return 1;
        }
        AccessReview review;
        try {
            review = AccessReview.read(policy, audit, window, "No audit log given: the config writes it to stdout. Pass "
                    + "--audit FILE (the collected log) to see who held which grant when.", Instant.now());
        } catch (IOException e) {
            terminal.err().println("cannot read the audit log " + audit.orElseThrow() + ": " + e.getMessage());
            return 1;
        }
        review.history().ifPresent(h -> {
            h.skipped().forEach(s -> terminal.err().println(audit.get() + ":" + s.line() + ": skipped, " + s.words()));
            if (h.skippedCount() > h.skipped().size()) {
                terminal.err().println(audit.get() + ": " + (h.skippedCount() - h.skipped().size()) + " more line(s) skipped");
            }
        });
        String text = format.render(review);
        if (a.value("--out").isPresent()) {
            Files.writeString(Path.of(a.value("--out").get()), text);
            terminal.err().println("wrote " + a.value("--out").get());
        } else {
            terminal.out().print(text);
        }
        return 0;
    }

    private static Optional<Instant> time(Syntax.Args a, String option) throws UsageException {
        Optional<String> text = a.value(option);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(text.get().contains("T") ? Instant.parse(text.get())
                    : LocalDate.parse(text.get()).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException e) {
            throw new UsageException(option + " takes a date such as 2026-12-01 or an instant such as 2026-12-01T09:00:00Z, not '"
                    + text.get() + "'");
        }
    }
}
