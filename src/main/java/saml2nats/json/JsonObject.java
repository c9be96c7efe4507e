package saml2nats.json;

import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A JSON object read by key, with types. The only place in saml2nats that knows which
 * parser reads JSON (jnats's, already on the class path): a change of parser stays here.
 * A value of the wrong type reads as absent, so callers decide what missing means.
 */
public final class JsonObject {
    private final Map<String, JsonValue> fields;

    private JsonObject(Map<String, JsonValue> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    /** Parses a JSON object; anything else (an array, a number, broken text) is refused. */
    public static JsonObject parse(String text) throws JsonException {
        JsonValue v;
        try {
            v = JsonParser.parse(text);
        } catch (JsonParseException | RuntimeException e) {
            throw new JsonException(JsonException.Problem.NOT_JSON, "not JSON (" + e.getMessage() + ")", e.getMessage());
        }
        if (v == null || v.type != JsonValue.Type.MAP || v.map == null) {
            throw new JsonException(JsonException.Problem.NOT_AN_OBJECT, "not a JSON object", "not a JSON object");
        }
        return new JsonObject(new LinkedHashMap<>(v.map));
    }

    public static JsonObject parse(byte[] utf8) throws JsonException {
        return parse(new String(utf8, StandardCharsets.UTF_8));
    }

    public boolean has(String key) {
        return fields.containsKey(key) && fields.get(key).type != JsonValue.Type.NULL;
    }

    /** What a field holds, for values whose type decides their meaning (a SCIM PATCH value). */
    public enum Kind { ABSENT, NULL, TEXT, NUMBER, BOOL, OBJECT, ARRAY }

    public Kind kind(String key) {
        JsonValue v = fields.get(key);
        if (v == null) {
            return Kind.ABSENT;
        }
        return switch (v.type) {
            case NULL -> Kind.NULL;
            case STRING -> Kind.TEXT;
            case BOOL -> Kind.BOOL;
            case MAP -> Kind.OBJECT;
            case ARRAY -> Kind.ARRAY;
            default -> Kind.NUMBER;
        };
    }

    public Set<String> keys() {
        return fields.keySet();
    }

    public Optional<String> text(String key) {
        JsonValue v = fields.get(key);
        return v != null && v.type == JsonValue.Type.STRING ? Optional.of(v.string) : Optional.empty();
    }

    /** A whole number; a fraction or a number beyond a long reads as absent. */
    public OptionalLong number(String key) {
        JsonValue v = fields.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        return switch (v.type) {
            case INTEGER -> OptionalLong.of(v.i);
            case LONG -> OptionalLong.of(v.l);
            case BIG_INTEGER -> fitsLong(v.bi) ? OptionalLong.of(v.bi.longValueExact()) : OptionalLong.empty();
            case BIG_DECIMAL -> whole(v.bd);
            default -> OptionalLong.empty();
        };
    }

    public Optional<Boolean> bool(String key) {
        JsonValue v = fields.get(key);
        return v != null && v.type == JsonValue.Type.BOOL ? Optional.of(v.bool) : Optional.empty();
    }

    public Optional<JsonObject> object(String key) {
        JsonValue v = fields.get(key);
        return v != null && v.type == JsonValue.Type.MAP && v.map != null
                ? Optional.of(new JsonObject(new LinkedHashMap<>(v.map))) : Optional.empty();
    }

    /** The strings of an array (other elements skipped); empty when absent or not an array. */
    public List<String> texts(String key) {
        JsonValue v = fields.get(key);
        if (v == null || v.type != JsonValue.Type.ARRAY || v.array == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonValue e : v.array) {
            if (e != null && e.type == JsonValue.Type.STRING) {
                out.add(e.string);
            }
        }
        return List.copyOf(out);
    }

    /** The objects of an array (other elements skipped). */
    public List<JsonObject> objects(String key) {
        JsonValue v = fields.get(key);
        if (v == null || v.type != JsonValue.Type.ARRAY || v.array == null) {
            return List.of();
        }
        List<JsonObject> out = new ArrayList<>();
        for (JsonValue e : v.array) {
            if (e != null && e.type == JsonValue.Type.MAP && e.map != null) {
                out.add(new JsonObject(new LinkedHashMap<>(e.map)));
            }
        }
        return List.copyOf(out);
    }

    /** A builder holding every field of this object, to change some and keep the rest (files others edit too). */
    public JsonBuilder edit() {
        return new JsonBuilder(new LinkedHashMap<>(fields));
    }

    public String toJson() {
        return new JsonValue(new LinkedHashMap<>(fields)).toJson();
    }

    @Override
    public String toString() {
        return toJson();
    }

    private static boolean fitsLong(BigInteger b) {
        return b.bitLength() < 64;
    }

    private static OptionalLong whole(BigDecimal d) {
        try {
            return OptionalLong.of(d.longValueExact());
        } catch (ArithmeticException e) {
            return OptionalLong.empty();
        }
    }
}
