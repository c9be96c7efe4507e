package saml2nats.bench;

import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads JMH's JSON result and prints each benchmark and the ratios docs/BENCHMARKS.md
 * reports: the handler (xkey on, and off) against the three Ed25519 operations it cannot
 * avoid, measured in the same run.
 */
public final class BenchReport {
    private BenchReport() { }

    public static void main(String[] args) throws Exception {
        JsonValue results = JsonParser.parse(Files.readString(Path.of(args[0])));
        Map<String, double[]> scores = new LinkedHashMap<>();
        String unit = "";
        for (JsonValue r : results.array) {
            String name = r.map.get("benchmark").string;
            JsonValue metric = r.map.get("primaryMetric");
            unit = metric.map.get("scoreUnit").string;
            scores.put(name.substring(name.lastIndexOf('.') + 1), new double[]{number(metric.map.get("score")),
                    number(metric.map.get("scoreError"))});
        }
        for (var e : scores.entrySet()) {
            System.out.printf("%-30s %10.2f ± %6.2f %s%n", e.getKey(), e.getValue()[0], e.getValue()[1], unit);
        }
        double[] base = scores.get("baselineVerifyAndTwoSigns");
        if (base != null) {
            System.out.println();
            for (String handler : new String[]{"handlerXkeyOn", "handlerXkeyOff"}) {
                if (scores.containsKey(handler)) {
                    System.out.printf("%s / (1 verify + 2 signs) = %.2f   (target for xkey on: <= 2.00)%n", handler,
                            scores.get(handler)[0] / base[0]);
                }
            }
        }
    }

    private static double number(JsonValue v) {
        if (v.d != null) {
            return v.d;
        }
        if (v.bd != null) {
            return v.bd.doubleValue();
        }
        if (v.l != null) {
            return v.l;
        }
        if (v.i != null) {
            return v.i;
        }
        return Double.parseDouble(v.string);
    }
}
