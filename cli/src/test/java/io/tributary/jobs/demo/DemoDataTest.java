package io.tributary.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoDataTest {

    @Test
    void orderIdsNeverRepeatAcrossFiles() {
        Set<Long> ids = new HashSet<>();
        for (int f = 0; f < 20; f++) {
            DemoData.salesFile(f, 100).forEach(s -> assertThat(ids.add(s.orderId())).isTrue());
        }
        assertThat(ids).hasSize(2000);
    }

    @Test
    void sameFileNumberGivesTheSameRows() {
        assertThat(DemoData.salesFile(3, 50)).isEqualTo(DemoData.salesFile(3, 50));
    }

    @Test
    void jsonLinesCarryEveryFieldWithCustomerIdsInRange() throws Exception {
        List<DemoData.Sale> sales = DemoData.salesFile(0, 10);
        String[] lines = DemoData.toJsonLines(sales).split("\n");
        assertThat(lines).hasSize(10);
        JsonNode first = new ObjectMapper().readTree(lines[0]);
        assertThat(first.fieldNames())
                .toIterable()
                .containsExactly(
                        "order_id", "customer_id", "product", "quantity", "unit_price", "ts");
        assertThat(first.get("unit_price").decimalValue())
                .isEqualByComparingTo(sales.get(0).unitPrice());
        assertThat(sales)
                .allMatch(s -> s.customerId() >= 1 && s.customerId() <= DemoData.CUSTOMERS);
    }

    @Test
    void keysUseAHiveStylePartition() {
        assertThat(DemoData.salesKey(7)).isEqualTo("sales/dt=2026-11-24/part-00007.json");
    }
}
