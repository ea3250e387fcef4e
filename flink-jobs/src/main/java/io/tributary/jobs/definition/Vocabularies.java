package io.tributary.jobs.definition;

import io.tributary.connectors.catalog.CatalogYaml;
import io.tributary.connectors.cdc.CdcYaml;
import io.tributary.connectors.kafka.KafkaYaml;
import io.tributary.connectors.lake.LakeYaml;
import io.tributary.connectors.redshift.RedshiftYaml;
import io.tributary.connectors.s3.S3Yaml;
import io.tributary.connectors.yaml.EndpointVocabulary;
import io.tributary.connectors.yaml.EndpointVocabulary.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The source and sink types a pipeline file can name: Tributary's connectors, then any {@link
 * EndpointVocabulary} on the classpath registered in {@code META-INF/services} (a test's in-memory
 * values connector, a user's own).
 */
final class Vocabularies {

    private static final List<EndpointVocabulary> BUILT_IN =
            List.of(
                    S3Yaml.SOURCE,
                    CdcYaml.SOURCE,
                    KafkaYaml.SOURCE,
                    CatalogYaml.SOURCE,
                    RedshiftYaml.SINK,
                    LakeYaml.SINK,
                    KafkaYaml.SINK);

    private static volatile List<EndpointVocabulary> all;

    private Vocabularies() {}

    private static List<EndpointVocabulary> all() {
        if (all == null) {
            List<EndpointVocabulary> found = new ArrayList<>(BUILT_IN);
            ServiceLoader.load(EndpointVocabulary.class, Vocabularies.class.getClassLoader())
                    .forEach(found::add);
            all = List.copyOf(found);
        }
        return all;
    }

    /** The types of a role by name, aliases included, in the order they are listed to users. */
    static Map<String, EndpointVocabulary> of(Role role) {
        Map<String, EndpointVocabulary> byName = new LinkedHashMap<>();
        for (EndpointVocabulary v : all()) {
            if (v.role() == role) {
                byName.putIfAbsent(v.type().toLowerCase(Locale.ROOT), v);
                v.aliases().forEach(a -> byName.putIfAbsent(a.toLowerCase(Locale.ROOT), v));
            }
        }
        return byName;
    }

    /** The types of a role as users read them: "s3, cdc, kafka or catalog". */
    static String listed(Role role) {
        List<String> names = new ArrayList<>();
        for (EndpointVocabulary v : all()) {
            if (v.role() == role) {
                names.add(v.type());
            }
        }
        return names.size() == 1
                ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1))
                        + " or "
                        + names.get(names.size() - 1);
    }
}
