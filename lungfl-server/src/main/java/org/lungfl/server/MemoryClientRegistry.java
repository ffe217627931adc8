package org.lungfl.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** Sightings in memory; durable because the audit log they are folded from is (see {@link AuditFeed}). */
final class MemoryClientRegistry implements ClientRegistry {
    private final ConcurrentHashMap<String, ClientSighting> byId = new ConcurrentHashMap<>();

    @Override
    public void update(String clientId, UnaryOperator<ClientSighting> change) {
        byId.compute(clientId, (id, old) -> change.apply(old == null ? ClientSighting.none(id) : old));
    }

    @Override
    public void updateIfKnown(String clientId, UnaryOperator<ClientSighting> change) {
        byId.computeIfPresent(clientId, (id, old) -> change.apply(old));
    }

    @Override
    public List<ClientSighting> all() {
        List<ClientSighting> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparing(ClientSighting::clientId));
        return all;
    }
}
