package io.tributary.connectors.cdc;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import io.debezium.connector.mysql.RowDeserializers;
import java.util.HashMap;
import java.util.Map;

/** How Tributary's binlog reader decodes the binlog client's events: as Debezium's reader does. */
final class BinlogEvents {

    private BinlogEvents() {}

    /** The row deserializers Debezium's reader uses, so the values are Debezium's. */
    static EventDeserializer debeziumRows() {
        Map<Long, TableMapEventData> tableMaps = new HashMap<>();
        EventDeserializer d =
                new EventDeserializer() {
                    @Override
                    public Event nextEvent(
                            com.github.shyiko.mysql.binlog.io.ByteArrayInputStream in)
                            throws java.io.IOException {
                        Event e = super.nextEvent(in);
                        if (e != null && e.getHeader().getEventType() == EventType.TABLE_MAP) {
                            TableMapEventData m = e.getData();
                            tableMaps.put(m.getTableId(), m);
                        }
                        if (e != null
                                && e.getHeader().getEventType() == EventType.ROTATE
                                && e.getHeader().getTimestamp() != 0) {
                            tableMaps.clear();
                        }
                        return e;
                    }
                };
        d.setEventDataDeserializer(
                EventType.WRITE_ROWS, new RowDeserializers.WriteRowsDeserializer(tableMaps));
        d.setEventDataDeserializer(
                EventType.UPDATE_ROWS, new RowDeserializers.UpdateRowsDeserializer(tableMaps));
        d.setEventDataDeserializer(
                EventType.DELETE_ROWS, new RowDeserializers.DeleteRowsDeserializer(tableMaps));
        d.setEventDataDeserializer(
                EventType.EXT_WRITE_ROWS,
                new RowDeserializers.WriteRowsDeserializer(tableMaps)
                        .setMayContainExtraInformation(true));
        d.setEventDataDeserializer(
                EventType.EXT_UPDATE_ROWS,
                new RowDeserializers.UpdateRowsDeserializer(tableMaps)
                        .setMayContainExtraInformation(true));
        d.setEventDataDeserializer(
                EventType.EXT_DELETE_ROWS,
                new RowDeserializers.DeleteRowsDeserializer(tableMaps)
                        .setMayContainExtraInformation(true));
        return d;
    }

    /** An event's data, out of the wrapper the client puts some in. */
    @SuppressWarnings("unchecked")
    static <T extends EventData> T data(Event event) {
        EventData d = event.getData();
        if (d instanceof EventDeserializer.EventDataWrapper w) {
            d = w.getInternal();
        }
        return (T) d;
    }
}
