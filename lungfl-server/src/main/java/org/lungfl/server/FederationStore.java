package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.function.Consumer;
import org.lungfl.core.aggregation.ServerState;
import org.lungfl.core.model.TensorSpec;
import org.lungfl.core.weights.SafeTensorsFile;

/**
 * Everything a federation keeps, behind one port: the global versions and their hash chain, the
 * queue with its one slot per client, every update id ever accepted, the audit log, the tokens, the
 * client sightings, the screening records, the validation metrics per version and the server
 * optimiser's state. {@link AggregationService} decides what happens; a store keeps it, and makes
 * each step below atomic and durable before it returns. Two stores: {@link FileStore} (a data
 * directory, one server; the default) and {@code PostgresStore} (one database, any number of
 * server replicas).
 *
 * <p>The steps, each all or nothing: an accepted upload is queued together with its audit events
 * (and the removal of the client's older queued update); a round's new version is committed together
 * with its audit event, its validation line, its optimiser state and the removal of the updates it
 * counted. A store shared by several servers also makes sure that exactly one round runs at a time
 * and that a retry on any server is a duplicate.
 */
interface FederationStore extends Closeable {

    /** The newest version's bytes, served to every client. */
    record Latest(long version, byte[] bytes, String etag) {}

    // ---- versions ----

    long latestVersion() throws IOException;

    Latest latest() throws IOException;

    /** The versions whose bytes are kept, ascending. */
    NavigableSet<Long> kept() throws IOException;

    default boolean isKept(long version) throws IOException {
        return kept().contains(version);
    }

    /** The SHA-256 of a kept version's bytes, or null when it is not kept. */
    String hash(long version) throws IOException;

    /** A kept version's safetensors metadata. */
    Map<String, String> metadata(long version) throws IOException;

    Optional<byte[]> bytes(long version) throws IOException;

    /** A kept version, read a slice at a time. */
    SafeTensorsFile openVersion(long version) throws IOException;

    // ---- the queue ----

    int queueSize() throws IOException;

    /** The waiting updates, oldest first (not those a running round has taken). */
    List<QueuedUpdate> queued() throws IOException;

    /** The SHA-256 of an update id accepted before ("" when not known), or null when it never was. */
    String acceptedHash(String clientId, String updateId) throws IOException;

    /** A validated upload, streamed to a local temporary by the HTTP layer, to be queued. */
    record Candidate(UpdateValidator.Update update, IncomingUpload.Received staged, String address) {}

    /** Builds the audit events of a queued update (and of the older one it replaced, or null). */
    interface QueueEvents {
        List<ObjectNode> of(QueuedUpdate queued, QueuedUpdate replaced);
    }

    /** What became of a candidate. */
    sealed interface Enqueued {
        /** Accepted before (perhaps on another server): its hash, "" when not known. */
        record Duplicate(String knownSha256) implements Enqueued {}

        /** The base version is ahead of the global version. */
        record BaseAhead(long latest) implements Enqueued {}

        /** The base version is no longer kept. */
        record BaseGone(long oldestKept, long latest) implements Enqueued {}

        /** Queued durably; {@code queueSize} waiting updates now. */
        record Queued(QueuedUpdate update, QueuedUpdate replaced, int queueSize) implements Enqueued {}
    }

    /** Queues a candidate with its audit events (the base version is checked in the same step), or says why not. */
    Enqueued enqueue(Candidate c, QueueEvents events) throws IOException;

    /** Where the HTTP layer streams upload bodies before they are validated and queued. */
    Path incomingDir();

    /** Writes bytes (an update copied from the peer server) as a staged upload, ready for {@link #enqueue}. */
    IncomingUpload.Received stage(byte[] body) throws IOException;

    Optional<byte[]> queuedBytes(long seq) throws IOException;

    /** Builds the audit event of a clear from the updates it discards. */
    interface ClearEvent {
        ObjectNode of(List<QueuedUpdate> discarded);
    }

    /** Discards every waiting update, audited; returns how many. */
    int clear(ClearEvent event) throws IOException;

    /** Drops one waiting update (a mirrored copy the primary no longer queues), audited; false when it is not waiting. */
    boolean drop(QueuedUpdate u, ObjectNode event) throws IOException;

    // ---- rounds ----

    /**
     * Takes the oldest {@code max} waiting updates for one round, or returns null when fewer than
     * {@code min} wait. Rounds are serialised: a shared store waits here while another server runs
     * one. The round ends with {@link Round#commit} or, on {@link Round#close} without it, gives its
     * updates back untouched.
     */
    Round beginRound(int max, int min) throws IOException;

    /** One aggregation in progress. */
    interface Round extends AutoCloseable {
        /** The global version this round builds on. */
        long current();

        List<QueuedUpdate> batch();

        /** A queued update of this round, read a slice at a time. */
        SafeTensorsFile openUpdate(QueuedUpdate u) throws IOException;

        /** A kept version, as this round sees it. */
        SafeTensorsFile openVersion(long version) throws IOException;

        /** Where the new version's bytes are written, in order. */
        WritableByteChannel output() throws IOException;

        /**
         * Publishes version {@code current() + 1} from the bytes written to {@link #output()}, with its
         * audit event and validation line, removes the batch from the queue and keeps the newest
         * {@code retention} versions plus every base a waiting update needs.
         */
        void commit(ObjectNode event, ObjectNode validation, int retention) throws IOException;

        /** Without a commit: the batch goes back to the queue (a newer upload of a client keeps the slot). */
        @Override
        void close() throws IOException;
    }

    /**
     * The optimiser state of a server optimiser (FedAdam's moments), kept with the versions: what a
     * round writes is committed with its version. {@code layout} is the tensors the strategy aggregates.
     */
    ServerState optimizerState(List<TensorSpec> layout);

    /**
     * Appends a version the peer server made (its hash and parent were checked), with its audit
     * event; the updates it counted leave the queue. Only the file store mirrors a peer.
     */
    void adopt(long version, byte[] bytes, ObjectNode event, int retention) throws IOException;

    /** The audit events ({@code aggregated}, {@code synced}) of the newest {@code n} versions, oldest first. */
    List<JsonNode> recentRounds(int n) throws IOException;

    /** The newest {@code refused} event after the newest version, or null. */
    JsonNode refusal() throws IOException;

    /** Versions among the newest 1000 made without differential privacy (for the privacy account). */
    long roundsWithoutDp() throws IOException;

    // ---- audit, dashboard, tokens ----

    /** Appends one audit event; {@code durable} ones are on disk before this returns. */
    void audit(ObjectNode event, boolean durable);

    /** Every audit event, oldest first. */
    void scanAudit(Consumer<JsonNode> each) throws IOException;

    /** Up to {@code limit} audit events after {@code afterId}, oldest first; the newest {@code limit} when afterId is negative. */
    List<AuditTail.Entry> events(long afterId, int limit) throws IOException, InterruptedException;

    /** The id of the newest audit event, -1 when there is none. */
    long lastEventId() throws IOException, InterruptedException;

    /** Every client seen, from the audit events that name one. */
    ClientRegistry clients() throws IOException, InterruptedException;

    /** A request (download, plan) from a client that has uploaded before: it is alive. */
    void requested(String clientId, String address, java.time.Instant at);

    Tokens tokens();

    // ---- screening and validation ----

    ScreeningRecords screening();

    /** The validation line of a version (see {@link ValidationHistory}), or null. */
    ObjectNode validation(long version) throws IOException;

    /** The validation lines of versions up to {@code version}, newest first, at most {@code n}. */
    List<ObjectNode> validationUpTo(long version, int n) throws IOException;

    /** Files moved aside at start because they could not be used (file store). */
    List<Quarantine.Entry> quarantined();

    /**
     * Whether other servers may share this store: then a round can also be left to do by a server
     * that died in it, and every server looks for a full queue now and then.
     */
    default boolean shared() {
        return false;
    }

    /** One line for the start-up log: where the state lives. */
    String describe();
}
