package org.lungfl.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.lungfl.core.UserFacingException;
import org.slf4j.LoggerFactory;

/**
 * Bearer tokens of a data dir in {@code tokens.json}: only SHA-256 hashes are stored. The file is re-read when it changes, so {@code lungfl server token add}
 * and {@code revoke} take effect on a running server. Changes hold an inter-process lock on
 * {@code tokens.json.lock}, so any number of them may run at once without losing one.
 */
public final class TokenStore implements Tokens {
    public static final String FILE = "tokens.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    record File(@JsonProperty("tokens") List<Entry> tokens) {}

    private final Path file;
    private final Path lockFile;
    private volatile List<Entry> entries = List.of();
    private volatile Object loadedStamp;
    private volatile String problem;

    public TokenStore(Path dataDir) {
        this.file = dataDir.resolve(FILE);
        this.lockFile = dataDir.resolve(FILE + ".lock");
        reloadIfChanged();
    }

    /** The stored tokens; a token file that cannot be read is an error here (the CLI reports it). */
    @Override
    public List<Entry> list() {
        reloadIfChanged();
        if (problem != null) throw new UserFacingException(problem);
        return entries;
    }

    /** Deletes temporaries a killed writer left in the data dir, under the lock writers of the token file hold. */
    static void removeTemps(Path dataDir) throws IOException {
        try (DataDir.Lock l = DataDir.Lock.acquire(dataDir.resolve(FILE + ".lock"))) {
            DurableFiles.removeTemps(dataDir);
        }
    }

    /** Why the token file could not be read (every token is refused meanwhile), or null. */
    @Override
    public String problem() {
        reloadIfChanged();
        return problem;
    }

    /** Creates a token for {@code name} and returns it: the only time it is ever visible. */
    @Override
    public String add(String name, boolean admin) {
        Tokens.checkName(name);
        String token = Tokens.generate();
        update(now -> {
            if (now.stream().anyMatch(e -> e.name().equals(name))) {
                throw new UserFacingException("a token named '" + name + "' exists already; revoke it first to replace it");
            }
            now.add(new Entry(name, Tokens.sha256(token), admin, Instant.now().toString()));
            return true;
        });
        return token;
    }

    /** Returns whether a token of that name existed. */
    @Override
    public boolean revoke(String name) {
        return update(now -> now.removeIf(e -> e.name().equals(name)));
    }

    @Override
    public Optional<Principal> authenticate(String token) {
        if (token == null || token.isEmpty()) return Optional.empty();
        reloadIfChanged();
        return Tokens.match(entries, token);
    }

    /**
     * One read-modify-write of the token file under an exclusive lock that other processes honour
     * ({@code token add} and {@code revoke} run as separate processes beside the server): the file is
     * read afresh inside the lock and replaced atomically, so concurrent changes never undo each other.
     */
    private synchronized boolean update(java.util.function.Predicate<List<Entry>> change) {
        try {
            DataDir.create(file.getParent());
            try (DataDir.Lock l = DataDir.Lock.acquire(lockFile)) {
                List<Entry> now = new ArrayList<>(read());
                if (!change.test(now)) return false;
                DurableFiles.write(file, JSON.writeValueAsBytes(new File(now)));
                entries = List.copyOf(now);
                loadedStamp = stamp();
                problem = null;
                return true;
            }
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot update: " + e.getMessage(), e);
        }
    }

    private List<Entry> read() {
        if (!Files.exists(file)) return List.of();
        try {
            File f = JSON.readValue(file.toFile(), File.class);
            return f == null || f.tokens() == null ? List.of() : f.tokens();
        } catch (IOException e) {
            throw new UserFacingException(file + ": unreadable token file (" + e.getClass().getSimpleName()
                    + "); fix it or move it away and add the tokens again");
        }
    }

    /**
     * What identifies one version of the file: a write replaces it by rename, so the inode changes
     * even when two writes fall within one tick of the file system's coarse modification time.
     */
    private Object stamp() throws IOException {
        var a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
        return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime(), a.size());
    }

    /** Re-reads a changed file; an unreadable one refuses every token (fails closed) and says why. */
    private void reloadIfChanged() {
        try {
            if (!Files.exists(file)) {
                entries = List.of();
                loadedStamp = null;
                problem = null;
                return;
            }
            Object stamp = stamp();
            if (stamp.equals(loadedStamp)) return;
            synchronized (this) {
                try {
                    entries = List.copyOf(read());
                    problem = null;
                } catch (UserFacingException e) {
                    entries = List.of();
                    if (!e.getMessage().equals(problem)) LoggerFactory.getLogger(TokenStore.class).error("{}; every token is refused until then", e.getMessage());
                    problem = e.getMessage();
                }
                loadedStamp = stamp;
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            entries = List.of();
            loadedStamp = null;
        } catch (IOException e) {
            entries = List.of();
            problem = file + ": cannot read: " + e.getMessage();
        }
    }
}
