package saml2nats.json;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonObjectTest {
    @Test
    void fieldsReadByTypeAndAWrongTypeReadsAsAbsent() throws Exception {
        JsonObject o = JsonObject.parse("{\"s\":\"x\",\"n\":12345678901,\"i\":7,\"f\":1.5,\"b\":true,\"z\":null,"
                + "\"a\":[\"p\",2,\"q\"],\"o\":{\"k\":\"v\"},\"os\":[{\"k\":1},3]}");
        assertEquals("x", o.text("s").orElseThrow());
        assertEquals(12345678901L, o.number("n").getAsLong());
        assertEquals(7, o.number("i").getAsLong());
        assertEquals(OptionalLong.empty(), o.number("f"), "a fraction is not a whole number");
        assertEquals(OptionalLong.empty(), o.number("s"));
        assertTrue(o.bool("b").orElseThrow());
        assertFalse(o.has("z"), "null is no value");
        assertTrue(o.text("n").isEmpty());
        assertEquals(List.of("p", "q"), o.texts("a"));
        assertEquals("v", o.object("o").orElseThrow().text("k").orElseThrow());
        assertEquals(1, o.objects("os").size());
        assertTrue(o.object("missing").isEmpty());
    }

    @Test
    void onlyAnObjectIsTakenAndTheMessageSaysWhy() {
        assertTrue(assertThrows(JsonException.class, () -> JsonObject.parse("[1]")).getMessage().contains("object"));
        assertTrue(assertThrows(JsonException.class, () -> JsonObject.parse("{\"a\":")).getMessage().contains("not JSON"));
        assertThrows(JsonException.class, () -> JsonObject.parse(""));
    }

    @Test
    void writtenTextReadsBackWhateverItHolds() throws Exception {
        String hostile = "quote \" backslash \\ newline \n ctl \u0001 é";
        String json = JsonBuilder.object().text("h", hostile).textIfAny("empty", "").text("kept", "")
                .number("n", -3).bool("b", false).texts("l", List.of("a", "b"))
                .object("o", JsonBuilder.object().text("k", "v")).toJson();
        assertEquals(-1, json.indexOf('\n'));
        JsonObject back = JsonObject.parse(json);
        assertEquals(hostile, back.text("h").orElseThrow());
        assertFalse(back.keys().contains("empty"));
        assertEquals("", back.text("kept").orElseThrow());
        assertEquals(-3, back.number("n").getAsLong());
        assertEquals(List.of("a", "b"), back.texts("l"));
        assertEquals("v", back.object("o").orElseThrow().text("k").orElseThrow());
    }

    @Test
    void anEditKeepsTheFieldsItDoesNotTouch() throws Exception {
        JsonObject o = JsonObject.parse("{\"theirs\":{\"x\":[1,2]},\"ours\":\"old\"}");
        JsonObject edited = JsonObject.parse(o.edit().text("ours", "new").toJson());
        assertEquals("new", edited.text("ours").orElseThrow());
        assertEquals("{\"x\":[1,2]}", edited.object("theirs").orElseThrow().toJson());
    }
}
