package saml2nats.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A YAML mapping that remembers line numbers, so that files people edit by hand
 * (the service config, the role mapping) can be rejected with "file:line: reason".
 * Every problem is collected, not thrown, so one run reports them all.
 */
public final class YamlMap {

    /** What went wrong in the file's shape; loaders turn these into their own error codes. */
    public enum Kind { SYNTAX, UNKNOWN_KEY, WRONG_TYPE, MISSING_KEY }

    public record Problem(int line, Kind kind, String message) { }

    /** A scalar value and the line it stands on. */
    public record Scalar(String value, int line) { }

    private static final int MAX_ALIASES = 20;
    private static final int MAX_CODE_POINTS = 4 * 1024 * 1024;

    private final MappingNode node;
    private final String path;
    private final List<Problem> problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    private YamlMap(MappingNode node, String path, List<Problem> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        for (NodeTuple tuple : node.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key) {
                NodeTuple first = entries.putIfAbsent(key.getValue(), tuple);
                if (first != null) {
                    // SnakeYAML's composer keeps both; the later would silently win
                    problems.add(new Problem(line(key), Kind.SYNTAX, "not valid YAML: duplicate key '" + path + key.getValue()
                            + "' (first at line " + line(first.getKeyNode()) + ")"));
                }
            } else {
                problems.add(new Problem(line(tuple.getKeyNode()), Kind.WRONG_TYPE, "keys must be plain words"));
            }
        }
    }

    /** Parses a document whose top is a mapping; an empty map when the text is not YAML (with a problem recorded). */
    public static YamlMap parse(String text, List<Problem> problems) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        try {
            Node root = yaml.compose(new StringReader(text));
            if (root == null) {
                problems.add(new Problem(1, Kind.SYNTAX, "the file is empty"));
            } else if (root instanceof MappingNode mapping) {
                return new YamlMap(mapping, "", problems);
            } else {
                problems.add(new Problem(line(root), Kind.WRONG_TYPE, "the file must be a mapping of keys to values"));
            }
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            problems.add(new Problem(line, Kind.SYNTAX, "not valid YAML: " + e.getProblem()));
        } catch (YAMLException e) {
            problems.add(new Problem(1, Kind.SYNTAX, "not valid YAML: " + e.getMessage()));
        }
        return new YamlMap(new MappingNode(org.yaml.snakeyaml.nodes.Tag.MAP, List.of(), org.yaml.snakeyaml.DumperOptions.FlowStyle.AUTO), "", problems);
    }

    public int line() {
        return line(node);
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public boolean isMap(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple != null && tuple.getValueNode() instanceof MappingNode;
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    /** Reports each key not in {@code allowed}, naming the ones that are. */
    public void allowOnly(Set<String> allowed) {
        for (var e : entries.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                problems.add(new Problem(line(e.getValue().getKeyNode()), Kind.UNKNOWN_KEY,
                        qualified(e.getKey()) + ": unknown key; known: " + String.join(", ", new java.util.TreeSet<>(allowed))));
            }
        }
    }

    public Optional<Scalar> scalar(String key) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            return Optional.empty();
        }
        Node value = tuple.getValueNode();
        if (value instanceof ScalarNode s) {
            return Optional.of(new Scalar(s.getValue(), line(s)));
        }
        problems.add(new Problem(line(value), Kind.WRONG_TYPE, "'" + qualified(key) + "' must be a single value"));
        return Optional.empty();
    }

    public Optional<String> string(String key) {
        return scalar(key).map(Scalar::value);
    }

    public Scalar required(String key) {
        Optional<Scalar> value = scalar(key);
        if (value.isEmpty() && !has(key)) {
            problems.add(new Problem(line(), Kind.MISSING_KEY, "'" + qualified(key) + "' is required here"));
        }
        return value.orElse(new Scalar("", line()));
    }

    public Optional<YamlMap> map(String key) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            return Optional.empty();
        }
        if (tuple.getValueNode() instanceof MappingNode m) {
            return Optional.of(new YamlMap(m, qualified(key) + ".", problems));
        }
        problems.add(new Problem(line(tuple.getValueNode()), Kind.WRONG_TYPE, "'" + qualified(key) + "' must be a mapping (key: value)"));
        return Optional.empty();
    }

    /** A list of scalars; a single scalar is taken as a list of one. */
    public List<Scalar> scalars(String key) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            return List.of();
        }
        Node value = tuple.getValueNode();
        if (value instanceof ScalarNode s) {
            return List.of(new Scalar(s.getValue(), line(s)));
        }
        List<Scalar> out = new ArrayList<>();
        if (value instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                if (item instanceof ScalarNode s) {
                    out.add(new Scalar(s.getValue(), line(s)));
                } else {
                    problems.add(new Problem(line(item), Kind.WRONG_TYPE, "items of '" + qualified(key) + "' must be single values"));
                }
            }
            return out;
        }
        problems.add(new Problem(line(value), Kind.WRONG_TYPE, "'" + qualified(key) + "' must be a list"));
        return out;
    }

    public List<YamlMap> maps(String key) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            return List.of();
        }
        List<YamlMap> out = new ArrayList<>();
        if (tuple.getValueNode() instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                if (item instanceof MappingNode m) {
                    out.add(new YamlMap(m, qualified(key) + "[].", problems));
                } else {
                    problems.add(new Problem(line(item), Kind.WRONG_TYPE, "items of '" + qualified(key) + "' must be mappings (key: value)"));
                }
            }
        } else {
            problems.add(new Problem(line(tuple.getValueNode()), Kind.WRONG_TYPE, "'" + qualified(key) + "' must be a list of mappings"));
        }
        return out;
    }

    /** Records a problem found by the caller in a value of this map. */
    public void problem(int line, Kind kind, String message) {
        problems.add(new Problem(line, kind, message));
    }

    public String qualified(String key) {
        return path + key;
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
    }
}
