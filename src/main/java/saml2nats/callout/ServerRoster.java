package saml2nats.callout;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.nats.client.Connection;
import io.nats.client.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Trusts the servers the system account knows: a request from a server key seen for the
 * first time is answered only after {@code $SYS.REQ.SERVER.<id>.IDZ}, sent as the
 * service's system user, is answered by a server with that very id. Only a server (or a
 * system-account user) can answer there, so a self-signed key that no server of the
 * cluster holds is refused, and a restarted server (a new key) is learned on its first
 * request, at the cost of one round trip. Answers are remembered: a positive one for the
 * server's life (keys are never reused), a negative one briefly, so that a burst of
 * requests from one unknown key asks once. A lookup that could not be made (the system
 * connection reconnecting, a timeout) refuses that request but is not remembered. Lookups
 * of one key are shared.
 */
final class ServerRoster implements ServerTrust {
    private static final Logger log = LoggerFactory.getLogger(ServerRoster.class);
    private static final Duration ASK_WAIT = Duration.ofSeconds(1);
    private static final Duration FORGET_UNKNOWN = Duration.ofSeconds(2);

    private final Connection system;
    private final Cache<String, Boolean> known = Caffeine.newBuilder().maximumSize(4096).build();
    private final Cache<String, Boolean> unknown = Caffeine.newBuilder().maximumSize(4096)
            .expireAfterWrite(FORGET_UNKNOWN).build();
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> asking = new ConcurrentHashMap<>();

    ServerRoster(Connection system) {
        this.system = system;
    }

    @Override
    public boolean trusts(String serverId) {
        if (known.getIfPresent(serverId) != null) {
            return true;
        }
        if (unknown.getIfPresent(serverId) != null) {
            return false;
        }
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> shared = asking.putIfAbsent(serverId, mine);
        if (shared != null) {
            try {
                return shared.get(ASK_WAIT.toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return false;
            }
        }
        try {
            Answer answer = ask(serverId);
            if (answer != Answer.UNAVAILABLE) {
                (answer == Answer.KNOWN ? known : unknown).put(serverId, true);
            }
            mine.complete(answer == Answer.KNOWN);
            return answer == Answer.KNOWN;
        } finally {
            mine.complete(false);
            asking.remove(serverId, mine);
        }
    }

    private enum Answer { KNOWN, UNKNOWN, UNAVAILABLE }

    private Answer ask(String serverId) {
        try {
            Message reply = system.request(String.format(Protocol.IDZ_SUBJECT, serverId), new byte[0], ASK_WAIT);
            if (reply == null || reply.isStatusMessage()) {
                // jnats gives null for a timeout and for "no responders" alike: not remembered, asked again next time
                return Answer.UNAVAILABLE;
            }
            return JsonObject.parse(reply.getData()).text("id").filter(serverId::equals).isPresent()
                    ? Answer.KNOWN : Answer.UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.UNAVAILABLE;
        } catch (Exception e) {
            log.warn("could not ask the system account about server {} ({}); its requests are refused until it answers",
                    serverId, e.toString());
            return Answer.UNAVAILABLE;
        }
    }

    @Override
    public String refusal(String serverId) {
        return "no server of this cluster has the key " + serverId + " (asked the system account)";
    }
}
