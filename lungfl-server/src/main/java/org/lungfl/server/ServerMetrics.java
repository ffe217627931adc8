package org.lungfl.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters for {@code GET /metrics}, rendered in the Prometheus text exposition format. */
final class ServerMetrics {
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> uploads = new ConcurrentHashMap<>();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();

    void request(int status, long in, long out) {
        requests.computeIfAbsent(Integer.toString(status), k -> new LongAdder()).increment();
        bytesIn.add(in);
        bytesOut.add(out);
    }

    void upload(String result) {
        uploads.computeIfAbsent(result, k -> new LongAdder()).increment();
    }

    String render(AggregationService.Snapshot s, int connectedClients, AggregationService.Round last, long modelBytes) {
        StringBuilder b = new StringBuilder(1024);
        gauge(b, "lungfl_queue_size", "Updates waiting for aggregation.", s.queueSize());
        gauge(b, "lungfl_queue_capacity", "Updates per aggregation (K).", s.capacity());
        gauge(b, "lungfl_global_version", "Latest global model version.", s.globalVersion());
        gauge(b, "lungfl_connected_clients", "Clients seen in the last 10 minutes.", connectedClients);
        gauge(b, "lungfl_model_bytes", "Size of the global model file.", modelBytes);
        counter(b, "lungfl_rounds_completed_total", "Aggregations since version 0.", s.roundsCompleted());
        if (last != null) {
            gauge(b, "lungfl_last_aggregation_seconds", "Duration of the last aggregation.", last.millis() / 1000.0);
            gauge(b, "lungfl_last_aggregation_allocated_bytes", "Heap allocated by the last aggregation (0 when recovered).",
                    last.allocatedBytes());
            gauge(b, "lungfl_last_aggregation_timestamp_seconds", "When the last aggregation finished.", last.at().toEpochMilli() / 1000.0);
        }
        labelled(b, "lungfl_http_requests_total", "HTTP requests by status.", "status", requests);
        labelled(b, "lungfl_uploads_total", "Uploads by outcome.", "result", uploads);
        counter(b, "lungfl_http_received_bytes_total", "Request body bytes.", bytesIn.sum());
        counter(b, "lungfl_http_sent_bytes_total", "Response body bytes.", bytesOut.sum());
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, double v) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n");
        b.append(name).append(' ').append(format(v)).append('\n');
    }

    private static void counter(StringBuilder b, String name, String help, double v) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n");
        b.append(name).append(' ').append(format(v)).append('\n');
    }

    private static void labelled(StringBuilder b, String name, String help, String label, Map<String, LongAdder> values) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n");
        new java.util.TreeMap<>(values).forEach((k, v) -> b.append(name).append('{').append(label).append("=\"").append(k)
                .append("\"} ").append(v.sum()).append('\n'));
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
