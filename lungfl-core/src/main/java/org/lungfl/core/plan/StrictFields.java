package org.lungfl.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads one JSON object of the plan field by field, with defaults for optional fields, and refuses
 * what the plan's strict Jackson reading refuses elsewhere: unknown fields, missing required
 * ones, wrong types. Every message names the field by its full path ({@code aggregation.krum.selected}).
 */
final class StrictFields {
    private final JsonNode node;
    private final String path;
    private final Set<String> read = new HashSet<>();

    private StrictFields(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    static StrictFields of(JsonNode node, String path) {
        if (node == null || !node.isObject()) throw new IllegalArgumentException("field '" + path + "' must be a JSON object");
        return new StrictFields(node, path);
    }

    String path(String field) {
        return path + "." + field;
    }

    private JsonNode get(String field) {
        read.add(field);
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private IllegalArgumentException wrongType(String field, String expected) {
        return new IllegalArgumentException("field '" + path(field) + "' has the wrong type (expected " + expected + ")");
    }

    private static IllegalArgumentException missing(String field) {
        return new IllegalArgumentException("field '" + field + "' is missing");
    }

    String text(String field, String dflt) {
        JsonNode v = get(field);
        if (v == null) {
            if (dflt == null) throw missing(path(field));
            return dflt;
        }
        if (!v.isTextual()) throw wrongType(field, "a string");
        return v.asText();
    }

    /** A number; {@code dflt} null makes it required. */
    double number(String field, Double dflt) {
        JsonNode v = get(field);
        if (v == null) {
            if (dflt == null) throw missing(path(field));
            return dflt;
        }
        if (!v.isNumber()) throw wrongType(field, "a number");
        return v.asDouble();
    }

    int integer(String field, int dflt) {
        JsonNode v = get(field);
        if (v == null) return dflt;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw wrongType(field, "an integer");
        return v.asInt();
    }

    boolean bool(String field, boolean dflt) {
        JsonNode v = get(field);
        if (v == null) return dflt;
        if (!v.isBoolean()) throw wrongType(field, "true or false");
        return v.asBoolean();
    }

    /** A nested object, or null when absent. */
    StrictFields object(String field) {
        JsonNode v = get(field);
        if (v == null) return null;
        if (!v.isObject()) throw wrongType(field, "a JSON object");
        return new StrictFields(v, path(field));
    }

    /** Call after reading every known field: anything else is a typo or a field of another version. */
    void noOthers() {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!read.contains(f)) throw new IllegalArgumentException("unknown field '" + path(f) + "'");
        }
    }
}
