package saml2nats.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one command of {@code saml2nats} takes, read from the synopsis its {@code --help}
 * prints, so the usage text and the parser cannot disagree. In a synopsis
 * {@code --name WORD} is an option with a value, {@code --name} followed by another
 * option, {@code |} or the end of its brackets is a flag, any other word is a bare
 * argument; what is outside brackets is required. Anything else on the command line
 * is refused, naming what the command does take: a typo such as {@code --confg} would
 * otherwise be ignored and the command would run with a default the person did not mean.
 *
 * @param command     the words that name it ({@code login}, {@code keys init})
 * @param synopsis    what follows the command words in its usage
 * @param description what it does, for the usage
 * @param options     every option in synopsis order, with its value's name; flags map to ""
 * @param required    the options that must be given
 * @param bare        the bare arguments' names in order, and whether each is required
 */
public record Syntax(String command, String synopsis, String description, Map<String, String> options,
                     Set<String> required, Map<String, Boolean> bare) {
    public static final List<String> HELP = List.of("--help", "-h");

    public Syntax {
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        required = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(required));
        bare = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bare));
    }

    public static Syntax of(String command, String synopsis, String description) {
        Map<String, String> options = new LinkedHashMap<>();
        Set<String> required = new LinkedHashSet<>();
        Map<String, Boolean> bare = new LinkedHashMap<>();
        String[] words = synopsis.trim().split("\\s+");
        int depth = 0;
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            int at = depth + count(w, '[');
            depth = at - count(w, ']');
            String name = w.replaceAll("[\\[\\]]", "");
            if (name.isEmpty() || name.equals("|")) {
                continue;
            }
            if (!name.startsWith("--")) {
                bare.put(name, at == 0);
                continue;
            }
            // a value follows unless this word closed its brackets or the next is an option or an alternative
            boolean valued = depth == at && i + 1 < words.length && !words[i + 1].replace("[", "").startsWith("-")
                    && !words[i + 1].equals("|");
            options.put(name, valued ? words[++i].replaceAll("[\\[\\]]", "") : "");
            if (valued) {
                depth -= count(words[i], ']') - count(words[i], '[');
            }
            if (at == 0) {
                required.add(name);
            }
        }
        return new Syntax(command, synopsis, description, options, required, bare);
    }

    /** What a command line came to: the arguments, a request for help, or what is wrong with it. */
    public sealed interface Parsed permits Args, Help, Wrong { }

    /** A command's arguments as given. */
    public record Args(Map<String, String> values, Set<String> flags, Map<String, String> bare) implements Parsed {
        public Args {
            values = Map.copyOf(values);
            flags = Set.copyOf(flags);
            bare = Map.copyOf(bare);
        }

        public Optional<String> value(String option) {
            return Optional.ofNullable(values.get(option));
        }

        public String value(String option, String otherwise) {
            return values.getOrDefault(option, otherwise);
        }

        public boolean flag(String option) {
            return flags.contains(option);
        }

        public Optional<String> bare(String name) {
            return Optional.ofNullable(bare.get(name));
        }
    }

    /** {@code --help} or {@code -h} was among the options. */
    public record Help() implements Parsed { }

    /** The command line does not fit the syntax; {@code problem} says how. */
    public record Wrong(String problem) implements Parsed { }

    public Parsed parse(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> flags = new LinkedHashSet<>();
        List<String> given = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (HELP.contains(a)) {
                return new Help();
            }
            if (!a.startsWith("-") || a.equals("-")) {
                given.add(a);
                continue;
            }
            int eq = a.startsWith("--") ? a.indexOf('=') : -1;
            String name = eq < 0 ? a : a.substring(0, eq);
            String metavar = options.get(name);
            if (metavar == null) {
                return new Wrong("unknown option '" + name + "' for " + command + "; known: "
                        + (options.isEmpty() ? "none" : String.join(", ", options.keySet())));
            }
            if (values.containsKey(name) || flags.contains(name)) {
                return new Wrong(name + " is given twice");
            }
            if (metavar.isEmpty()) {
                if (eq >= 0) {
                    return new Wrong(name + " takes no value");
                }
                flags.add(name);
            } else if (eq >= 0) {
                values.put(name, a.substring(eq + 1));
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                values.put(name, args.get(++i));
            } else {
                // "--url --device" must not take "--device" as the address, nor "--url" at the end be dropped
                return new Wrong(name + " needs a value (" + metavar + ")");
            }
        }
        if (given.size() > bare.size()) {
            String extra = given.get(bare.size());
            return new Wrong("unexpected argument '" + extra + "' for " + command + "; it takes "
                    + (bare.isEmpty() ? "none" : String.join(" ", bare.keySet())));
        }
        Map<String, String> named = new LinkedHashMap<>();
        List<String> names = List.copyOf(bare.keySet());
        for (int i = 0; i < names.size(); i++) {
            if (i < given.size()) {
                named.put(names.get(i), given.get(i));
            } else if (bare.get(names.get(i))) {
                return new Wrong(command + " needs " + names.get(i));
            }
        }
        for (String r : required) {
            if (!values.containsKey(r) && !flags.contains(r)) {
                return new Wrong(command + " needs " + r + (options.get(r).isEmpty() ? "" : " " + options.get(r)));
            }
        }
        return new Args(values, flags, named);
    }

    /** What {@code COMMAND --help} prints. */
    public String usage() {
        return "usage: saml2nats " + command + " " + synopsis + "\n\n" + description.strip().indent(2);
    }

    /** This command's entry in the usage of all commands. */
    public String entry() {
        return "  " + command + " " + synopsis + "\n" + description.strip().indent(6);
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }
}
