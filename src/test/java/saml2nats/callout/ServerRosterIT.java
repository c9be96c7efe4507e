package saml2nats.callout;

import io.nats.client.Connection;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Mappings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The system account vouches for a server key, on a real nats-server (a key it makes afresh at every start). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerRosterIT {
    CalloutStack stack;
    Connection system;
    String real;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        stack = CalloutStack.start(dir, Mappings.MATRIX, false, "");
        system = Nats.connect(new Options.Builder().server(stack.server.url())
                .userInfo(CalloutStack.SYS_USER, CalloutStack.SYS_PASSWORD).build());
        real = system.getServerInfo().getServerId();
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    static String selfMadeKey() throws Exception {
        return new String(NKey.createServer(new SecureRandom()).getPublicKey());
    }

    @Test
    void aServerOfTheClusterIsTrustedAndASelfMadeServerKeyIsNot() throws Exception {
        ServerTrust roster = ServerTrust.systemAccount(system);
        assertTrue(roster.trusts(real), "the server the system account reaches");
        assertTrue(roster.trusts(real), "and again, from memory");
        String selfMade = selfMadeKey();
        assertFalse(roster.trusts(selfMade), "a key no server holds");
        assertTrue(roster.refusal(selfMade).contains(selfMade));
    }

    @Test
    void anAnswerNamingAnotherServerVouchesForNothing() throws Exception {
        String selfMade = selfMadeKey();
        // something in the system account answers for the self-made key, but with the real server's identity
        var d = system.createDispatcher(m -> system.publish(m.getReplyTo(),
                ("{\"name\":\"n\",\"host\":\"0.0.0.0\",\"id\":\"" + real + "\"}").getBytes(StandardCharsets.UTF_8)));
        d.subscribe(String.format(Protocol.IDZ_SUBJECT, selfMade));
        system.flush(Duration.ofSeconds(2));
        assertFalse(ServerTrust.systemAccount(system).trusts(selfMade), "the answer must be about the key asked");
    }
}
