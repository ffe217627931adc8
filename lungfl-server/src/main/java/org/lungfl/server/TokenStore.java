package org.lungfl.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.lungfl.core.UserFacingException;

/**
 * Bearer tokens in {@code tokens.json}: only SHA-256 hashes are stored (a token is 256 random bits,
 * so a fast hash is enough). The file is re-read when it changes, so {@code lungfl server token add}
 * and {@code revoke} take effect on a running server.
 */
public final class TokenStore {
    public static final String FILE = "tokens.json";
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One stored token: who it belongs to and whether it may use the admin endpoints. */
    public record Entry(@JsonProperty("name") String name, @JsonProperty("sha256") String sha256,
            @JsonProperty("admin") boolean admin, @JsonProperty("created_at") String createdAt) {}

    record File(@JsonProperty("tokens") List<Entry> tokens) {}

    /** Who a valid token belongs to. */
    public record Principal(String name, boolean admin) {}

    private final Path file;
    private volatile List<Entry> entries = List.of();
    private volatile FileTime loadedStamp;

    public TokenStore(Path dataDir) {
        this.file = dataDir.resolve(FILE);
        reloadIfChanged();
    }

    public List<Entry> list() {
        reloadIfChanged();
        return entries;
    }

    /** Creates a token for {@code name} and returns it: the only time it is ever visible. */
    public synchronized String add(String name, boolean admin) {
        if (!NAME.matcher(name).matches()) {
            throw new UserFacingException("token name '" + name + "': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        List<Entry> now = new ArrayList<>(list());
        if (now.stream().anyMatch(e -> e.name().equals(name))) {
            throw new UserFacingException("a token named '" + name + "' exists already; revoke it first to replace it");
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = "lfl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        now.add(new Entry(name, sha256(token), admin, Instant.now().toString()));
        save(now);
        return token;
    }

    /** Returns whether a token of that name existed. */
    public synchronized boolean revoke(String name) {
        List<Entry> now = new ArrayList<>(list());
        boolean removed = now.removeIf(e -> e.name().equals(name));
        if (removed) save(now);
        return removed;
    }

    public Optional<Principal> authenticate(String token) {
        if (token == null || token.isEmpty()) return Optional.empty();
        byte[] presented = sha256(token).getBytes(StandardCharsets.US_ASCII);
        Principal found = null;
        for (Entry e : list()) {
            // Compare every entry in constant time so timing says nothing about which one matched.
            if (MessageDigest.isEqual(presented, e.sha256().getBytes(StandardCharsets.US_ASCII))) found = new Principal(e.name(), e.admin());
        }
        return Optional.ofNullable(found);
    }

    private void save(List<Entry> list) {
        try {
            Files.createDirectories(file.getParent());
            DurableFiles.write(file, JSON.writeValueAsBytes(new File(list)));
            entries = List.copyOf(list);
            loadedStamp = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private void reloadIfChanged() {
        try {
            if (!Files.exists(file)) {
                entries = List.of();
                loadedStamp = null;
                return;
            }
            FileTime stamp = Files.getLastModifiedTime(file);
            if (stamp.equals(loadedStamp)) return;
            synchronized (this) {
                File f = JSON.readValue(file.toFile(), File.class);
                entries = f.tokens() == null ? List.of() : List.copyOf(f.tokens());
                loadedStamp = stamp;
            }
        } catch (IOException e) {
            throw new UserFacingException(file + ": unreadable token file: " + e.getMessage(), e);
        }
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
