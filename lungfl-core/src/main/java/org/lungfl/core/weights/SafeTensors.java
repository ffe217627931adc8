package org.lungfl.core.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lungfl.core.model.TensorSpec;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;

/**
 * The safetensors format (8-byte little-endian header length, JSON header, raw little-endian data),
 * read strictly and within bounds: a file from the network is hostile until proven otherwise.
 */
public final class SafeTensors {
    public static final String METADATA_KEY = "__metadata__";

    /** Upper bounds for one file; the server configures the body limit. */
    public record Limits(long maxBytes, int maxHeaderBytes, int maxTensors) {
        public static final Limits DEFAULT = new Limits(512L << 20, 1 << 20, 1024);
    }

    /** A decoded file: its tensors in data order and its string metadata. */
    public record Contents(Weights weights, Map<String, String> metadata) {}

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
                    .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // The header is one JSON object; only space padding may follow it ({"a":1}{"b":2} or a NUL is refused).
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private SafeTensors() {}

    public static Contents read(byte[] file) {
        return read(file, Limits.DEFAULT);
    }

    public static Contents read(byte[] file, Limits limits) {
        if (file.length > limits.maxBytes()) {
            throw new SafeTensorsException("file is " + file.length + " bytes, over the limit of " + limits.maxBytes());
        }
        if (file.length < 8) throw new SafeTensorsException("file is " + file.length + " bytes, too short for the 8-byte header length");
        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = buf.getLong(0);
        if (headerLen < 2 || headerLen > limits.maxHeaderBytes()) {
            throw new SafeTensorsException("header length " + Long.toUnsignedString(headerLen)
                    + " is outside [2, " + limits.maxHeaderBytes() + "]");
        }
        if (headerLen > file.length - 8L) {
            throw new SafeTensorsException("header length " + headerLen + " exceeds the " + (file.length - 8) + " bytes present");
        }
        int dataStart = 8 + (int) headerLen;
        Layout layout = layout(file, 8, (int) headerLen, file.length - (long) dataStart, limits);
        List<Entry> entries = layout.entries();
        Map<String, String> metadata = layout.metadata();

        List<Tensor> tensors = new ArrayList<>(entries.size());
        for (Entry e : entries) tensors.add(e.decode(buf, dataStart));
        return new Contents(new Weights(tensors), metadata);
    }

    /** A validated header: tensor entries in data order (offsets relative to the data start) and metadata. */
    record Layout(List<Entry> entries, Map<String, String> metadata) {}

    /**
     * Parses and checks the JSON header at {@code file[offset, offset + len)} against {@code dataLen}
     * bytes of tensor data: shared by the in-memory reader and {@link SafeTensorsFile}.
     */
    static Layout layout(byte[] file, int offset, int len, long dataLen, Limits limits) {
        ObjectNode header = parseHeader(file, offset, len);
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals(METADATA_KEY)) {
                readMetadata(f.getValue(), metadata);
            } else {
                if (entries.size() == limits.maxTensors()) {
                    throw new SafeTensorsException("more than " + limits.maxTensors() + " tensors");
                }
                entries.add(entry(f.getKey(), f.getValue()));
            }
        }

        // The format requires the data to be fully covered, without holes or overlaps.
        entries.sort(Comparator.comparingLong(Entry::begin));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin != expected) {
                throw new SafeTensorsException("tensor '" + e.name + "' starts at byte " + e.begin + ", expected " + expected
                        + " (tensor data must be contiguous, without holes or overlaps)");
            }
            if (e.end > dataLen) {
                throw new SafeTensorsException("tensor '" + e.name + "' ends at byte " + e.end + " but only " + dataLen
                        + " data bytes are present");
            }
            expected = e.end;
        }
        if (expected != dataLen) {
            throw new SafeTensorsException((dataLen - expected) + " bytes after the last tensor are not described by the header");
        }
        return new Layout(entries, metadata);
    }

    private static ObjectNode parseHeader(byte[] file, int offset, int len) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(file, offset, len))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsException("header is not valid UTF-8");
        }
        if (!text.startsWith("{")) throw new SafeTensorsException("header does not start with '{'");
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (IOException e) {
            // Jackson's message quotes the offending text, which came from the sender: give only where.
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                    ? " (at character " + j.getLocation().getCharOffset() + ")" : "";
            String what = e.getMessage() != null && e.getMessage().startsWith("Duplicate field") ? ": a key appears twice"
                    : e.getMessage() != null && e.getMessage().contains("Trailing token") ? ": content after the JSON object" : "";
            throw new SafeTensorsException("header is not valid JSON" + what + where);
        }
        if (!(node instanceof ObjectNode obj)) throw new SafeTensorsException("header is not a JSON object");
        return obj;
    }

    private static void readMetadata(JsonNode node, Map<String, String> into) {
        if (!node.isObject()) throw new SafeTensorsException("__metadata__ is not an object");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) {
                throw new SafeTensorsException("__metadata__ value '" + f.getKey() + "' is not a string");
            }
            into.put(f.getKey(), f.getValue().textValue());
        }
    }

    record Entry(String name, DType dtype, int[] shape, long begin, long end) {
        Tensor decode(ByteBuffer buf, int dataStart) {
            int n = Math.toIntExact(Tensor.elementCount(shape));
            ByteBuffer slice = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            slice.position(dataStart + (int) begin);
            return switch (dtype) {
                case F32 -> {
                    float[] v = new float[n];
                    slice.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                    yield Tensor.ofFloats(name, shape, v);
                }
                case I64 -> {
                    long[] v = new long[n];
                    slice.slice().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
                    yield Tensor.ofLongs(name, shape, v);
                }
            };
        }
    }

    private static Entry entry(String name, JsonNode node) {
        String where = "tensor '" + name + "'";
        if (name.isEmpty() || name.length() > 256) throw new SafeTensorsException("tensor name of length " + name.length() + " is not allowed");
        if (!node.isObject()) throw new SafeTensorsException(where + ": entry is not an object");
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("dtype") && !f.equals("shape") && !f.equals("data_offsets")) {
                throw new SafeTensorsException(where + ": unknown field '" + f + "'");
            }
        }
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) throw new SafeTensorsException(where + ": dtype missing or not a string");
        DType dtype = DType.of(dt.textValue()).orElseThrow(() -> new SafeTensorsException(
                where + ": dtype " + dt.textValue() + " is not supported (expected one of " + Arrays.toString(DType.values()) + ")"));
        JsonNode sh = node.get("shape");
        if (!(sh instanceof ArrayNode shapeArr) || shapeArr.size() > 8) {
            throw new SafeTensorsException(where + ": shape missing, not an array, or of rank over 8");
        }
        int[] shape = new int[shapeArr.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeArr.get(i);
            if (!d.canConvertToInt() || !d.isIntegralNumber() || d.intValue() < 0) {
                throw new SafeTensorsException(where + ": shape " + sh + " has an invalid dimension");
            }
            shape[i] = d.intValue();
        }
        JsonNode off = node.get("data_offsets");
        if (!(off instanceof ArrayNode offArr) || offArr.size() != 2 || !offArr.get(0).canConvertToLong()
                || !offArr.get(1).canConvertToLong() || !offArr.get(0).isIntegralNumber() || !offArr.get(1).isIntegralNumber()) {
            throw new SafeTensorsException(where + ": data_offsets must be [begin, end]");
        }
        long begin = offArr.get(0).longValue();
        long end = offArr.get(1).longValue();
        if (begin < 0 || end < begin) throw new SafeTensorsException(where + ": data_offsets " + off + " are invalid");
        long count;
        try {
            count = Tensor.elementCount(shape);
        } catch (ArithmeticException e) {
            throw new SafeTensorsException(where + ": shape " + sh + " is too large");
        }
        if (count > Integer.MAX_VALUE || count * dtype.bytes() != end - begin) {
            throw new SafeTensorsException(where + ": shape " + sh + " of " + dtype + " needs " + count * dtype.bytes()
                    + " bytes but data_offsets span " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** Encodes the tensors in their given order with string metadata (may be empty). */
    public static byte[] write(Weights weights, Map<String, String> metadata) {
        List<Tensor> tensors = weights.tensors();
        List<TensorSpec> layout = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) layout.add(new TensorSpec(t.name(), t.dtype(), t.shape()));
        byte[] head = header(layout, metadata);
        long total = head.length + dataBytes(layout);
        if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("weights too large for one array: " + total + " bytes");
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.put(head);
        for (Tensor t : tensors) {
            switch (t.dtype()) {
                case F32 -> out.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(t.floats());
                case I64 -> out.slice().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(t.longs());
            }
            out.position(out.position() + t.size() * t.dtype().bytes());
        }
        return out.array();
    }

    /**
     * The 8-byte length and the JSON header for tensors laid out in this order, padded with spaces
     * so the data starts 8-byte aligned, as the reference writer does. The data follows directly.
     */
    public static byte[] header(List<TensorSpec> layout, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (TensorSpec t : layout) {
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", t.dtype().name());
            ArrayNode shape = e.putArray("shape");
            for (int d : t.shape()) shape.add(d);
            long len = Tensor.elementCount(t.shape()) * t.dtype().bytes();
            e.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int headerLen = (json.length + 7) & ~7;
        ByteBuffer out = ByteBuffer.allocate(8 + headerLen).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(headerLen).put(json);
        while (out.hasRemaining()) out.put((byte) ' ');
        return out.array();
    }

    static long dataBytes(List<TensorSpec> layout) {
        long n = 0;
        for (TensorSpec t : layout) n += Tensor.elementCount(t.shape()) * t.dtype().bytes();
        return n;
    }
}
