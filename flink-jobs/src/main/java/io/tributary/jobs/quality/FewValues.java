package io.tributary.jobs.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.table.functions.AggregateFunction;

/**
 * The distinct values of a column when there are at most {@code max} of them, as a JSON array
 * (sorted), else NULL: what a value set rule needs, gathered in the same scan as the rest of a
 * profile, in memory bounded by {@code max} values whatever the column holds.
 */
public final class FewValues extends AggregateFunction<String, FewValues.Seen> {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int max;

    public FewValues(int max) {
        this.max = max;
    }

    /** The values seen so far (value to 1), or {@code more} once there were too many. */
    public static final class Seen {
        public Map<String, Integer> values = new TreeMap<>();
        public boolean more;
    }

    @Override
    public Seen createAccumulator() {
        return new Seen();
    }

    public void accumulate(Seen seen, String value) {
        if (value == null || seen.more) {
            return;
        }
        seen.values.put(value, 1);
        if (seen.values.size() > max) {
            seen.more = true;
            seen.values.clear();
        }
    }

    public void merge(Seen seen, Iterable<Seen> others) {
        for (Seen o : others) {
            if (o.more) {
                seen.more = true;
                seen.values.clear();
            }
            for (String v : o.values.keySet()) {
                accumulate(seen, v);
            }
        }
    }

    @Override
    public String getValue(Seen seen) {
        if (seen.more) {
            return null;
        }
        try {
            return JSON.writeValueAsString(new TreeMap<>(seen.values).keySet());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
