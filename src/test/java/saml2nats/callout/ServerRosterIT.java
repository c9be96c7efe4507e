package saml2nats.callout;

import io.nats.client.Connection;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Mappings;

import java.nio.file.Path;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The system account vouches for a server key, on a real nats-server (a key it makes afresh at every start). */
class ServerRosterIT {
    @Test
    void aServerOfTheClusterIsTrustedAndASelfMadeServerKeyIsNot(@TempDir Path dir) throws Exception {
        try (CalloutStack stack = CalloutStack.start(dir, Mappings.MATRIX, false, "");
             Connection system = Nats.connect(new Options.Builder().server(stack.server.url())
                     .userInfo(CalloutStack.SYS_USER, CalloutStack.SYS_PASSWORD).build())) {
            String real = system.getServerInfo().getServerId();
            ServerTrust roster = ServerTrust.systemAccount(system);
            assertTrue(roster.trusts(real), "the server the system account reaches");
            assertTrue(roster.trusts(real), "and again, from memory");
            String selfMade = new String(NKey.createServer(new SecureRandom()).getPublicKey());
            assertFalse(roster.trusts(selfMade), "a key no server holds");
            assertTrue(roster.refusal(selfMade).contains(selfMade));
        }
    }

    @Test
    void anAnswerNamingAnotherServerVouchesForNothing(@TempDir Path dir) throws Exception {
        try (CalloutStack stack = CalloutStack.start(dir, Mappings.MATRIX, false, "");
             Connection system = Nats.connect(new Options.Builder().server(stack.server.url())
                     .userInfo(CalloutStack.SYS_USER, CalloutStack.SYS_PASSWORD).build())) {
            String real = system.getServerInfo().getServerId();
            String selfMade = new String(NKey.createServer(new SecureRandom()).getPublicKey());
            // something in the system account answers for the self-made key, but with the real server's identity
            var d = system.createDispatcher(m -> system.publish(m.getReplyTo(),
                    ("{\"name\":\"n\",\"host\":\"0.0.0.0\",\"id\":\"" + real + "\"}").getBytes()));
            d.subscribe(String.format(ServerRoster.IDZ, selfMade));
            system.flush(java.time.Duration.ofSeconds(2));
            assertFalse(ServerTrust.systemAccount(system).trusts(selfMade), "the answer must be about the key asked");
        }
    }
}
