package saml2nats.json;

import io.nats.client.support.JsonValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one JSON object, field by field, in the order given. Strings are escaped by the
 * writer, never by hand. {@link #text} skips a null value, {@link #textIfAny} an empty one
 * too, as NATS JWT claims leave out empty fields.
 */
public final class JsonBuilder {
    private final Map<String, JsonValue> fields;

    JsonBuilder(Map<String, JsonValue> fields) {
        this.fields = fields;
    }

    public static JsonBuilder object() {
        return new JsonBuilder(new LinkedHashMap<>());
    }

    /** The field, even when empty; nothing when null. */
    public JsonBuilder text(String key, String value) {
        if (value != null) {
            fields.put(key, new JsonValue(value));
        }
        return this;
    }

    /** The field only when it has a character. */
    public JsonBuilder textIfAny(String key, String value) {
        return value == null || value.isEmpty() ? this : text(key, value);
    }

    public JsonBuilder number(String key, long value) {
        fields.put(key, new JsonValue(value));
        return this;
    }

    public JsonBuilder bool(String key, boolean value) {
        fields.put(key, new JsonValue(value));
        return this;
    }

    /** An array of strings, written even when empty. */
    public JsonBuilder texts(String key, Collection<String> values) {
        List<JsonValue> array = new ArrayList<>();
        values.forEach(v -> array.add(new JsonValue(v)));
        fields.put(key, new JsonValue(array));
        return this;
    }

    public JsonBuilder object(String key, JsonBuilder value) {
        fields.put(key, new JsonValue(new LinkedHashMap<>(value.fields)));
        return this;
    }

    public JsonBuilder object(String key, JsonObject value) {
        return object(key, value.edit());
    }

    /** An array of objects, written even when empty. */
    public JsonBuilder objects(String key, Collection<JsonBuilder> values) {
        List<JsonValue> array = new ArrayList<>();
        values.forEach(v -> array.add(new JsonValue(new LinkedHashMap<>(v.fields))));
        fields.put(key, new JsonValue(array));
        return this;
    }

    /**
     * A value another writer made, kept as it wrote it (jnats's user claim inside a JWT):
     * its text is signed, so it must not be parsed and written again in another order.
     */
    public JsonBuilder raw(String key, String json) {
        fields.put(key, new Raw(json));
        return this;
    }

    /** A value whose JSON text is already written. */
    private static final class Raw extends JsonValue {
        private final String json;

        Raw(String json) {
            this.json = json;
        }

        @Override
        public String toJson() {
            return json;
        }
    }

    public JsonBuilder remove(String key) {
        fields.remove(key);
        return this;
    }

    public String toJson() {
        return new JsonValue(new LinkedHashMap<>(fields)).toJson();
    }

    @Override
    public String toString() {
        return toJson();
    }
}
