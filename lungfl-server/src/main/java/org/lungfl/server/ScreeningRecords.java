package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link UpdateScreening} remembers, kept by the federation's store: the delta norms of the
 * updates that passed (each with the global version it was screened at) and the quarantined
 * updates, each with its {@code screened} audit event. Every decision is audited here too.
 */
interface ScreeningRecords {
    /** The norms of the updates that passed while the global version was above {@code afterGlobalVersion}. */
    List<Double> passedNorms(long afterGlobalVersion) throws IOException;

    /** Records (and audits) an update that passed. */
    void passed(ObjectNode event, long globalVersion, double norm) throws IOException;

    /** Audits an update refused by the screening. */
    void rejected(ObjectNode event) throws IOException;

    /** The {@code screened} event of a quarantined update, or null. */
    JsonNode quarantined(String clientId, String updateId) throws IOException;

    /** Keeps the update's bytes aside, never aggregated, and audits it durably. */
    void quarantine(ObjectNode event, UpdateValidator.Update u, Path body) throws IOException;

    /** Every quarantined update's event, oldest first. */
    List<JsonNode> quarantinedAll() throws IOException;
}
