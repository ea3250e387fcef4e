package io.tributary.catalog.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** The stored JSON form of a {@link JobRun}, one document per run. */
final class JobRunJson {

    private JobRunJson() {}

    static ObjectNode of(JobRun r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", r.id());
        o.put("pipeline", r.pipeline());
        o.put("file", r.file());
        o.put("flink-job-id", r.flinkJobId());
        o.put("target", r.target());
        o.put("state", r.state().name());
        o.put("started", time(r.started()));
        o.put("ended", time(r.ended()));
        o.put("attempts", r.attempts());
        o.put("last-checkpoint-id", r.lastCheckpointId());
        o.put("last-checkpoint", r.lastCheckpoint());
        o.put("last-checkpoint-time", time(r.lastCheckpointTime()));
        o.put("savepoint", r.savepoint());
        o.put("resumed-from", r.resumedFrom());
        o.put("error", r.error());
        o.put("definition-version", r.definitionVersion());
        return o;
    }

    static JobRun from(JsonNode o) {
        return new JobRun(
                text(o, "id"),
                text(o, "pipeline"),
                text(o, "file"),
                text(o, "flink-job-id"),
                text(o, "target"),
                JobRun.State.valueOf(o.path("state").asText("FAILED")),
                instant(o, "started"),
                instant(o, "ended"),
                o.path("attempts").asInt(0),
                o.path("last-checkpoint-id").asLong(0),
                text(o, "last-checkpoint"),
                instant(o, "last-checkpoint-time"),
                text(o, "savepoint"),
                text(o, "resumed-from"),
                text(o, "error"),
                o.path("definition-version").asInt(0));
    }

    private static String time(Instant i) {
        return i == null ? null : i.toString();
    }

    private static String text(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode o, String key) {
        String t = text(o, key);
        return t == null ? null : Instant.parse(t);
    }
}
