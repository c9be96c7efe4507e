package saml2nats;

import saml2nats.cli.Command;
import saml2nats.cli.Syntax;
import saml2nats.cli.Terminal;
import saml2nats.config.Config;
import saml2nats.config.ConfigLoader;
import saml2nats.policy.PolicyException;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code saml2nats serve}: starts the service and keeps it running until a signal stops it. */
final class ServeCommand implements Command {
    static final String DEFAULT_CONFIG = "config/saml2nats.yaml";
    static final Syntax SYNTAX = Syntax.of("serve", "[--config FILE]",
            "run the service (default config: config/saml2nats.yaml)");

    @Override
    public Syntax syntax() {
        return SYNTAX;
    }

    @Override
    public int run(Syntax.Args opts, Terminal terminal) throws Exception {
        Config config = new ConfigLoader(terminal.env()).load(Path.of(opts.value("--config", DEFAULT_CONFIG)));
        Saml2Nats service;
        try {
            service = Saml2Nats.start(config, Clock.systemUTC());
        } catch (PolicyException e) {
            terminal.err().println("the mapping file is not usable, so the service does not start:\n" + e.getMessage());
            return 1;
        } catch (CannotStart e) {
            terminal.err().println("saml2nats: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            service.close();
            stopped.countDown();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown"));
        // Ctrl-C and a plain kill are the way to stop a service: close in order and exit 0, not the JVM's 130/143
        for (String signal : List.of("INT", "TERM")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                stop.run();
                System.exit(0);
            });
        }
        terminal.out().println("saml2nats is ready: open " + config.publicUrl() + "/ (metrics at /metrics, health at /healthz)");
        stopped.await();
        return -1;
    }
}
